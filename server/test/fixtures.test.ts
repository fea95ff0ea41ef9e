// Every shared fixture, ingested through /ingest and through Push, comes back from
// SelectMergeProfile with the same per-function flat/cum as `go tool pprof -top` printed for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { loadProfile } from '../../src/profile/load';
import { formatTopText } from '../../src/profile/text-report';
import { buildTopTable } from '../../src/profile/top';
import { readExpectedTop } from '../../tests/helpers/expected';
import { PushRequestSchema } from '../../src/api/gen/push/v1/push_pb';
import { profileTypesOf } from '../ingest/pprof';
import { columnSum, decodeFixture, FIXTURES, PROFILES_DIR, readFixture, startTestServer, type TestServer } from './helpers';

const EXPECTED = join(FIXTURES, 'expected');
const fixtures = readdirSync(PROFILES_DIR).filter((f) => !f.endsWith('.md')).sort();
const start = 1;
const end = () => Date.now() + 3_600_000;

let server: TestServer;
beforeAll(async () => {
  // Push keeps each profile's own time_nanos (some from 1970), so retention must reach back that far.
  server = await startTestServer({ retention: '36500d' });
});
afterAll(() => server.stop());

async function selectMergeProfile(typeId: string, service: string): Promise<Uint8Array> {
  const res = await fetch(`${server.url}/querier.v1.QuerierService/SelectMergeProfile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/proto' },
    body: JSON.stringify({ profileTypeID: typeId, labelSelector: `{service_name="${service}"}`, start, end: end() }),
  });
  expect(res.status).toBe(200);
  // Ask again in binary proto and check both encodings agree on the sample count.
  const json = (await res.json()) as { sample?: unknown[] };
  const bin = await fetch(`${server.url}/querier.v1.QuerierService/SelectMergeProfile`, {
    method: 'POST',
    headers: { 'content-type': 'application/proto' },
    body: Buffer.from(
      toBinary(
        (await import('../../src/api/gen/querier/v1/querier_pb')).SelectMergeProfileRequestSchema,
        create((await import('../../src/api/gen/querier/v1/querier_pb')).SelectMergeProfileRequestSchema, {
          profileTypeID: typeId,
          labelSelector: `{service_name="${service}"}`,
          start: BigInt(start),
          end: BigInt(end()),
        }),
      ),
    ),
  });
  expect(bin.status).toBe(200);
  expect(bin.headers.get('content-type')).toBe('application/proto');
  const bytes = new Uint8Array(await bin.arrayBuffer());
  expect(decodeFixture(bytes).sample.length).toBe(json.sample?.length ?? 0);
  return bytes;
}

async function push(service: string, raw: Uint8Array): Promise<Response> {
  const body = toBinary(
    PushRequestSchema,
    create(PushRequestSchema, { series: [{ labels: [{ name: 'service_name', value: service }], samples: [{ rawProfile: raw, ID: 'x' }] }] }),
  );
  return fetch(`${server.url}/push.v1.PusherService/Push`, { method: 'POST', headers: { 'content-type': 'application/proto' }, body: Buffer.from(body) });
}

describe.each(fixtures)('%s', (fixture) => {
  const raw = readFixture(fixture);
  const original = decodeFixture(raw);
  const types = profileTypesOf(original);
  const service = (way: string) => `fx-${fixture.replace(/[^a-zA-Z0-9]/g, '_')}-${way}`;

  it('is stored by /ingest and by Push', async () => {
    const r1 = await server.ingest({ name: service('ingest'), format: 'pprof', from: String(Date.now()) }, raw);
    expect(r1.status, await r1.text()).toBe(200);
    const r2 = await push(service('push'), raw);
    expect(r2.status, await r2.text()).toBe(200);
  });

  it.each(types.map((t, i) => [i, t.id] as const))('sample type %i (%s) merges back to the same flat/cum', async (index, typeId) => {
    for (const way of ['ingest', 'push']) {
      const merged = loadProfile(await selectMergeProfile(typeId, service(way)));
      expect(merged.sampleType.length).toBe(1);
      // Σ of the column is exact whatever the report says.
      expect(columnSum(merged, 0)).toBe(columnSum(original, index));
      const sampleType = original.stringTable.strings[Number(original.sampleType[index].type)];
      for (const [suffix, granularity] of [['top.txt', 'functions'], ['lines.top.txt', 'lines']] as const) {
        const file = join(EXPECTED, fixture, `${index}.${sampleType}.${suffix}`);
        if (!existsSync(file)) continue;
        const expected = readExpectedTop(file);
        const unit = merged.stringTable.strings[Number(merged.sampleType[0].unit)];
        const lines = formatTopText(buildTopTable(merged, { sampleIndex: 0, granularity }), unit);
        expect(lines[0], `${way} ${suffix}`).toBe(expected.summary);
        expect(lines.slice(2), `${way} ${suffix}`).toEqual(expected.rows);
      }
    }
  });
});

describe('merging', () => {
  it('two ingests of the same profile in the range give exactly double', async () => {
    for (const fixture of ['cpu.pb.gz', 'heap', 'profile_java']) {
      const raw = readFixture(fixture);
      const original = decodeFixture(raw);
      const service = `double-${fixture.replace(/[^a-zA-Z0-9]/g, '_')}`;
      const now = Date.now();
      for (const t of [now - 20_000, now - 5_000]) {
        const r = await server.ingest({ name: service, format: 'pprof', from: String(t) }, raw);
        expect(r.status).toBe(200);
      }
      for (const [i, type] of profileTypesOf(original).entries()) {
        const merged = decodeFixture(await selectMergeProfile(type.id, service));
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
