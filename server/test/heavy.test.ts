// Issue 17: heavy work never starves other requests. While a ~56 MB ingest (decoded in a worker,
// stored in slices) or a large merge (read and summed in slices) runs, /ready and another
// tenant's query answer, and the requests still succeed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { Profile } from 'pprof-format';
import { SelectMergeProfileRequestSchema } from '../../src/api/gen/querier/v1/querier_pb';
import { readFixture, startTestServer, type TestServer } from './helpers';
import { bigProfile, whileInFlight } from './hostile-helpers';

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const TEAM_B = { 'X-Scope-OrgID': 'team-b' };
// 120k functions with 450-character names, 40k samples of 24 frames (nearly all stacks new).
const big = bigProfile({ functions: 120_000, nameLength: 450, samples: 40_000, depth: 24 });

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  expect((await s.ingest({ name: 'other' }, readFixture('go-cpu-tiny.pb.gz'), TEAM_B)).status).toBe(200);
});
afterAll(() => s.stop());

const otherTenantAnswers = async () => {
  const r = await s.rpc('LabelValues', { name: 'service_name', start: '1', end: String(Date.now() + 60_000) }, TEAM_B);
  expect(r.json.names).toEqual(['other']);
};

it('a large ingest runs off the event loop', async () => {
  expect(big.bytes.length).toBeGreaterThan(50e6);
  const r = await whileInFlight(
    s,
    'ingest',
    () => s.ingest({ name: 'big', from: String(Date.now() - 60_000) }, big.bytes),
    otherTenantAnswers,
    true,
  );
  expect(r.status, await r.text()).toBe(200);
  const series = await s.rpc('SelectSeries', {
    profileTypeID: CPU,
    labelSelector: '{service_name="big"}',
    start: '1',
    end: String(Date.now() + 60_000),
    step: 3600,
  });
  expect(series.json.series![0]!.points.reduce((a: number, p: { value: number }) => a + p.value, 0)).toBe(big.total);
});

it('a large merge runs in slices', async () => {
  expect((await s.ingest({ name: 'big', from: String(Date.now() - 30_000) }, big.bytes)).status).toBe(200);
  const r = await whileInFlight(
    s,
    'query',
    () =>
      s.rpc('SelectMergeStacktraces', {
        profileTypeID: CPU,
        labelSelector: '{service_name="big"}',
        start: '1',
        end: String(Date.now() + 60_000),
      }),
    otherTenantAnswers,
    true,
  );
  expect(r.status).toBe(200);
  expect(r.json.flamegraph!.total).toBe(String(2 * big.total));
});

it('a large merged pprof is built and encoded in slices (binary, as the app asks for it)', async () => {
  const body = toBinary(
    SelectMergeProfileRequestSchema,
    create(SelectMergeProfileRequestSchema, {
      profileTypeID: CPU,
      labelSelector: '{service_name="big"}',
      start: 1n,
      end: BigInt(Date.now() + 60_000),
    }),
  );
  const r = await whileInFlight(
    s,
    'query',
    () =>
      fetch(`${s.url}/querier.v1.QuerierService/SelectMergeProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/proto' },
        body: Buffer.from(body),
      }),
    otherTenantAnswers,
    true,
  );
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/proto');
  const merged = Profile.decode(new Uint8Array(await r.arrayBuffer()));
  expect(merged.sample.reduce((a, x) => a + Number(x.value[0]), 0)).toBe(2 * big.total);
});
