// What the suite writes into each backend: profiles of testdata/ sent through every ingest path
// (raw /ingest, multipart /ingest with sample_type_config, Push) into two tenants, each at a known
// time. Both backends get the same bytes, so their answers must agree.
import { gunzipSync, gzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { readFixture } from '../tests/helpers/corpus';
import { isGzip } from '../src/common/gzip';
import type { Answer, Backend } from './backend';

export interface Run {
  /** Unique per run: tenants are named after it, so a shared Pyroscope holds each run apart. */
  id: string;
  tenantA: string;
  tenantB: string;
  /** A minute boundary well in the past: the profiles' times are t0 + offsets. */
  t0: number;
  /** A query range holding every profile (unix ms). */
  start: number;
  end: number;
}

export function newRun(now = Date.now()): Run {
  const id = `${now.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const t0 = Math.floor(now / 60_000) * 60_000 - 30 * 60_000;
  return {
    id,
    tenantA: `conformance-${id}-a`,
    tenantB: `conformance-${id}-b`,
    t0,
    start: t0 - 5 * 60_000,
    end: t0 + 10 * 60_000,
  };
}

export type Via = 'raw' | 'multipart' | 'push';

export interface Item {
  /** Names the item in scenarios and messages. */
  key: string;
  fixture: string;
  via: Via;
  tenant: 'a' | 'b';
  /** Seconds after t0. */
  offset: number;
  /** /ingest: the `name` parameter (app{labels}); Push: the series labels (with __name__). */
  name?: string;
  labels?: Record<string, string>;
  spyName?: string;
  sampleTypeConfig?: Record<string, Record<string, unknown>>;
}

// The Go SDK's own sample_type_config for heap profiles (pyroscope-go's upstream/remote).
const GO_HEAP_CONFIG = {
  alloc_objects: { units: 'objects' },
  alloc_space: { units: 'bytes' },
  inuse_objects: { units: 'objects', aggregation: 'average' },
  inuse_space: { units: 'bytes', aggregation: 'average' },
};

export const ITEMS: Item[] = [
  {
    key: 'cpu-a',
    fixture: 'go-cpu.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 0,
    name: 'checkout{pod=a,region=eu}',
    spyName: 'gospy',
  },
  {
    key: 'cpu-b',
    fixture: 'go-cpu-variant.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 60,
    name: 'checkout{pod=b,region=eu}',
    spyName: 'gospy',
  },
  {
    key: 'cpu-a2',
    fixture: 'go-cpu-tiny.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 120,
    name: 'checkout{pod=a,region=eu}',
    spyName: 'gospy',
  },
  {
    key: 'heap-a',
    fixture: 'go-heap.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 0,
    name: 'checkout{pod=a,region=eu}',
    spyName: 'gospy',
  },
  {
    key: 'heap-b',
    fixture: 'go-heap-2.pb.gz',
    via: 'multipart',
    tenant: 'a',
    offset: 60,
    name: 'checkout{pod=b,region=eu}',
    spyName: 'gospy',
    sampleTypeConfig: GO_HEAP_CONFIG,
  },
  {
    key: 'goroutine',
    fixture: 'go-goroutine.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 0,
    name: 'checkout{pod=a,region=eu}',
    spyName: 'gospy',
  },
  {
    key: 'mutex',
    fixture: 'go-mutex.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 0,
    name: 'checkout{pod=a,region=eu}',
    spyName: 'gospy',
  },
  {
    key: 'block',
    fixture: 'go-block.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 60,
    name: 'checkout{pod=b,region=eu}',
    spyName: 'gospy',
  },
  {
    key: 'node-wall',
    fixture: 'node-wall.pb.gz',
    via: 'raw',
    tenant: 'a',
    offset: 0,
    name: 'frontend{region=us}',
    spyName: 'nodespy',
  },
  { key: 'java-cpu', fixture: 'java-cpu.pb.gz', via: 'raw', tenant: 'a', offset: 60, name: 'billing', spyName: 'javaspy' },
  {
    key: 'java-alloc',
    fixture: 'java-alloc.pb.gz',
    via: 'multipart',
    tenant: 'a',
    offset: 60,
    name: 'billing',
    spyName: 'javaspy',
    sampleTypeConfig: {
      alloc_in_new_tlab_objects: { 'display-name': 'alloc_objects', units: 'objects' },
      alloc_in_new_tlab_bytes: { 'display-name': 'alloc_space', units: 'bytes' },
    },
  },
  { key: 'pyspy', fixture: 'pyspy.pb.gz', via: 'raw', tenant: 'a', offset: 0, name: 'reports', spyName: 'pyspy' },
  { key: 'dotnet', fixture: 'dotnet.pprof', via: 'raw', tenant: 'a', offset: 0, name: 'dotnet-api', spyName: 'dotnetspy' },
  {
    key: 'push-spans',
    fixture: 'span-labels.pb.gz',
    via: 'push',
    tenant: 'a',
    offset: 120,
    labels: { __name__: 'process_cpu', service_name: 'pushed', env: 'prod' },
  },
  {
    key: 'push-node-heap',
    fixture: 'node-heap.pb.gz',
    via: 'push',
    tenant: 'a',
    offset: 120,
    labels: { __name__: 'memory', service_name: 'frontend', region: 'us' },
  },
  {
    key: 'b-push',
    fixture: 'go-cpu-tiny.pb.gz',
    via: 'push',
    tenant: 'b',
    offset: 0,
    labels: { __name__: 'process_cpu', service_name: 'secret' },
  },
  { key: 'b-raw', fixture: 'go-cpu-tiny.pb.gz', via: 'raw', tenant: 'b', offset: 60, name: 'checkout{pod=z}', spyName: 'gospy' },
];

/** The fixture decoded, dated t0 + offset (Pyroscope dates an /ingest pprof by its own time_nanos, see docs/conformance.md). */
export function profileOf(item: Item, run: Run): Profile {
  const raw = readFixture(item.fixture);
  const p = Profile.decode(isGzip(raw) ? gunzipSync(raw) : raw);
  p.timeNanos = BigInt(run.t0 + item.offset * 1000) * 1_000_000n;
  return p;
}

/** Items of a tenant, by key. */
export const item = (key: string): Item => {
  const found = ITEMS.find((i) => i.key === key);
  if (!found) throw new Error(`no corpus item ${key}`);
  return found;
};

export const tenantOf = (run: Run, t: 'a' | 'b') => (t === 'a' ? run.tenantA : run.tenantB);

/** Sends one item; the answer is the backend's. */
export async function send(backend: Backend, run: Run, it: Item): Promise<Answer> {
  const bytes = gzipSync(profileOf(it, run).encode());
  const tenant = tenantOf(run, it.tenant);
  const at = run.t0 / 1000 + it.offset;
  const params = {
    name: it.name ?? '',
    from: String(at),
    until: String(at + 10),
    ...(it.spyName ? { spyName: it.spyName } : {}),
  };
  if (it.via === 'raw') return backend.ingestRaw(params, bytes, tenant);
  if (it.via === 'multipart') return backend.ingestMultipart(params, bytes, it.sampleTypeConfig ?? {}, tenant);
  return backend.push([{ labels: it.labels ?? {}, pprof: bytes }], tenant);
}

/** Ingests the whole corpus into a backend; every item must be accepted. */
export async function ingestCorpus(backend: Backend, run: Run): Promise<void> {
  for (const it of ITEMS) {
    const res = await send(backend, run, it);
    if (res.status !== 200)
      throw new Error(`${backend.name}: ${it.key} (${it.via}) answered ${res.status} ${JSON.stringify(res.json)}`);
  }
  for (const t of ['a', 'b'] as const) {
    const want = expectedGrandTotal(run, t);
    let seen = 0;
    try {
      await backend.waitUntil(`tenant ${t}'s profiles`, async () => {
        seen = await grandTotal(backend, run, tenantOf(run, t));
        return seen === want;
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}: Σ of every value is ${seen}, ${want} was sent`);
    }
  }
}

/** Σ of every value of every sample type of a tenant's items: what a backend must hold once all are visible. */
export function expectedGrandTotal(run: Run, t: 'a' | 'b'): number {
  let sum = 0;
  for (const it of ITEMS.filter((i) => i.tenant === t))
    for (const s of profileOf(it, run).sample) for (const v of s.value) sum += Number(v);
  return sum;
}

/**
 * Σ of every profile type's merged total for a tenant over the run's range (one
 * SelectMergeStacktraces per type): equal to expectedGrandTotal exactly when every profile sent is
 * visible, however a backend names the types. (Not SelectSeries: Pyroscope 2.2.1 drops points
 * from it when the step is as long as the range.)
 */
export async function grandTotal(backend: Backend, run: Run, tenant: string): Promise<number> {
  const range = { start: run.start, end: run.end };
  const types = await backend.rpc('ProfileTypes', range, tenant);
  let sum = 0;
  for (const t of (types.json.profileTypes as { ID: string }[] | undefined) ?? []) {
    const r = await backend.rpc('SelectMergeStacktraces', { profileTypeID: t.ID, labelSelector: '{}', ...range }, tenant);
    sum += Number((r.json.flamegraph as { total?: string } | undefined)?.total ?? 0);
  }
  return sum;
}

export function serviceOf(it: Item): string {
  if (it.labels) return it.labels.service_name ?? '';
  return (it.name ?? '').replace(/\{.*$/, '');
}
