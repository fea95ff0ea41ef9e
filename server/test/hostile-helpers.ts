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
export function rawRequest(
  base: string,
  target: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: target, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
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
export async function whileInFlight<T>(
  s: TestServer,
  kind: 'ingest' | 'query',
  heavy: () => Promise<T>,
  other?: () => Promise<void>,
  /** For a request long by construction (seconds): /ready and `other` must answer before it ends. */
  stillRunning = false,
): Promise<T> {
  const before = s.inFlight[kind];
  const p = heavy();
  let done = false;
  void p.finally(() => (done = true)).catch(() => undefined);
  await waitFor(() => s.inFlight[kind] > before || done);
  await expectReady(s);
  if (other) await other();
  if (stillRunning) expect(done, 'the heavy request was still running').toBe(false);
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
    periodType: new ValueType({
      type: st.dedup((spec.periodType ?? ['cpu', 'nanoseconds'])[0]),
      unit: st.dedup((spec.periodType ?? ['cpu', 'nanoseconds'])[1]),
    }),
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
  return fetch(`${s.url}/push.v1.PusherService/Push`, {
    method: 'POST',
    headers: { 'content-type': 'application/proto', ...headers },
    body: Buffer.from(body),
  });
}

/** Σ of the merged profile of a selector (0 when nothing matches). */
export async function mergedTotal(
  s: TestServer,
  profileTypeID: string,
  labelSelector: string,
  headers?: Record<string, string>,
): Promise<number> {
  const r = await s.rpc(
    'SelectMergeProfile',
    { profileTypeID, labelSelector, start: '1', end: String(Date.now() + 7_200_000) },
    headers,
  );
  expect(r.status).toBe(200);
  return (r.json.sample ?? []).reduce((a: number, x: { value: string[] }) => a + Number(x.value[0]), 0);
}

/** A protobuf writer just big enough for a large synthetic pprof (pprof-format is slow at this size). */
class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly chunkSize = 256) {
    this.buf = Buffer.allocUnsafe(chunkSize);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkSize, n));
    this.pos = 0;
  }

  varint(v: number): this {
    this.room(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.varint(field * 8 + 2).varint(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  uint(field: number, v: number): this {
    return this.varint(field * 8).varint(v);
  }

  done(): Buffer {
    this.chunks.push(this.buf.subarray(0, this.pos));
    return Buffer.concat(this.chunks);
  }
}

/**
 * A large valid pprof: `functions` functions with names of `nameLength` characters (one location
 * each) and `samples` samples of `depth` frames drawn by a fixed pseudo-random sequence, so that
 * nearly every stack is new. With 120k × 400-character names it is about 60 MB.
 */
export function bigProfile(o: { functions: number; nameLength: number; samples: number; depth: number; seed?: number }): {
  bytes: Buffer;
  total: number;
} {
  const w = new Writer(1 << 20);
  let x = o.seed ?? 1;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  // Strings: "", "cpu", "nanoseconds", then one name per function.
  const pad = 'x'.repeat(o.nameLength);
  let total = 0;
  const sampleType = new Writer().uint(1, 1).uint(2, 2).done();
  w.bytes(1, sampleType);
  for (let s = 0; s < o.samples; s++) {
    const ids = new Writer();
    for (let d = 0; d < o.depth; d++) ids.varint(1 + (next() % o.functions));
    const value = 1 + (next() % 1000);
    total += value;
    w.bytes(2, new Writer().bytes(1, ids.done()).bytes(2, new Writer().varint(value).done()).done());
  }
  for (let f = 1; f <= o.functions; f++) w.bytes(4, new Writer().uint(1, f).bytes(4, new Writer().uint(1, f).done()).done());
  for (let f = 1; f <= o.functions; f++)
    w.bytes(
      5,
      new Writer()
        .uint(1, f)
        .uint(2, f + 2)
        .done(),
    );
  for (const str of ['', 'cpu', 'nanoseconds']) w.bytes(6, Buffer.from(str));
  for (let f = 1; f <= o.functions; f++) w.bytes(6, Buffer.from(`fn${f}_${pad}`.slice(0, o.nameLength)));
  w.bytes(11, sampleType);
  w.uint(12, 10_000_000);
  return { bytes: w.done(), total };
}
