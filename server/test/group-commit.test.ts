// Group commit (ingest/group-commit.ts): concurrent ingest requests share transactions, and each
// is still answered for itself: a request that fails does not fail the others written with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommit } from '../ingest/group-commit';
import { prepareProfile } from '../ingest/prepare';
import { Profile } from 'pprof-format';
import { openDatabase, openReadConnection } from '../storage/db';
import { ProfileStore } from '../storage/store';
import { startTestServer, type TestServer } from './helpers';
import { makeProfile, mergedTotal } from './hostile-helpers';

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const cpu = (value: number) => makeProfile({ samples: [{ stack: ['work', 'main'], values: [value] }] });

describe('concurrent ingest over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ limits: { maxSeriesPerTenant: 5 } });
  });
  afterAll(() => s.stop());

  it('answers each request for itself: good ones stored, bad ones refused alone', async () => {
    const long = 'x'.repeat(5000); // over maxLabelValueLength, found only when the series is planned
    const requests = Array.from({ length: 24 }, (_, i) =>
      s.ingest({ name: i % 6 === 5 ? `svc{pod=${long}}` : `svc{pod=p${i % 3}}` }, cpu(1 + i)),
    );
    const statuses = await Promise.all(requests.map(async (r) => (await r).status));
    const expected = Array.from({ length: 24 }, (_, i) => (i % 6 === 5 ? 400 : 200));
    expect(statuses).toEqual(expected);
    const stored = expected.reduce((a, st, i) => a + (st === 200 ? 1 + i : 0), 0);
    expect(await mergedTotal(s, CPU, '{service_name="svc"}')).toBe(stored);
  });

  it('a tenant at its series limit: exactly the requests that fit are stored, as if they came one by one', async () => {
    // 3 series exist (svc, p0–p2); 2 more fit. 12 concurrent requests for 6 new services.
    const statuses = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => (await s.ingest({ name: `new${i % 6}` }, cpu(10))).status),
    );
    const accepted = new Set(statuses.flatMap((st, i) => (st === 200 ? [`new${i % 6}`] : [])));
    expect(accepted.size).toBe(2);
    expect(statuses.filter((st) => st !== 200).every((st) => st === 429)).toBe(true);
    const names = await s.rpc('LabelValues', { name: 'service_name', start: '1', end: String(Date.now() + 60_000) });
    expect(names.json.names).toEqual([...accepted, 'svc'].sort());
  });
});

it('writes requests that queue up together in fewer transactions, all of them stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flamelens-group-'));
  const db = openDatabase(dir);
  const readDb = openReadConnection(dir);
  try {
    const store = new ProfileStore(db, readDb);
    const writer = new GroupCommit(store);
    const now = Date.now();
    const item = (i: number) => ({
      profile: prepareProfile(Profile.decode(cpu(i + 1))),
      labels: { service_name: 'direct' },
      timeMs: now + i,
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.ingest('anonymous', [item(i)])));
    expect(writer.stats.requests).toBe(20);
    expect(writer.stats.transactions).toBeLessThan(20);
    const rows = readDb.prepare('SELECT count(*) AS n, sum(total) AS t FROM profiles').get() as { n: number; t: number };
    expect(rows).toEqual({ n: 20, t: (20 * 21) / 2 });
  } finally {
    db.close();
    readDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
