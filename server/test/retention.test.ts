// Retention: profiles older than the configured period disappear, by query and from disk.
import { expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { readFixture, startTestServer } from './helpers';

it('a background job deletes profiles past retention; queries never show them', async () => {
  const s = await startTestServer({ retention: '3s', retentionIntervalMs: 200 });
  try {
    const cpu = readFixture('go-cpu-tiny.pb.gz');
    const now = Date.now();
    expect((await s.ingest({ name: 'old-ish', from: String(now - 2000), format: 'pprof' }, cpu)).status).toBe(200);
    expect((await s.ingest({ name: 'fresh', from: String(now + 60_000), format: 'pprof' }, cpu)).status).toBe(200);
    const services = async () => (await s.rpc('LabelValues', { name: 'service_name', start: '1', end: String(now + 120_000) })).json.names;
    expect(await services()).toEqual(['fresh', 'old-ish']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await services()).toEqual(['fresh']);
    const db = new Database(join(s.dataDir, 'flamelens.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT count(*) AS n FROM profiles p JOIN series s ON s.id = p.series_id WHERE s.labels LIKE '%old-ish%'").get() as { n: number };
      expect(rows.n).toBe(0);
      expect((db.prepare("SELECT count(*) AS n FROM series WHERE labels LIKE '%old-ish%'").get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  } finally {
    await s.stop();
  }
});
