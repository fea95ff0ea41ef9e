// Scenarios over the querier's reads: labels and series, merged profiles of every ingest path and
// language, flame graphs with and without maxNodes, time series, diff.
import { expect } from 'vitest';
import { ITEMS, tenantOf, type Run } from './corpus';
import { flamePaths, labelSets, seriesPoints } from './normalise';
import { expectedMerge, mergeBySampleType, range, scenario, typeIds, type MergeAnswer, type Scenario } from './scenario';
import type { Backend } from './backend';
import { knownLabel, knownTypeId } from './known';

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const CHECKOUT = '{service_name="checkout"}';

const names = (json: Record<string, unknown>) => ((json.names as string[] | undefined) ?? []).filter(knownLabel).sort();

/** The services of a tenant's corpus items. */
const servicesOf = (t: 'a' | 'b') =>
  [
    ...new Set(ITEMS.filter((i) => i.tenant === t).map((i) => i.labels?.service_name ?? (i.name ?? '').replace(/\{.*$/, ''))),
  ].sort();

const labelScenarios: Scenario[] = [
  scenario(
    'ProfileTypes: every type of tenant a',
    async (b, run) => {
      const r = await b.rpc('ProfileTypes', range(run), run.tenantA);
      const ids = ((r.json.profileTypes as { ID: string }[] | undefined) ?? []).map((t) => knownTypeId(t.ID));
      return { status: r.status, types: [...new Set(ids)].sort() };
    },
    (a) => {
      expect(a.status).toBe(200);
      expect(a.types).toEqual(
        expect.arrayContaining([
          CPU,
          'process_cpu:samples:count:cpu:nanoseconds',
          'memory:inuse_space:bytes:space:bytes',
          'memory:alloc_objects:count:space:bytes',
        ]),
      );
    },
  ),
  scenario(
    'ProfileTypes: the fields of each type',
    async (b, run) => {
      const r = await b.rpc('ProfileTypes', range(run), run.tenantB);
      return r.json.profileTypes;
    },
    (a) => {
      expect(a).toEqual([
        {
          ID: CPU,
          name: 'process_cpu',
          sampleType: 'cpu',
          sampleUnit: 'nanoseconds',
          periodType: 'cpu',
          periodUnit: 'nanoseconds',
        },
        {
          ID: 'process_cpu:samples:count:cpu:nanoseconds',
          name: 'process_cpu',
          sampleType: 'samples',
          sampleUnit: 'count',
          periodType: 'cpu',
          periodUnit: 'nanoseconds',
        },
      ]);
    },
  ),
  scenario(
    'LabelNames of checkout',
    async (b, run) => names((await b.rpc('LabelNames', { matchers: [CHECKOUT], ...range(run) }, run.tenantA)).json),
    (a) => expect(a).toEqual(expect.arrayContaining(['__name__', 'pod', 'region', 'service_name'])),
  ),
  scenario(
    'LabelNames of the whole tenant',
    async (b, run) => names((await b.rpc('LabelNames', range(run), run.tenantA)).json),
    (a) => expect(a).toEqual(expect.arrayContaining(['env', 'pod', 'region', 'service_name'])),
  ),
  scenario(
    'LabelValues service_name',
    async (b, run) => names((await b.rpc('LabelValues', { name: 'service_name', ...range(run) }, run.tenantA)).json),
    (a) => expect(a).toEqual(servicesOf('a')),
  ),
  scenario(
    'LabelValues pod of checkout',
    async (b, run) => names((await b.rpc('LabelValues', { name: 'pod', matchers: [CHECKOUT], ...range(run) }, run.tenantA)).json),
    (a) => expect(a).toEqual(['a', 'b']),
  ),
  scenario(
    'LabelValues of a pprof sample label (span_name)',
    async (b, run) =>
      names(
        (await b.rpc('LabelValues', { name: 'span_name', matchers: ['{service_name="pushed"}'], ...range(run) }, run.tenantA))
          .json,
      ),
    (a) => expect(a.length).toBe(3),
  ),
  scenario(
    'LabelValues outside the time range',
    async (b, run) =>
      names(
        (await b.rpc('LabelValues', { name: 'service_name', start: run.end + 3_600_000, end: run.end + 7_200_000 }, run.tenantA))
          .json,
      ),
    (a) => expect(a).toEqual([]),
  ),
  scenario(
    'Series of checkout by pod and profile type',
    async (b, run) => {
      const r = await b.rpc(
        'Series',
        { matchers: [CHECKOUT], labelNames: ['pod', '__profile_type__'], ...range(run) },
        run.tenantA,
      );
      return labelSets(r.json.labelsSet as never);
    },
    (a) => expect(a).toEqual(expect.arrayContaining([`__profile_type__=${CPU},pod=a`, `__profile_type__=${CPU},pod=b`])),
  ),
  scenario(
    'Series with every label of a pushed series',
    async (b, run) => {
      const r = await b.rpc('Series', { matchers: ['{service_name="frontend", __name__="memory"}'], ...range(run) }, run.tenantA);
      return labelSets(r.json.labelsSet as never);
    },
    (a) => expect(a.length).toBeGreaterThan(0),
  ),
];

/** A merge scenario: the backend's merged pprof against the corpus items it must equal. */
function merge(what: string, tenant: 'a' | 'b', sel: string, type: string, unit: string, keys: string[]): Scenario {
  return scenario(
    `SelectMergeProfile ${what}`,
    (b, run) => mergeBySampleType(b, run, tenant, type, unit, sel),
    (a: MergeAnswer, run) => {
      const want = expectedMerge(run, keys, type, unit);
      expect(a.status).toBe(200);
      expect(a.total).toBe(want.total);
      expect(a.functions).toEqual(want.functions);
    },
  );
}

const mergeScenarios: Scenario[] = [
  merge('Go CPU, two pods', 'a', CHECKOUT, 'cpu', 'nanoseconds', ['cpu-a', 'cpu-b', 'cpu-a2']),
  merge('Go CPU samples of one pod', 'a', '{service_name="checkout", pod="a"}', 'samples', 'count', ['cpu-a', 'cpu-a2']),
  merge('Go CPU by regex', 'a', '{service_name=~"check.*", pod!="a"}', 'cpu', 'nanoseconds', ['cpu-b']),
  merge('Go heap inuse_space (raw and multipart)', 'a', CHECKOUT, 'inuse_space', 'bytes', ['heap-a', 'heap-b']),
  merge('Go heap alloc_objects (raw and multipart)', 'a', CHECKOUT, 'alloc_objects', 'count', ['heap-a', 'heap-b']),
  merge('Go goroutines', 'a', CHECKOUT, 'goroutine', 'count', ['goroutine']),
  merge('Go mutex delay', 'a', '{service_name="checkout", pod="a"}', 'delay', 'nanoseconds', ['mutex']),
  merge('Go block contentions', 'a', '{service_name="checkout", pod="b"}', 'contentions', 'count', ['block']),
  merge('Node wall', 'a', '{service_name="frontend"}', 'wall', 'nanoseconds', ['node-wall']),
  merge('Node heap (Push)', 'a', '{service_name="frontend"}', 'inuse_space', 'bytes', ['push-node-heap']),
  merge('Java CPU', 'a', '{service_name="billing"}', 'cpu', 'nanoseconds', ['java-cpu']),
  merge('.NET CPU (dotnetspy)', 'a', '{service_name="dotnet-api"}', 'cpu', 'nanoseconds', ['dotnet']),
  merge('.NET lock time (dotnetspy)', 'a', '{service_name="dotnet-api"}', 'lock_time', 'nanoseconds', ['dotnet']),
  merge('Push with sample labels, one span_name', 'a', '{service_name="pushed", env="prod"}', 'cpu', 'nanoseconds', [
    'push-spans',
  ]),
  // Sample types renamed by a multipart sample_type_config and py-spy names (Pyroscope rewrites
  // both on ingest): compared between backends; the corpus check holds totals only.
  scenario(
    'SelectMergeProfile Java allocations under sample_type_config',
    async (b, run) => {
      const ids = await typeIds(b, run, 'a', 'alloc_in_new_tlab_bytes', 'bytes');
      const renamed = await typeIds(b, run, 'a', 'alloc_space', 'bytes');
      const m = await mergeBySampleType(
        b,
        run,
        'a',
        ids.length ? 'alloc_in_new_tlab_bytes' : 'alloc_space',
        'bytes',
        '{service_name="billing"}',
      );
      return { ids, renamed, ...m };
    },
    (a, run) => expect(a.total).toBe(expectedMerge(run, ['java-alloc'], 'alloc_in_new_tlab_bytes', 'bytes').total),
  ),
  scenario(
    'SelectMergeProfile py-spy (spyName=pyspy)',
    (b, run) => mergeBySampleType(b, run, 'a', 'samples', 'count', '{service_name="reports"}'),
    (a, run) => expect(a.total).toBe(expectedMerge(run, ['pyspy'], 'samples', 'count').total),
  ),
];

async function stacktraces(b: Backend, run: Run, sel: string, maxNodes?: number) {
  const r = await b.rpc(
    'SelectMergeStacktraces',
    { profileTypeID: CPU, labelSelector: sel, ...range(run), maxNodes },
    run.tenantA,
  );
  const fg = r.json.flamegraph as { total?: string } | undefined;
  return { status: r.status, total: Number(fg?.total ?? 0), paths: flamePaths(fg as never, 1) };
}

const flameScenarios: Scenario[] = [
  scenario(
    'SelectMergeStacktraces Go CPU',
    (b, run) => stacktraces(b, run, CHECKOUT),
    (a, run) => {
      const want = expectedMerge(run, ['cpu-a', 'cpu-b', 'cpu-a2'], 'cpu', 'nanoseconds').total;
      expect(a.status).toBe(200);
      expect(a.total).toBe(want);
      expect(a.paths.total).toEqual([want, 0]);
    },
  ),
  scenario(
    'SelectMergeStacktraces Go CPU, maxNodes 16',
    (b, run) => stacktraces(b, run, CHECKOUT, 16),
    (a, run) => {
      expect(a.total).toBe(expectedMerge(run, ['cpu-a', 'cpu-b', 'cpu-a2'], 'cpu', 'nanoseconds').total);
      // Far fewer functions than the whole tree's; the rest is folded into "other" nodes.
      const kept = Object.keys(a.paths).filter((p) => p !== 'total' && !p.endsWith(';other'));
      expect(kept.length).toBeLessThan(40);
      expect(Object.keys(a.paths).some((p) => p.endsWith(';other'))).toBe(true);
    },
    'maxNodes: Flamelens keeps exactly maxNodes nodes; Pyroscope every node reaching the maxNodes-th largest total (26 here)',
  ),
  scenario(
    'Diff pod a against pod b',
    async (b, run) => {
      const side = (pod: string) => ({
        profileTypeID: CPU,
        labelSelector: `{service_name="checkout", pod="${pod}"}`,
        ...range(run),
      });
      const r = await b.rpc('Diff', { left: side('a'), right: side('b') }, run.tenantA);
      const fg = r.json.flamegraph as { leftTicks?: string; rightTicks?: string } | undefined;
      return {
        status: r.status,
        left: Number(fg?.leftTicks ?? 0),
        right: Number(fg?.rightTicks ?? 0),
        paths: flamePaths(fg as never, 2),
      };
    },
    (a, run) => {
      expect(a.status).toBe(200);
      expect(a.left).toBe(expectedMerge(run, ['cpu-a', 'cpu-a2'], 'cpu', 'nanoseconds').total);
      expect(a.right).toBe(expectedMerge(run, ['cpu-b'], 'cpu', 'nanoseconds').total);
    },
  ),
];

async function series(b: Backend, run: Run, body: Record<string, unknown>) {
  const r = await b.rpc('SelectSeries', { profileTypeID: CPU, labelSelector: CHECKOUT, ...range(run), ...body }, run.tenantA);
  return { status: r.status, series: seriesPoints(r.json.series as never) };
}

const sumPoints = (s: Record<string, [number, number][]>) =>
  Object.values(s).reduce((a, ps) => a + ps.reduce((x, p) => x + p[1], 0), 0);

const seriesScenarios: Scenario[] = [
  scenario(
    'SelectSeries step 60 s by pod',
    (b, run) => series(b, run, { step: 60, groupBy: ['pod'] }),
    (a, run) => {
      expect(a.status).toBe(200);
      expect(Object.keys(a.series)).toEqual(['pod=a', 'pod=b']);
      expect(sumPoints({ a: a.series['pod=a'] ?? [] })).toBe(expectedMerge(run, ['cpu-a', 'cpu-a2'], 'cpu', 'nanoseconds').total);
      expect(sumPoints(a.series)).toBe(expectedMerge(run, ['cpu-a', 'cpu-b', 'cpu-a2'], 'cpu', 'nanoseconds').total);
    },
  ),
  scenario(
    'SelectSeries step 15 s, no groupBy',
    (b, run) => series(b, run, { step: 15 }),
    (a, run) => {
      expect(Object.keys(a.series)).toEqual(['']);
      expect(sumPoints(a.series)).toBe(expectedMerge(run, ['cpu-a', 'cpu-b', 'cpu-a2'], 'cpu', 'nanoseconds').total);
    },
  ),
  scenario(
    'SelectSeries step 300 s by pod and region, average',
    (b, run) => series(b, run, { step: 300, groupBy: ['pod', 'region'], aggregation: 'TIME_SERIES_AGGREGATION_TYPE_AVERAGE' }),
    (a) => expect(Object.keys(a.series)).toEqual(['pod=a,region=eu', 'pod=b,region=eu']),
    'SelectSeries: Pyroscope 2.2.1 ignores aggregation (always sums) and stamps a step by its end, counted from start',
  ),
  scenario(
    'SelectSeries step 60 s over every service, by service_name',
    async (b, run) => {
      const r = await b.rpc(
        'SelectSeries',
        { profileTypeID: CPU, labelSelector: '{}', ...range(run), step: 60, groupBy: ['service_name'] },
        tenantOf(run, 'a'),
      );
      return { status: r.status, series: seriesPoints(r.json.series as never) };
    },
    (a) => expect(Object.keys(a.series)).toEqual(expect.arrayContaining(['service_name=billing', 'service_name=checkout'])),
  ),
];

export const QUERY_SCENARIOS: Scenario[] = [...labelScenarios, ...mergeScenarios, ...flameScenarios, ...seriesScenarios];
