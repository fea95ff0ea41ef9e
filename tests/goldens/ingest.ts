// Every profile of a corpus that go tool pprof reads, ingested through /ingest and through Push,
// comes back from SelectMergeProfile with the same per-function flat/cum as `go tool pprof -top`
// printed for it (and the same lines with -lines).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { PushRequestSchema } from '../../src/api/gen/push/v1/push_pb';
import { SelectMergeProfileRequestSchema } from '../../src/api/gen/querier/v1/querier_pb';
import { loadProfile } from '../oracle/load';
import { formatTopText } from '../oracle/text-report';
import { buildTopTable } from '../oracle/top-table';
import { profileTypesOf } from '../../server/ingest/pprof';
import { columnSum, decodeFixture, startTestServer, type TestServer } from '../../server/test/helpers';
import type { Corpus } from '../helpers/corpus';
import { readExpectedTop } from '../helpers/expected';

export interface IngestServer {
  server(): TestServer;
  /** SelectMergeProfile of one service over all time, as binary pprof (JSON checked to agree). */
  selectMergeProfile(typeId: string, service: string): Promise<Uint8Array>;
  push(service: string, raw: Uint8Array): Promise<Response>;
}

/** A real server for the file's tests (started before them, stopped after). */
export function ingestServer(): IngestServer {
  const start = 1;
  const end = () => Date.now() + 3_600_000;
  let server: TestServer;
  beforeAll(async () => {
    // Push keeps each profile's own time_nanos (some from 1970), so retention must reach back that far.
    server = await startTestServer({ retention: '36500d' });
  });
  afterAll(() => server.stop());

  async function selectMergeProfile(typeId: string, service: string): Promise<Uint8Array> {
    const request = { profileTypeID: typeId, labelSelector: `{service_name="${service}"}`, start, end: end() };
    const res = await fetch(`${server.url}/querier.v1.QuerierService/SelectMergeProfile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/proto' },
      body: JSON.stringify(request),
    });
    expect(res.status).toBe(200);
    // Ask again in binary proto and check both encodings agree on the sample count.
    const json = (await res.json()) as { sample?: unknown[] };
    const body = toBinary(
      SelectMergeProfileRequestSchema,
      create(SelectMergeProfileRequestSchema, { ...request, start: BigInt(request.start), end: BigInt(request.end) }),
    );
    const bin = await fetch(`${server.url}/querier.v1.QuerierService/SelectMergeProfile`, {
      method: 'POST',
      headers: { 'content-type': 'application/proto' },
      body: Buffer.from(body),
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
      create(PushRequestSchema, {
        series: [{ labels: [{ name: 'service_name', value: service }], samples: [{ rawProfile: raw, ID: 'x' }] }],
      }),
    );
    return fetch(`${server.url}/push.v1.PusherService/Push`, {
      method: 'POST',
      headers: { 'content-type': 'application/proto' },
      body: Buffer.from(body),
    });
  }

  return { server: () => server, selectMergeProfile, push };
}

export function defineIngestGoldens(corpus: Corpus, expected: number, srv: IngestServer = ingestServer()): void {
  const { selectMergeProfile, push } = srv;
  describe(`${corpus.name}: profiles come back from the server as go tool pprof reads them`, () => {
    let compared = 0;
    for (const fixture of corpus.fixtures()) {
      // A megabyte-sized profile (large.cpu) goes through the server eight times: on a busy
      // 2-core machine that can take minutes, which is not what this test is about.
      const timeout = corpus.read(fixture).length > 1e6 ? 600_000 : undefined;
      it(fixture, { timeout }, async () => {
        const raw = corpus.read(fixture);
        const original = decodeFixture(raw);
        const service = (way: string) => `fx-${fixture.replace(/[^a-zA-Z0-9]/g, '_')}-${way}`;
        const r1 = await srv.server().ingest({ name: service('ingest'), format: 'pprof', from: String(Date.now()) }, raw);
        expect(r1.status, await r1.text()).toBe(200);
        const r2 = await push(service('push'), raw);
        expect(r2.status, await r2.text()).toBe(200);
        for (const [index, type] of profileTypesOf(original).entries()) {
          for (const way of ['ingest', 'push']) {
            const merged = loadProfile(await selectMergeProfile(type.id, service(way)));
            expect(merged.sampleType.length).toBe(1);
            // Σ of the column is exact whatever the report says.
            expect(columnSum(merged, 0)).toBe(columnSum(original, index));
            const sampleType = original.stringTable.strings[Number(original.sampleType[index]!.type)];
            for (const [suffix, granularity] of [
              ['top.txt', 'functions'],
              ['lines.top.txt', 'lines'],
            ] as const) {
              const file = join(corpus.expectedDir, fixture, `${index}.${sampleType}.${suffix}`);
              if (!existsSync(file) && !existsSync(file + '.gz')) continue;
              const exp = readExpectedTop(file);
              const unit = merged.stringTable.strings[Number(merged.sampleType[0]!.unit)]!;
              const lines = formatTopText(buildTopTable(merged, { sampleIndex: 0, granularity }), unit);
              const what = `${way} ${index}.${sampleType}.${suffix}`;
              expect(lines[0], what).toBe(exp.summary);
              expect(lines.slice(2), what).toEqual(exp.rows);
              compared++;
            }
          }
        }
      });
    }
    it(`compared ${expected} reports`, () => expect(compared).toBe(expected));
  });
}
