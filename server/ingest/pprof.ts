// Decoding and validating incoming pprof profiles, and naming their profile types as Pyroscope does.
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { type ProfileTypeId as ProfileTypeInfo, parseProfileTypeId } from '../../src/api/profile-types';

/** A client error on ingest (HTTP 400 unless status says otherwise). */
export class IngestError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips when the bytes start with the gzip magic (never by file name), then decodes and checks. */
export function decodePprof(bytes: Uint8Array): Profile {
  if (bytes.length === 0) throw new IngestError('empty profile body');
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (e) {
      throw new IngestError(`malformed pprof: bad gzip data (${(e as Error).message})`);
    }
  }
  let profile: Profile;
  try {
    profile = Profile.decode(raw);
  } catch (e) {
    throw new IngestError(`malformed pprof: ${(e as Error).message}`);
  }
  validate(profile);
  return profile;
}

/**
 * Table lookup by id. Some producers (e.g. .NET) leave every id at 0 and refer to entries by
 * position (id N = the N-th entry); `go tool pprof` rejects those files ("reserved ID=0"), we
 * resolve them by position so the user still sees the named frames.
 */
export function indexById<T extends { id: unknown }>(items: readonly T[]): Map<number, T> {
  const byId = new Map<number, T>();
  let usable = true;
  for (const it of items) {
    const id = Number(it.id);
    if (id === 0 || byId.has(id)) {
      usable = false;
      break;
    }
    byId.set(id, it);
  }
  if (usable) return byId;
  const byPosition = new Map<number, T>();
  items.forEach((it, i) => byPosition.set(i + 1, it));
  return byPosition;
}

function validate(p: Profile): void {
  const strings = p.stringTable.strings;
  const nStrings = strings.length;
  const str = (i: unknown, what: string) => {
    const n = Number(i);
    if (!(n >= 0 && n < nStrings)) throw new IngestError(`malformed pprof: ${what} string index ${n} out of range`);
  };
  if (p.sampleType.length === 0) throw new IngestError('malformed pprof: no sample types');
  p.sampleType.forEach((t) => (str(t.type, 'sample type'), str(t.unit, 'sample unit')));
  const functions = indexById(p.function);
  for (const f of p.function) {
    str(f.name, 'function name');
    str(f.systemName, 'function system name');
    str(f.filename, 'function file name');
  }
  const mappings = indexById(p.mapping);
  p.mapping.forEach((m) => (str(m.filename, 'mapping file name'), str(m.buildId, 'mapping build id')));
  const locations = indexById(p.location);
  for (const l of p.location) {
    const mid = Number(l.mappingId);
    if (mid !== 0 && !mappings.has(mid)) throw new IngestError(`malformed pprof: location ${l.id} refers to missing mapping ${mid}`);
    for (const line of l.line) {
      const fid = Number(line.functionId);
      if (!functions.has(fid)) throw new IngestError(`malformed pprof: location ${l.id} refers to missing function ${fid}`);
    }
  }
  const width = p.sampleType.length;
  for (const s of p.sample) {
    if (s.value.length !== width)
      throw new IngestError(`malformed pprof: a sample has ${s.value.length} values for ${width} sample types`);
    for (const id of s.locationId) {
      if (!locations.has(Number(id))) throw new IngestError(`malformed pprof: a sample refers to missing location ${id}`);
    }
    for (const l of s.label) (str(l.key, 'label key'), str(l.str, 'label value'));
  }
  if (p.periodType) (str(p.periodType.type, 'period type'), str(p.periodType.unit, 'period unit'));
  str(p.dropFrames, 'drop_frames');
  str(p.keepFrames, 'keep_frames');
}

// Profile type IDs are parsed by the same code as in the app.
export { type ProfileTypeInfo, parseProfileTypeId };

/** Pyroscope's family name (`__name__`) for a sample type. */
export function metricName(sampleType: string, periodType: string): string {
  const t = sampleType.toLowerCase();
  if (t === 'wall') return 'wall';
  if (t.includes('cpu')) return 'process_cpu';
  if (/alloc_|inuse_|space|objects/.test(t)) return 'memory';
  if (t.startsWith('mutex_')) return 'mutex';
  if (t.startsWith('block_')) return 'block';
  if (/^goroutines?$/.test(t)) return 'goroutines';
  const p = periodType.toLowerCase();
  if (p.includes('cpu') || (t === 'samples' && (p === '' || p === 'samples'))) return 'process_cpu';
  if (p === 'wall') return 'wall';
  if (p === 'space') return 'memory';
  if (p === 'contentions' || p === 'mutex') return t === 'delay' && p === 'mutex' ? 'mutex' : 'block';
  return t.replace(/[^a-z0-9_]/g, '_') || 'unknown';
}

export interface SampleTypeOverride {
  /** Replaces the sample type name (Pyroscope's `display-name`). */
  displayName?: string;
  units?: string;
}

/** One ProfileTypeInfo per sample type column of the profile. */
export function profileTypesOf(p: Profile, overrides: Record<string, SampleTypeOverride> = {}, forcedName?: string): ProfileTypeInfo[] {
  const s = p.stringTable.strings;
  const periodType = p.periodType ? s[Number(p.periodType.type)] : '';
  const periodUnit = p.periodType ? s[Number(p.periodType.unit)] : '';
  return p.sampleType.map((vt) => {
    const original = s[Number(vt.type)];
    const o = overrides[original] ?? {};
    const sampleType = o.displayName || original;
    const sampleUnit = o.units || s[Number(vt.unit)];
    const name = forcedName || metricName(sampleType, periodType);
    const id = [name, sampleType, sampleUnit, periodType, periodUnit].join(':');
    return { id, name, sampleType, sampleUnit, periodType, periodUnit };
  });
}
