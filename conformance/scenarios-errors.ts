// Scenarios over what a client gets wrong (Connect errors: status and code, not the wording) and
// over tenants (X-Scope-OrgID keeps each tenant's data to itself).
import { expect } from 'vitest';
import type { Backend } from './backend';
import { tenantOf, type Run } from './corpus';
import { expectedMerge, mergeBySampleType, range, scenario, type Scenario } from './scenario';

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';

/** Status and Connect code of an answer. */
async function errorOf(b: Backend, method: string, body: unknown, run: Run) {
  const r = await b.rpc(method, body, run.tenantA);
  return { status: r.status, code: r.status === 200 ? undefined : r.json.code };
}

function connectError(name: string, method: string, body: (run: Run) => unknown, status: number, code: string): Scenario {
  return scenario(
    `Connect error: ${name}`,
    (b, run) => errorOf(b, method, body(run), run),
    (a) => expect(a).toEqual({ status, code }),
  );
}

const errorScenarios: Scenario[] = [
  connectError(
    'a selector that does not parse',
    'SelectMergeStacktraces',
    (run) => ({ profileTypeID: CPU, labelSelector: '{service_name="checkout"', ...range(run) }),
    400,
    'invalid_argument',
  ),
  connectError(
    'a regex that does not compile',
    'SelectSeries',
    (run) => ({ profileTypeID: CPU, labelSelector: '{service_name=~"("}', ...range(run), step: 60 }),
    400,
    'invalid_argument',
  ),
  connectError(
    'a profile type id that does not parse',
    'SelectMergeStacktraces',
    (run) => ({ profileTypeID: 'cpu', labelSelector: '{}', ...range(run) }),
    400,
    'invalid_argument',
  ),
  scenario(
    'Connect error: an unknown procedure',
    (b, run) => errorOf(b, 'querier.v1.QuerierService/NoSuchMethod', {}, run),
    (a) => expect(a.status).toBe(404),
    'an unknown procedure: Pyroscope answers a plain-text 404, Flamelens a Connect not_found',
  ),
  scenario(
    'Connect error: a body that is not JSON',
    async (b, run) => {
      const res = await fetch(`${b.url}/querier.v1.QuerierService/LabelNames`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Scope-OrgID': run.tenantA },
        body: '{"start": ',
      });
      const json = (await res.json().catch(() => ({}))) as { code?: string };
      return { status: res.status, code: json.code };
    },
    (a) => expect(a).toEqual({ status: 400, code: 'invalid_argument' }),
  ),
  scenario(
    'Connect error: start after end',
    (b, run) =>
      errorOf(b, 'SelectMergeStacktraces', { profileTypeID: CPU, labelSelector: '{}', start: run.end, end: run.start }, run),
    (a) => expect(a.status).toBe(400),
  ),
  scenario(
    '/ingest of a body that is not a pprof',
    async (b, run) => {
      const r = await b.ingestRaw(
        { name: 'broken', from: String(run.t0 / 1000) },
        new TextEncoder().encode('not a profile'),
        run.tenantA,
      );
      return { status: r.status };
    },
    (a) => expect([400, 422]).toContain(a.status),
    '/ingest of a malformed pprof: Pyroscope answers 422, Flamelens 400',
  ),
];

const tenantScenarios: Scenario[] = [
  scenario(
    'Tenants: tenant b sees its own services only',
    async (b, run) => {
      const r = await b.rpc('LabelValues', { name: 'service_name', ...range(run) }, run.tenantB);
      return ((r.json.names as string[] | undefined) ?? []).slice().sort();
    },
    (a) => expect(a).toEqual(['checkout', 'secret']),
  ),
  scenario(
    "Tenants: the same service in two tenants merges each tenant's profiles",
    async (b, run) => ({
      a: (await mergeBySampleType(b, run, 'a', 'cpu', 'nanoseconds', '{service_name="checkout"}')).total,
      b: await mergeBySampleType(b, run, 'b', 'cpu', 'nanoseconds', '{service_name="checkout"}'),
    }),
    (a, run) => {
      expect(a.a).toBe(expectedMerge(run, ['cpu-a', 'cpu-b', 'cpu-a2'], 'cpu', 'nanoseconds').total);
      expect(a.b).toEqual(expectedMerge(run, ['b-raw'], 'cpu', 'nanoseconds'));
    },
  ),
  scenario(
    'Tenants: a tenant with no data',
    async (b, run) => {
      const r = await b.rpc('ProfileTypes', range(run), `${tenantOf(run, 'a')}-empty`);
      return { status: r.status, types: r.json.profileTypes ?? [] };
    },
    (a) => expect(a).toEqual({ status: 200, types: [] }),
  ),
];

export const ERROR_AND_TENANT_SCENARIOS: Scenario[] = [...errorScenarios, ...tenantScenarios];
