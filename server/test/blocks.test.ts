// Issue 23: pre-aggregated blocks give the same answers as merging the raw profiles. Two real
// servers get the same profiles; one builds blocks (compact()), the other never does, and every
// query over many ranges (aligned, unaligned, across days, with late arrivals, after retention)
// must answer alike. The servers run on one fake clock.
import { afterAll, beforeAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Profile } from 'pprof-format';
import { makeProfile, type SampleSpec } from './hostile-helpers';
import { startTestServer, type RpcJson, type TestServer } from './helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const D0 = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
/** The profiles span D0 + 20 h … D0 + 2 d + 2 h: a whole UTC day and parts of two others. */
const FIRST = D0 + 20 * HOUR;
const LAST = D0 + 2 * DAY + 2 * HOUR;

let clock = LAST + 3 * HOUR;
let withBlocks: TestServer;
let raw: TestServer;
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;

const FUNCS = ['main', 'serve', 'handle', 'parse', 'encode', 'gc', 'alloc', 'hash', 'read', 'write'];

/** A profile of random stacks; some samples carry a span_id (kept per sample), some profiles another period or drop_frames. */
function profile(i: number): Uint8Array {
  const samples: SampleSpec[] = [];
  for (let k = 0; k < 12; k++) {
    const depth = 1 + Math.floor(rnd() * 5);
    const stack = Array.from({ length: depth }, () => pick(FUNCS));
    const v = 1 + Math.floor(rnd() * 40);
    samples.push({
      stack,
      values: [v, v * 10_000_000],
      labels: i % 3 === 0 && k % 2 ? { span_id: pick(['s1', 's2', 's3']) } : {},
    });
  }
  const bytes = makeProfile({
    sampleTypes: [
      ['samples', 'count'],
      ['cpu', 'nanoseconds'],
    ],
    period: i % 11 === 5 ? 20_000_000 : 10_000_000,
    samples,
  });
  if (i % 17 !== 3) return bytes;
  const p = Profile.decode(bytes);
  p.dropFrames = p.stringTable.dedup('runtime\\..*');
  return p.encode();
}

async function ingestBoth(pod: string, t: number, i: number): Promise<void> {
  const body = profile(i);
  for (const s of [withBlocks, raw]) {
    const r = await s.ingest({ name: `svc{pod=${pod}}`, from: String(t), format: 'pprof' }, body);
    expect(r.status).toBe(200);
  }
}

beforeAll(async () => {
  const opts = { retention: '30d', compactIntervalMs: 0, retentionIntervalMs: 3_600_000, now: () => clock };
  withBlocks = await startTestServer(opts);
  raw = await startTestServer(opts);
  let i = 0;
  // Every 13 min (some on 5 min and hour boundaries, which an inclusive range end must count).
  for (let t = FIRST; t <= LAST; t += 13 * MIN) {
    await ingestBoth('a', t, i++);
    if (i % 4 !== 0) await ingestBoth('b', t + (i % 7) * 1000, i++);
  }
  // On day boundaries, which only a range's inclusive end reaches.
  for (const t of [D0 + DAY, D0 + 2 * DAY]) await ingestBoth('a', t, i++);
  await ingestBoth('b', D0 + 33 * HOUR - 1, i++); // the last ms of an hour
}, 120_000);

afterAll(async () => {
  await withBlocks?.stop();
  await raw?.stop();
});

/** A merged pprof as (stack of function names, labels) → value, with the fields a merge folds. */
function normalise(json: RpcJson) {
  type J = RpcJson & {
    location?: { id: string; line?: { functionId: string }[] }[];
    function?: { id: string; name?: string }[];
    sample?: { locationId?: string[]; value: string[]; label?: { key?: string; str?: string }[] }[];
    dropFrames?: string;
    keepFrames?: string;
  };
  const j = json as J;
  const st = j.stringTable ?? [];
  const fn = new Map((j.function ?? []).map((f) => [f.id, st[Number(f.name ?? 0)]]));
  const loc = new Map((j.location ?? []).map((l) => [l.id, (l.line ?? []).map((x) => fn.get(x.functionId)).join('/')]));
  const values: Record<string, number> = {};
  for (const s of j.sample ?? []) {
    const labels = (s.label ?? []).map((l) => `${st[Number(l.key ?? 0)]}=${st[Number(l.str ?? 0)]}`).sort();
    const key = `${(s.locationId ?? []).map((id) => loc.get(id)).join(';')}|${labels.join(',')}`;
    values[key] = (values[key] ?? 0) + Number(s.value[0]);
  }
  return { values, period: j.period, drop: st[Number(j.dropFrames ?? 0)], keep: st[Number(j.keepFrames ?? 0)] };
}

const STEPS = [15, 300, 600, 3600, 7200, 86400];

/** Asks both servers the same queries over [a, b]; returns the number of queries compared. */
async function compare(a: number, b: number, n: number): Promise<number> {
  const selector = n % 3 === 2 ? '{pod="a"}' : '{service_name="svc"}';
  const range = { start: String(a), end: String(b) };
  const ask = async (s: TestServer, method: string, body: object) => {
    const r = await s.rpc(method, { profileTypeID: CPU, labelSelector: selector, ...range, ...body });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json;
  };
  const where = `range ${n} [${a - D0}, ${b - D0}] (ms after D0)`;
  const [mp1, mp2] = await Promise.all([withBlocks, raw].map((s) => ask(s, 'SelectMergeProfile', {})));
  expect(normalise(mp1!), where).toEqual(normalise(mp2!));
  const [fg1, fg2] = await Promise.all([withBlocks, raw].map((s) => ask(s, 'SelectMergeStacktraces', { maxNodes: 1024 })));
  expect(fg1!.flamegraph, where).toEqual(fg2!.flamegraph);
  const series = {
    step: STEPS[n % STEPS.length],
    groupBy: ['pod'],
    aggregation: n % 2 ? 'TIME_SERIES_AGGREGATION_TYPE_AVERAGE' : 'TIME_SERIES_AGGREGATION_TYPE_SUM',
  };
  const [ss1, ss2] = await Promise.all([withBlocks, raw].map((s) => ask(s, 'SelectSeries', series)));
  expect(ss1!.series, where).toEqual(ss2!.series);
  return 3;
}

/** Ranges aligned to days, hours and 5 min (with and without the inclusive end), unaligned, and across days. */
function ranges(): [number, number][] {
  const out: [number, number][] = [
    [FIRST - HOUR, LAST + HOUR],
    [D0 + DAY, D0 + 2 * DAY - 1],
    [D0 + DAY, D0 + 2 * DAY],
    [D0 + DAY - 1, D0 + 2 * DAY + 1],
    [D0 + 22 * HOUR + 123, D0 + DAY + 3 * HOUR + 77],
    [D0 + DAY + 5 * HOUR, D0 + 2 * DAY + HOUR + 5 * MIN],
  ];
  // D0 + 33 h (= FIRST + 60 × 13 min) has a profile: ranges ending just before it.
  const onHour = D0 + 33 * HOUR;
  out.push([onHour - HOUR, onHour - 1], [onHour - 5 * MIN, onHour - 1], [onHour - 2 * HOUR, onHour]);
  out.push([onHour - HOUR, onHour - 2], [onHour - 5 * MIN + 1, onHour - 1]);
  for (const h of [21, 24, 30, 47, 49]) {
    const t = D0 + h * HOUR;
    out.push([t, t + HOUR - 1], [t, t + HOUR], [t - 1, t + 2 * HOUR]);
  }
  for (const m of [0, 5, 35, 55]) {
    const t = D0 + DAY + 6 * HOUR + m * MIN;
    out.push([t, t + 5 * MIN - 1], [t, t + 5 * MIN], [t + 1, t + 15 * MIN]);
  }
  for (let k = 0; k < 16; k++) {
    const a = FIRST - HOUR + Math.floor(rnd() * (LAST - FIRST + 2 * HOUR));
    out.push([a, Math.min(a + Math.floor(rnd() * rnd() * 30 * HOUR), LAST + HOUR)]);
  }
  return out;
}

async function compareAll(): Promise<number> {
  let compared = 0;
  const rs = ranges();
  for (const [n, [a, b]] of rs.entries()) compared += await compare(a, b, n);
  return compared;
}

function blockCounts(s: TestServer): { spans: Record<string, number>; stale: number; oldest: number | null } {
  const db = new Database(join(s.dataDir, 'flamelens.sqlite'), { readonly: true });
  try {
    const spans: Record<string, number> = {};
    for (const r of db.prepare('SELECT span_ms, count(*) AS n FROM blocks GROUP BY span_ms').all() as {
      span_ms: number;
      n: number;
    }[])
      spans[r.span_ms] = r.n;
    const stale = (db.prepare('SELECT count(*) AS n FROM stale_blocks').get() as { n: number }).n;
    const oldest = (db.prepare('SELECT min(start_ms) AS m FROM blocks').get() as { m: number | null }).m;
    return { spans, stale, oldest };
  } finally {
    db.close();
  }
}

it('blocks answer every query as the raw profiles do: aligned, unaligned, across days, with late arrivals, after retention', async () => {
  expect(await withBlocks.compact()).toBeGreaterThan(0);
  const built = blockCounts(withBlocks);
  // Blocks of every span exist (the day D0 + 1 is whole), none are waiting to be rebuilt.
  expect(
    Object.keys(built.spans)
      .map(Number)
      .sort((x, y) => x - y),
  ).toEqual([5 * MIN, HOUR, DAY]);
  expect(built.spans[DAY]).toBe(2 * 2 * 2); // days D0, D0 + 1 (D0 + 2 is not over) × 2 pods × 2 types
  expect(built.stale).toBe(0);
  expect(blockCounts(raw).spans).toEqual({});
  let compared = await compareAll();

  // Late arrivals into compacted windows: an old 5 min window, a whole compacted day, an empty
  // window, and a new pod; first answered while their blocks are stale, then after rebuilding.
  let i = 1000;
  for (const t of [
    D0 + DAY + 6 * HOUR + 7 * MIN,
    D0 + DAY + 13 * HOUR,
    D0 + 21 * HOUR + 2 * MIN + 1,
    D0 + DAY + 6 * HOUR + 35 * MIN,
  ])
    await ingestBoth('a', t, i++);
  await ingestBoth('c', D0 + DAY + 6 * HOUR + 40 * MIN, i++);
  expect(blockCounts(withBlocks).stale).toBeGreaterThan(0);
  compared += await compareAll();
  expect(await withBlocks.compact()).toBeGreaterThan(0);
  expect(blockCounts(withBlocks).stale).toBe(0);
  compared += await compareAll();

  // Retention: blocks of windows before the cutoff go with their profiles.
  clock = D0 + DAY + 2 * HOUR + 30 * MIN + 30 * DAY;
  const cutoff = clock - 30 * DAY;
  expect(await withBlocks.deleteExpired()).toBe(await raw.deleteExpired());
  const after = blockCounts(withBlocks);
  expect(after.oldest).toBeGreaterThanOrEqual(cutoff);
  expect(after.spans[DAY]).toBeUndefined(); // both days built started before the cutoff
  expect(after.spans[HOUR]).toBeGreaterThan(0);
  compared += await compareAll();
  // The clock moved on: the last day is over and gets its blocks.
  expect(await withBlocks.compact()).toBeGreaterThan(0);
  expect(blockCounts(withBlocks).spans[DAY]).toBe(2 * 2);
  compared += await compareAll();
  expect(compared).toBe(5 * 3 * 54);
}, 300_000);

it('queries read the blocks of whole windows in range', async () => {
  // Give the hour blocks of D0 + 2 d the samples and totals of the hour before: the answers over
  // that whole hour change; those over a range one ms shorter (5 min blocks, raw profiles) do not.
  const hour = D0 + 2 * DAY;
  const db = new Database(join(withBlocks.dataDir, 'flamelens.sqlite'));
  try {
    const changed = db
      .prepare(
        `UPDATE blocks SET (samples, totals) = (SELECT b.samples, b.totals FROM blocks b
           WHERE b.series_id = blocks.series_id AND b.span_ms = blocks.span_ms AND b.start_ms = blocks.start_ms - ?)
         WHERE span_ms = ? AND start_ms = ?`,
      )
      .run(HOUR, HOUR, hour).changes;
    expect(changed).toBeGreaterThan(0);
  } finally {
    db.close();
  }
  const ask = async (s: TestServer, method: string, end: number, body: object = {}) =>
    (
      await s.rpc(method, {
        profileTypeID: CPU,
        labelSelector: '{service_name="svc"}',
        start: String(hour),
        end: String(end),
        ...body,
      })
    ).json;
  for (const [end, same] of [
    [hour + HOUR - 1, false],
    [hour + HOUR - 2, true],
  ] as const) {
    const merged = [withBlocks, raw].map((s) => ask(s, 'SelectMergeProfile', end));
    const series = [withBlocks, raw].map((s) => ask(s, 'SelectSeries', end, { step: 15 }));
    const [m1, m2, s1, s2] = await Promise.all([...merged, ...series]);
    if (same) {
      expect(normalise(m1!)).toEqual(normalise(m2!));
      expect(s1!.series).toEqual(s2!.series);
    } else {
      expect(normalise(m1!)).not.toEqual(normalise(m2!));
      expect(s1!.series).not.toEqual(s2!.series);
    }
  }
});
