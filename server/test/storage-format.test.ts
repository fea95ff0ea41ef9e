// Issue 23: samples are stored in a compact encoding (storage/codec.ts); databases written before
// it still open and answer the same.
import { expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSamples, encodeSamples, type Samples } from '../storage/codec';
import { readFixture, startTestServer, type TestServer } from './helpers';

let seed = 11;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

function roundTrip(s: Samples): Samples {
  const back = decodeSamples(encodeSamples(s));
  // Entries come back sorted by node: compare as (node, set) → value.
  const key = (x: Samples) => {
    const m = new Map<string, number>();
    x.nodes.forEach((n, i) => {
      const set = x.labelIndex && x.labelSets ? (x.labelSets[x.labelIndex[i]!] ?? '') : '';
      const k = `${n}|${set}`;
      m.set(k, (m.get(k) ?? 0) + x.values[i]!);
    });
    return m;
  };
  expect(key(back)).toEqual(key(s));
  expect(back.nodes.length).toBe(s.nodes.length);
  return back;
}

it('the sample encoding gives back every value: integers (also negative and past 2^53), fractions, label sets', () => {
  const cases: Samples[] = [
    { nodes: new Uint32Array(), values: new Float64Array() },
    { nodes: Uint32Array.of(5, 1, 3), values: Float64Array.of(10_000_000, 30_000_000, 20_000_000) },
    { nodes: Uint32Array.of(1, 2, 3), values: Float64Array.of(-7, 2 ** 53, 1) },
    { nodes: Uint32Array.of(1, 2), values: Float64Array.of(2 ** 60, 3) },
    { nodes: Uint32Array.of(4, 9), values: Float64Array.of(0.5, 1e-9) },
    { nodes: Uint32Array.of(0, 4294967295), values: Float64Array.of(1, 2) },
    {
      nodes: Uint32Array.of(7, 7, 7, 2),
      values: Float64Array.of(1, 2, 3, 4),
      labelSets: ['[["span_id","a"]]', '[["bytes",512,"bytes"]]'],
      labelIndex: Int32Array.of(0, 1, -1, 0),
    },
  ];
  for (let k = 0; k < 50; k++) {
    const n = Math.floor(rnd() * 300);
    const labelled = k % 2 === 0;
    cases.push({
      nodes: Uint32Array.from({ length: n }, () => Math.floor(rnd() * 100_000)),
      values: Float64Array.from({ length: n }, () => (k % 5 === 0 ? rnd() * 1e6 : Math.floor(rnd() * 1e12) - 1e11)),
      labelSets: labelled ? ['[["span_id","x"]]', '[["span_id","y"]]'] : undefined,
      labelIndex: labelled ? Int32Array.from({ length: n }, () => Math.floor(rnd() * 3) - 1) : undefined,
    });
  }
  for (const c of cases) roundTrip(c);
  expect(cases.length).toBe(57);
  // Integral values share their greatest common divisor: 1,000 CPU samples of 10 ms take far
  // less than their 12 bytes each of before.
  const cpu = encodeSamples({
    nodes: Uint32Array.from({ length: 1000 }, (_, i) => i * 3),
    values: Float64Array.from({ length: 1000 }, () => 10_000_000 * (1 + Math.floor(rnd() * 20))),
  });
  expect(cpu.length).toBeLessThan(1000 * 3);
});

/** Rewrites every stored profile in the fixed-width form of before the compact encoding, and drops what issue 23 added. */
function downgrade(dataDir: string): number {
  const db = new Database(join(dataDir, 'flamelens.sqlite'));
  try {
    const rows = db.prepare('SELECT id, samples FROM profiles WHERE encoding = 1').all() as { id: number; samples: Buffer }[];
    const update = db.prepare('UPDATE profiles SET samples = ?, label_sets = ?, label_index = ?, encoding = 0 WHERE id = ?');
    for (const r of rows) {
      const s = decodeSamples(r.samples);
      const n = s.nodes.length;
      const blob = Buffer.alloc(n * 12);
      new Float64Array(blob.buffer, blob.byteOffset, n).set(s.values);
      new Uint32Array(blob.buffer, blob.byteOffset + n * 8, n).set(s.nodes);
      const labelled = s.labelSets && s.labelIndex;
      update.run(blob, labelled ? JSON.stringify(s.labelSets) : null, labelled ? Buffer.from(s.labelIndex!.buffer) : null, r.id);
    }
    db.exec('ALTER TABLE profiles DROP COLUMN encoding; DROP TABLE blocks; DROP TABLE stale_blocks; DROP TABLE meta');
    return rows.length;
  } finally {
    db.close();
  }
}

it('a database written before the compact encoding opens and answers as it did', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flamelens-format-'));
  const now = Date.now();
  const query = async (s: TestServer) => {
    const out = [];
    for (const [type, service] of [
      ['process_cpu:cpu:nanoseconds:cpu:nanoseconds', 'labelled'],
      ['process_cpu:cpu:nanoseconds:cpu:nanoseconds', 'plain'],
      ['memory:inuse_space:bytes:space:bytes', 'heap'],
    ]) {
      const r = await s.rpc('SelectMergeProfile', {
        profileTypeID: type,
        labelSelector: `{service_name="${service}"}`,
        start: String(now - 3_600_000),
        end: String(now + 60_000),
      });
      expect(r.status).toBe(200);
      expect(r.json.sample?.length).toBeGreaterThan(0);
      out.push(r.json);
    }
    return out;
  };
  try {
    let s = await startTestServer({ dataDir, compactIntervalMs: 0 });
    let before;
    try {
      for (const [name, file] of [
        ['labelled', 'span-labels.pb.gz'],
        ['plain', 'go-cpu.pb.gz'],
        ['heap', 'go-heap.pb.gz'],
      ])
        for (const t of [now - 60_000, now - 30_000])
          expect((await s.ingest({ name: name!, from: String(t), format: 'pprof' }, readFixture(file!))).status).toBe(200);
      before = await query(s);
    } finally {
      await s.stop();
    }
    expect(downgrade(dataDir)).toBeGreaterThan(6);
    s = await startTestServer({ dataDir, compactIntervalMs: 0 });
    try {
      expect(await query(s)).toEqual(before);
      // New profiles beside the old ones: stored compactly, merged with them.
      expect(
        (await s.ingest({ name: 'plain', from: String(now - 10_000), format: 'pprof' }, readFixture('go-cpu.pb.gz'))).status,
      ).toBe(200);
      const [, plain] = await query(s);
      const sum = (j: typeof plain) => (j!.sample ?? []).reduce((a, x) => a + Number(x.value[0]), 0);
      expect(sum(plain)).toBe((sum(before[1]) * 3) / 2);
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
