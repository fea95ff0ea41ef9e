// Every profile of the repository's corpus that go tool pprof reads, ingested through /ingest and
// through Push, comes back from SelectMergeProfile with the same per-function flat/cum as
// `go tool pprof -top` printed for it (tests/goldens/ingest.ts); merging adds exactly.
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../tests/oracle/load';
import { buildTopTable } from '../../tests/oracle/top-table';
import { REPO } from '../../tests/helpers/corpus';
import { defineIngestGoldens, ingestServer } from '../../tests/goldens/ingest';
import { profileTypesOf } from '../ingest/pprof';
import { columnSum, decodeFixture, readFixture } from './helpers';

const srv = ingestServer();
defineIngestGoldens(REPO, 208, srv);

describe('merging', () => {
  it('two ingests of the same profile in the range give exactly double', async () => {
    for (const fixture of ['go-cpu-tiny.pb.gz', 'go-heap.pb.gz', 'java-cpu.pb.gz']) {
      const raw = readFixture(fixture);
      const original = decodeFixture(raw);
      const service = `double-${fixture.replace(/[^a-zA-Z0-9]/g, '_')}`;
      const now = Date.now();
      for (const t of [now - 20_000, now - 5_000]) {
        const r = await srv.server().ingest({ name: service, format: 'pprof', from: String(t) }, raw);
        expect(r.status).toBe(200);
      }
      for (const [i, type] of profileTypesOf(original).entries()) {
        const merged = decodeFixture(await srv.selectMergeProfile(type.id, service));
        expect(columnSum(merged, 0)).toBe(2 * columnSum(original, i));
        const single = buildTopTable(loadProfile(raw), { sampleIndex: i });
        const double = buildTopTable(merged, { sampleIndex: 0 });
        const byName = new Map(double.rows.map((r) => [r.name, r]));
        for (const row of single.rows) {
          expect(byName.get(row.name)?.flat, row.name).toBe(2 * row.flat);
          expect(byName.get(row.name)?.cum, row.name).toBe(2 * row.cum);
        }
      }
    }
  });
});
