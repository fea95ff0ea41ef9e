// Retention: profiles older than the configured period disappear, by query and from disk. The
// server runs on a fake clock and the job is run explicitly, so a slow machine changes nothing.
import { expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { readFixture, startTestServer } from './helpers';

it('profiles past retention are invisible to queries at once and deleted by the retention job', async () => {
  let clock = Date.now();
  const s = await startTestServer({ retention: '3s', retentionIntervalMs: 3_600_000, now: () => clock });
  try {
    const cpu = readFixture('go-cpu-tiny.pb.gz');
    const t = clock;
    expect((await s.ingest({ name: 'old-ish', from: String(t - 2000), format: 'pprof' }, cpu)).status).toBe(200);
    expect((await s.ingest({ name: 'fresh', from: String(t + 60_000), format: 'pprof' }, cpu)).status).toBe(200);
    const services = async () =>
      (await s.rpc('LabelValues', { name: 'service_name', start: '1', end: String(t + 120_000) })).json.names;
    expect(await services()).toEqual(['fresh', 'old-ish']);
    expect(await s.deleteExpired()).toBe(0);

    clock = t + 1500; // old-ish is now 3.5 s old
    expect(await services()).toEqual(['fresh']);
    expect(await s.deleteExpired()).toBe(2); // one stored profile per sample type
    const db = new Database(join(s.dataDir, 'flamelens.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare("SELECT count(*) AS n FROM profiles p JOIN series s ON s.id = p.series_id WHERE s.labels LIKE '%old-ish%'")
        .get() as { n: number };
      expect(rows.n).toBe(0);
      expect((db.prepare("SELECT count(*) AS n FROM series WHERE labels LIKE '%old-ish%'").get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  } finally {
    await s.stop();
  }
});

it('the retention job runs by itself every retentionIntervalMs', async () => {
  let clock = Date.now();
  const s = await startTestServer({ retention: '3s', retentionIntervalMs: 50, now: () => clock });
  try {
    const t = clock;
    expect(
      (await s.ingest({ name: 'old-ish', from: String(t - 2000), format: 'pprof' }, readFixture('go-cpu-tiny.pb.gz'))).status,
    ).toBe(200);
    clock = t + 1500;
    // Explicit synchronisation: wait until the job has deleted it (it cannot before the clock moved).
    const db = new Database(join(s.dataDir, 'flamelens.sqlite'), { readonly: true });
    try {
      const count = () => (db.prepare('SELECT count(*) AS n FROM profiles').get() as { n: number }).n;
      await expect.poll(count, { timeout: 30_000 }).toBe(0);
    } finally {
      db.close();
    }
  } finally {
    await s.stop();
  }
});

it('retention drops the blocks with their profiles, and the database gives the freed pages back', async () => {
  // 10:00 UTC yesterday on the server's fake clock: both rounds (t0 − 1 h … t0 + 4 h) stay inside
  // one UTC day, whose symbols are kept, at whatever time of day the test runs.
  const t0 = (Math.floor(Date.now() / 86_400_000) - 1) * 86_400_000 + 10 * 3_600_000;
  let clock = t0;
  const s = await startTestServer({ retention: '1h', retentionIntervalMs: 3_600_000, compactIntervalMs: 0, now: () => clock });
  const db = new Database(join(s.dataDir, 'flamelens.sqlite'), { readonly: true });
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const pages = () => db.pragma('page_count', { simple: true }) as number;
  try {
    const heap = readFixture('go-heap.pb.gz');
    const fill = async () => {
      for (let m = 55; m > 0; m -= 3)
        expect((await s.ingest({ name: 'heap', from: String(clock - m * 60_000), format: 'pprof' }, heap)).status).toBe(200);
      expect(await s.compact()).toBeGreaterThan(0);
      expect(count('blocks')).toBeGreaterThan(0);
    };
    const expire = async () => {
      clock += 2 * 3_600_000;
      expect(await s.deleteExpired()).toBe(19 * 4); // 4 sample types each
      expect([count('profiles'), count('blocks'), count('stale_blocks'), count('series')]).toEqual([0, 0, 0, 0]);
      expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    };
    await fill();
    const full = pages();
    await expire();
    // Today's symbols stay (their day is not over): the rest is given back.
    const empty = pages();
    expect(empty).toBeLessThan(full);
    // Another round of the same: the file ends where it did, it does not grow.
    await fill();
    expect(pages()).toBeLessThanOrEqual(full * 1.1);
    await expire();
    expect(pages()).toBeLessThanOrEqual(empty);
  } finally {
    db.close();
    await s.stop();
  }
});
