// Issue 20: pprof sample labels are kept with the samples, so that SelectMergeProfile gives them
// back (string and numeric, with units; per-sample ids too), and their cardinality is limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile } from 'pprof-format';
import { openDatabase } from '../storage/db';
import { columnSum, decodeFixture, readFixture, startTestServer, type RpcJson, type TestServer } from './helpers';

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const ALLOC_SPACE = 'memory:alloc_space:bytes:space:bytes';

let s: TestServer;
const now = Date.now();
const range = { start: String(now - 3_600_000), end: String(now + 60_000) };

/** `key=value` (numeric: `key=num unit`) → Σ of the column over the samples carrying it, as `pprof -tags` adds them up. */
type Tags = Record<string, number>;

function tagsOfFile(p: Profile, column: number): Tags {
  const st = p.stringTable.strings;
  const out: Tags = {};
  for (const x of p.sample) {
    for (const l of x.label) {
      const key = st[Number(l.key)]!;
      const tag = Number(l.str) ? `${key}=${st[Number(l.str)]}` : `${key}=${Number(l.num)} ${st[Number(l.numUnit)] ?? ''}`;
      out[tag] = (out[tag] ?? 0) + Number(x.value[column]);
    }
  }
  return out;
}

type JsonSample = { value: string[]; label?: { key?: string; str?: string; num?: string; numUnit?: string }[] };

function tagsOfMerged(json: RpcJson): Tags {
  const st = json.stringTable ?? [];
  const out: Tags = {};
  for (const x of (json.sample ?? []) as JsonSample[]) {
    for (const l of x.label ?? []) {
      const key = st[Number(l.key ?? 0)]!;
      const tag = l.str ? `${key}=${st[Number(l.str)]}` : `${key}=${Number(l.num ?? 0)} ${st[Number(l.numUnit ?? 0)] ?? ''}`;
      out[tag] = (out[tag] ?? 0) + Number(x.value[0]);
    }
  }
  return out;
}

const doubled = (t: Tags): Tags => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, 2 * v]));
const total = (json: RpcJson) => (json.sample ?? []).reduce((a, x) => a + Number(x.value[0]), 0);

const merge = async (service: string, type: string) => {
  const r = await s.rpc('SelectMergeProfile', { profileTypeID: type, labelSelector: `{service_name="${service}"}`, ...range });
  expect(r.status).toBe(200);
  return r.json;
};

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.stop());

describe('SelectMergeProfile gives sample labels back', () => {
  it('string labels of a Go CPU profile (pprof.Do), over two profiles', async () => {
    const raw = readFixture('go-cpu.pb.gz');
    for (const at of [now - 60_000, now - 30_000])
      expect((await s.ingest({ name: 'labelled', from: String(at), format: 'pprof' }, raw)).status).toBe(200);
    const file = decodeFixture(raw);
    const merged = await merge('labelled', CPU);
    const tags = tagsOfMerged(merged);
    expect(Object.keys(tags)).toEqual(expect.arrayContaining(['handler=fib', 'tenant=acme']));
    expect(tags).toEqual(doubled(tagsOfFile(file, 1)));
    expect(total(merged)).toBe(2 * columnSum(file, 1));
  });

  it('numeric labels (heap `bytes`) with their values', async () => {
    const raw = readFixture('go-heap.pb.gz');
    expect((await s.ingest({ name: 'heap', from: String(now - 60_000), format: 'pprof' }, raw)).status).toBe(200);
    const file = decodeFixture(raw);
    const alloc = file.sampleType.findIndex((t) => file.stringTable.strings[Number(t.type)] === 'alloc_space');
    const merged = await merge('heap', ALLOC_SPACE);
    const tags = tagsOfMerged(merged);
    expect(Object.keys(tags).filter((k) => k.startsWith('bytes=')).length).toBeGreaterThan(10);
    // A sample whose alloc_space is 0 is not stored: its label carries no weight either way.
    const expected = Object.fromEntries(Object.entries(tagsOfFile(file, alloc)).filter(([, v]) => v !== 0));
    expect(tags).toEqual(expected);
    expect(total(merged)).toBe(columnSum(file, alloc));
  });

  it('per-sample ids (span_id) and numeric labels with units, which are not series labels', async () => {
    const raw = readFixture('span-labels.pb.gz');
    expect((await s.ingest({ name: 'spans', from: String(now - 60_000), format: 'pprof' }, raw)).status).toBe(200);
    const names = await s.rpc('LabelNames', { matchers: ['{service_name="spans"}'], ...range });
    expect(names.json.names).not.toContain('span_id');
    const file = decodeFixture(raw);
    const tags = tagsOfMerged(await merge('spans', CPU));
    expect(Object.keys(tags).filter((k) => k.startsWith('span_id=')).length).toBe(240);
    expect(Object.keys(tags).some((k) => /^request_bytes=\d+ bytes$/.test(k))).toBe(true);
    expect(tags).toEqual(tagsOfFile(file, 1));
  });

  it('a profile without labels merges as before: no sample has labels', async () => {
    expect(
      (await s.ingest({ name: 'plain', from: String(now - 60_000), format: 'pprof' }, readFixture('go-cpu-tiny.pb.gz'))).status,
    ).toBe(200);
    const merged = await merge('plain', CPU);
    expect((merged.sample as JsonSample[]).every((x) => !x.label?.length)).toBe(true);
    expect(total(merged)).toBe(80_000_000);
  });
});

describe('maxSampleLabelSets', () => {
  it('a profile with more distinct label sets is refused with 413 naming the limit; nothing else is lost', async () => {
    const tight = await startTestServer({ limits: { maxSampleLabelSets: 100 } });
    try {
      const cpu = readFixture('go-cpu.pb.gz');
      expect((await tight.ingest({ name: 'before', from: String(now - 60_000), format: 'pprof' }, cpu)).status).toBe(200);
      const r = await tight.ingest(
        { name: 'spans', from: String(now - 60_000), format: 'pprof' },
        readFixture('span-labels.pb.gz'),
      );
      expect(r.status).toBe(413);
      const body = (await r.json()) as { message: string };
      expect(body.message).toMatch(/more than 100 distinct sets of sample labels/);
      expect(body.message).toMatch(/maxSampleLabelSets = 100 \(FLAMELENS_MAX_SAMPLE_LABEL_SETS\)/);
      // Nothing of the refused profile is stored; what was there, and what comes next, is.
      expect((await tight.ingest({ name: 'after', from: String(now - 60_000), format: 'pprof' }, cpu)).status).toBe(200);
      const services = await tight.rpc('LabelValues', { name: 'service_name', matchers: [], ...range });
      expect(services.json.names).toEqual(['after', 'before']);
      const before = await tight.rpc('SelectMergeProfile', {
        profileTypeID: CPU,
        labelSelector: '{service_name="before"}',
        ...range,
      });
      expect(tagsOfMerged(before.json)).toEqual(tagsOfFile(decodeFixture(cpu), 1));
    } finally {
      await tight.stop();
    }
  });
});

it('a database made before sample labels were kept gains their columns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamelens-old-'));
  try {
    const old = new Database(join(dir, 'flamelens.sqlite'));
    old.exec(`CREATE TABLE profiles (id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
      duration_ns INTEGER NOT NULL, scope INTEGER NOT NULL, period INTEGER NOT NULL, drop_frames TEXT NOT NULL,
      keep_frames TEXT NOT NULL, total REAL NOT NULL, samples BLOB NOT NULL)`);
    old.close();
    const db = openDatabase(dir);
    const cols = (db.prepare('PRAGMA table_info(profiles)').all() as { name: string }[]).map((c) => c.name);
    db.close();
    expect(cols).toEqual(expect.arrayContaining(['label_sets', 'label_index']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
