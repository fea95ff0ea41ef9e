// Helpers for the hostile-input tests: raw HTTP requests (any request target, as curl
// --path-as-is sends it), synthetic pprof profiles, Push bodies, and the checks every case ends
// with (/ready answers, earlier data intact).
import { create, toBinary } from '@bufbuild/protobuf';
import { request } from 'node:http';
import { Function as PFunction, Label, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { expect } from 'vitest';
import { PushRequestSchema } from '../../src/api/gen/push/v1/push_pb';
import type { TestServer } from './helpers';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP/1.1 request with the target exactly as given (no URL normalisation). */
export function rawRequest(base: string, target: string, opts: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: target, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(opts.body ? Buffer.from(opts.body) : undefined);
  });
}

/** GET /ready must answer 200 within 1 s (the server's event loop is free). */
export async function expectReady(s: TestServer): Promise<void> {
  const r = await fetch(`${s.url}/ready`, { signal: AbortSignal.timeout(1000) });
  expect(r.status).toBe(200);
}

/** Polls until `pred` holds (the server reports the request started), at most `ms`. */
export async function waitFor(pred: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Starts a heavy request, waits until the server reports it in flight, then checks that /ready
 * answers within 1 s and, when given, that another tenant's query answers too; returns the heavy
 * request's result.
 */
export async function whileInFlight<T>(s: TestServer, kind: 'ingest' | 'query', heavy: () => Promise<T>, other?: () => Promise<void>): Promise<T> {
  const before = s.inFlight[kind];
  const p = heavy();
  let done = false;
  void p.finally(() => (done = true)).catch(() => undefined);
  await waitFor(() => s.inFlight[kind] > before || done);
  await expectReady(s);
  if (other) await other();
  return p;
}

export interface SampleSpec {
  /** Function names, leaf first. */
  stack: string[];
  values: (number | bigint)[];
  labels?: Record<string, string>;
}

export interface ProfileSpec {
  sampleTypes?: [string, string][];
  periodType?: [string, string];
  period?: number | bigint;
  durationNanos?: number | bigint;
  timeNanos?: number | bigint;
  samples: SampleSpec[];
}

/** A pprof profile built from names: one function and location per distinct name. */
export function makeProfile(spec: ProfileSpec): Uint8Array {
  const st = new StringTable();
  const fnIds = new Map<string, number>();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const locOf = (name: string) => {
    let id = fnIds.get(name);
    if (id === undefined) {
      id = functions.length + 1;
      fnIds.set(name, id);
      functions.push(new PFunction({ id, name: st.dedup(name) }));
      locations.push(new Location({ id, line: [new Line({ functionId: id })] }));
    }
    return id;
  };
  const sampleTypes = spec.sampleTypes ?? [['cpu', 'nanoseconds']];
  const p = new Profile({
    sampleType: sampleTypes.map(([t, u]) => new ValueType({ type: st.dedup(t), unit: st.dedup(u) })),
    periodType: new ValueType({ type: st.dedup((spec.periodType ?? ['cpu', 'nanoseconds'])[0]), unit: st.dedup((spec.periodType ?? ['cpu', 'nanoseconds'])[1]) }),
    period: spec.period ?? 10_000_000,
    durationNanos: spec.durationNanos ?? 10_000_000_000,
    timeNanos: spec.timeNanos ?? BigInt(Date.now()) * 1_000_000n,
    sample: spec.samples.map(
      (s) =>
        new Sample({
          locationId: s.stack.map(locOf),
          value: s.values,
          label: Object.entries(s.labels ?? {}).map(([k, v]) => new Label({ key: st.dedup(k), str: st.dedup(v) })),
        }),
    ),
    location: locations,
    function: functions,
    stringTable: st,
  });
  return p.encode();
}

/** A binary Push request of one series per entry. */
export function pushBody(series: { labels: Record<string, string>; profiles: Uint8Array[] }[]): Uint8Array {
  return toBinary(
    PushRequestSchema,
    create(PushRequestSchema, {
      series: series.map((x) => ({
        labels: Object.entries(x.labels).map(([name, value]) => ({ name, value })),
        samples: x.profiles.map((rawProfile, i) => ({ rawProfile, ID: String(i) })),
      })),
    }),
  );
}

export function push(s: TestServer, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${s.url}/push.v1.PusherService/Push`, { method: 'POST', headers: { 'content-type': 'application/proto', ...headers }, body: Buffer.from(body) });
}

/** Σ of the merged profile of a selector (0 when nothing matches). */
export async function mergedTotal(s: TestServer, profileTypeID: string, labelSelector: string, headers?: Record<string, string>): Promise<number> {
  const r = await s.rpc('SelectMergeProfile', { profileTypeID, labelSelector, start: '1', end: String(Date.now() + 7_200_000) }, headers);
  expect(r.status).toBe(200);
  return (r.json.sample ?? []).reduce((a: number, x: { value: string[] }) => a + Number(x.value[0]), 0);
}
