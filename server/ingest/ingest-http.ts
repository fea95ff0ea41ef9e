// POST /ingest (Pyroscope's legacy ingest endpoint) for pprof bodies: raw (format=pprof) or a
// multipart form with a `profile` part and an optional `sample_type_config` part; and for JFR
// (format=jfr, the Java agent's multipart form with a `jfr` part, or a raw recording).
// The profile itself is decoded afterwards, in the worker pool.
import { parseAtTime } from '../time';
import { IngestError, type SampleTypeOverride } from './pprof';

export interface IngestRequest {
  profileBytes: Uint8Array;
  /** Series labels: the name's labels, service_name and pyroscope_spy. */
  labels: Record<string, string>;
  timeMs: number;
  overrides?: Record<string, SampleTypeOverride>;
  /** A JFR recording (format=jfr): converted to a CPU profile of this sampling period. */
  jfr?: { periodNs: number; labels?: Uint8Array };
}

/** `app{env=staging,pod="p-1"}` → service name and labels. */
export function parseAppName(name: string): { service: string; labels: Record<string, string> } {
  const m = /^([^{}]*)(?:\{(.*)\})?\s*$/s.exec(name.trim());
  if (!m || !m[1]!.trim()) throw new IngestError(`invalid name ${JSON.stringify(name)}: expected app or app{key=value,...}`);
  const labels: Record<string, string> = {};
  const body = (m[2] ?? '').trim();
  if (body) {
    for (const part of body.split(',')) {
      if (!part.trim()) continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new IngestError(`invalid label ${JSON.stringify(part.trim())} in name: expected key=value`);
      const key = part.slice(0, eq).trim();
      let value = part.slice(eq + 1).trim();
      if (/^".*"$/.test(value)) value = value.slice(1, -1);
      if (!/^[a-zA-Z_][a-zA-Z0-9_.]*$/.test(key)) throw new IngestError(`invalid label name ${JSON.stringify(key)} in name`);
      // Private labels cannot be set by clients.
      if (key.startsWith('__')) continue;
      labels[key.replace(/\./g, '_')] = value;
    }
  }
  return { service: m[1]!.trim(), labels };
}

/** Pyroscope's sample_type_config JSON → per-sample-type overrides. */
function parseSampleTypeConfig(text: string): Record<string, SampleTypeOverride> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IngestError('sample_type_config is not valid JSON');
  }
  const out: Record<string, SampleTypeOverride> = {};
  if (json && typeof json === 'object') {
    for (const [k, v] of Object.entries(json as Record<string, Record<string, unknown>>)) {
      if (!v || typeof v !== 'object') continue;
      out[k] = {
        displayName: typeof v['display-name'] === 'string' ? (v['display-name'] as string) : undefined,
        units: typeof v.units === 'string' ? (v.units as string) : undefined,
      };
    }
  }
  return out;
}

export async function parseIngestRequest(q: URLSearchParams, contentType: string, body: Buffer): Promise<IngestRequest> {
  const name = q.get('name');
  if (!name) throw new IngestError('name is required (e.g. name=my-app{env=prod})');
  const { service, labels } = parseAppName(name);
  let from: number | undefined;
  let until: number | undefined;
  try {
    from = parseAtTime(q.get('from'));
    until = parseAtTime(q.get('until'));
  } catch (e) {
    throw new IngestError((e as Error).message);
  }
  const format = (q.get('format') ?? '').toLowerCase();
  // Checked before the body's shape: a multipart form of another format would otherwise be
  // reported as a form without a profile part.
  if (format !== 'pprof' && format !== '' && format !== 'jfr')
    throw new IngestError(`unsupported format ${JSON.stringify(format)}: this server accepts format=pprof and format=jfr`, 422);
  const jfr: IngestRequest['jfr'] = format === 'jfr' ? { periodNs: jfrPeriodNs(q.get('sampleRate')) } : undefined;
  const part = jfr ? 'jfr' : 'profile';
  let profileBytes: Uint8Array;
  let overrides: Record<string, SampleTypeOverride> | undefined;
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://localhost/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new Uint8Array(body),
      }).formData();
    } catch (e) {
      throw new IngestError(`malformed multipart body: ${(e as Error).message}`);
    }
    if (form.has('prev_profile')) throw new IngestError('unsupported client version: prev_profile is not supported');
    const file = form.get(part);
    if (!file || typeof file === 'string') throw new IngestError(`multipart body has no "${part}" file part`);
    profileBytes = new Uint8Array(await file.arrayBuffer());
    // The Java agent's dynamic labels (LabelsWrapper), by the recording's context ids.
    const labels = jfr && form.get('labels');
    if (jfr && labels && typeof labels !== 'string') jfr.labels = new Uint8Array(await labels.arrayBuffer());
    const st = form.get('sample_type_config');
    if (st) overrides = parseSampleTypeConfig(typeof st === 'string' ? st : await st.text());
  } else {
    profileBytes = body;
  }
  const spy = q.get('spyName');
  const all: Record<string, string> = { ...labels, service_name: service };
  if (spy) all.pyroscope_spy = spy;
  const timeMs = from ?? (until !== undefined ? until : Date.now());
  return { profileBytes, labels: all, timeMs, overrides, jfr };
}

/** The agent's sampling rate (Hz, default 100) as the period of one JFR execution sample. */
function jfrPeriodNs(sampleRate: string | null): number {
  const hz = sampleRate === null || sampleRate === '' ? 100 : Number(sampleRate);
  if (!Number.isFinite(hz) || hz <= 0 || hz > 1e9) throw new IngestError(`invalid sampleRate ${JSON.stringify(sampleRate)}`);
  return Math.round(1e9 / hz);
}
