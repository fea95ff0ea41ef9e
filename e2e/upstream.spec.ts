// Issue 22: the Explore flow in proxy mode against a real Grafana Pyroscope, named by
// FLAMELENS_CONFORMANCE_UPSTREAM (see docs/conformance.md), with a tenant: a Flamelens server
// started here with `upstream: { url, tenant }` serves the app and forwards its API there.
import { expect, test } from '@playwright/test';
import { gunzipSync, gzipSync } from 'fflate';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../server/app';
import { Backend } from '../conformance/backend';
import { columnOf, columnTotal } from '../conformance/normalise';
import { scaledLabel, selectOutputUnit } from '../src/profile/reports/format';
import { Profile } from 'pprof-format';
import { corpusProfile, dragTimeline, trackConsoleErrors } from './helpers';
import { goroutines } from './pprof';
import { isGzip } from '../src/common/gzip';

const UPSTREAM = process.env.FLAMELENS_CONFORMANCE_UPSTREAM?.trim().replace(/\/+$/, '');
if (!UPSTREAM)
  console.log(
    'upstream e2e: FLAMELENS_CONFORMANCE_UPSTREAM is not set, so the Explore flow against a real Pyroscope was skipped',
  );
test.skip(!UPSTREAM, 'FLAMELENS_CONFORMANCE_UPSTREAM is not set');

const TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const NOW = Date.now();
const TENANT = `e2e-upstream-${NOW.toString(36)}`;
const SERVICE = 'shop';
const T_A = Math.floor(NOW / 60_000) * 60_000 - 50 * 60_000; // pod a: go-cpu.pb.gz
const T_B = Math.floor(NOW / 60_000) * 60_000 - 20 * 60_000; // pod b: go-cpu-tiny.pb.gz

/** The fixture dated `timeMs`: Pyroscope dates an /ingest pprof by its own time_nanos. */
function dated(name: string, timeMs: number): Profile {
  const raw = corpusProfile(name);
  const p = Profile.decode(isGzip(raw) ? gunzipSync(raw) : raw);
  p.timeNanos = BigInt(timeMs) * 1_000_000n;
  return p;
}
const cpuTotal = (p: Profile) => columnTotal([p], (x) => columnOf(x, 'cpu', 'nanoseconds'));
const fmtTotal = (v: number) => scaledLabel(v, 'nanoseconds', selectOutputUnit([{ flat: v, cum: v }], v, 'nanoseconds'));

const podA = dated('go-cpu.pb.gz', T_A);
const podB = dated('go-cpu-tiny.pb.gz', T_B);
let proxy: RunningServer;
let origin: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const up = new Backend('upstream', UPSTREAM!);
  for (const [p, pod, t] of [
    [podA, 'a', T_A],
    [podB, 'b', T_B],
  ] as const) {
    const r = await up.ingestRaw(
      { name: `${SERVICE}{pod=${pod},namespace=e2e}`, from: String(t / 1000) },
      gzipSync(p.encode()),
      TENANT,
    );
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  }
  const want = cpuTotal(podA) + cpuTotal(podB);
  // The merged total, not SelectSeries: Pyroscope 2.2.1 drops points when the step spans the range.
  await up.waitUntil('the two profiles', async () => {
    const r = await up.rpc(
      'SelectMergeStacktraces',
      { profileTypeID: TYPE, labelSelector: `{service_name="${SERVICE}"}`, start: T_A - 60_000, end: NOW },
      TENANT,
    );
    return Number((r.json.flamegraph as { total?: string } | undefined)?.total ?? 0) === want;
  });
  proxy = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'flamelens-upstream-')), // stays empty: the data is upstream
    upstream: { url: UPSTREAM!, tenant: TENANT },
  });
  origin = proxy.url.replace('localhost', '127.0.0.1');
});
test.afterAll(async () => {
  await proxy?.close();
});

const explore = (extra = '') =>
  `${origin}/?type=${encodeURIComponent(TYPE)}&query=${encodeURIComponent(`{service_name="${SERVICE}"}`)}&from=now-1h&to=now${extra}`;

test('Explore against a real Pyroscope: service, labels, range, timeline, merged profile, diff, breakdown', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = trackConsoleErrors(page);
  // The tenant holds one service: the explorer starts on it, with the CPU type.
  await page.goto(`${origin}/?from=now-1h`);
  await expect(page.getByTestId('service')).toHaveValue(SERVICE);
  await page.getByTestId('profile-type-select').selectOption(TYPE);
  const both = cpuTotal(podA) + cpuTotal(podB);
  await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(both));
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-points', /[1-9]/);

  // Labels: the pod filter offers Pyroscope's label values and keeps pod a only.
  await page.getByTestId('add-filter').click();
  await page.getByTestId('filter-label').selectOption('pod');
  await page.getByTestId('filter-value').fill('a');
  await page.getByTestId('filter-value').press('Enter');
  await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(cpuTotal(podA)));

  // Range: brushing the timeline around pod b's profile merges that one alone.
  await page.goto(explore());
  await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(both));
  await dragTimeline(page, T_B - 5 * 60_000, T_B + 5 * 60_000);
  await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(cpuTotal(podB)));

  // Diff of two ranges: pod a's profile as the baseline, pod b's as the comparison.
  await page.goto(explore());
  await expect(page.getByTestId('top-total')).toBeVisible();
  await page.getByTestId('diff-toggle').click();
  await page.getByTestId('brush-target-baseline').check();
  await dragTimeline(page, T_A - 5 * 60_000, T_A + 5 * 60_000);
  await page.getByTestId('brush-target-comparison').check();
  await dragTimeline(page, T_B - 5 * 60_000, T_B + 5 * 60_000);
  await expect(page.getByTestId('profile-base-total')).toHaveAttribute('data-value', String(cpuTotal(podA)));
  await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', String(cpuTotal(podB)));

  // Timeline split by pod, one legend entry per pod.
  await page.goto(explore('&groupBy=pod'));
  await expect(page.locator('.timeline-legend .legend-item')).toHaveText(['a', 'b']);

  // Label breakdown (SelectSeries with groupBy): each pod's total is its profile's.
  await page.goto(explore('&breakdown=pod'));
  const row = (pod: string) => page.locator(`[data-testid="breakdown-row"][data-value="${pod}"]`);
  await expect(page.getByTestId('breakdown-row')).toHaveCount(2);
  await expect(row('a')).toHaveAttribute('data-total', String(cpuTotal(podA)));
  await expect(row('b')).toHaveAttribute('data-total', String(cpuTotal(podB)));

  // Flame graph by pod (one SelectMergeProfile per pod): the call tree's roots are the pods.
  await page.goto(explore('&view=tree&flameBy=pod'));
  const root = (pod: string) => page.locator(`[data-testid="tree-row"][data-depth="0"][data-name="${pod}"]`);
  await expect(page.locator('[data-testid="tree-row"][data-depth="0"]')).toHaveCount(2);
  await expect(root('a')).toHaveAttribute('data-total', String(cpuTotal(podA)));
  await expect(root('b')).toHaveAttribute('data-total', String(cpuTotal(podB)));
  expect(errors).toEqual([]);
});

// Issue 19 against Pyroscope 2.2.1, whose SelectSeries answers sums for aggregation AVERAGE: four
// goroutine profiles of one pod, 8 s apart, so that at least two share each 36 s step of a 1 h range.
const GOROUTINES = 'goroutines:goroutine:count:goroutine:count';
const T_G = Math.floor(NOW / 60_000) * 60_000 - 10 * 60_000;
const COUNTS = [6, 10, 14, 18];
const POD_G = `{service_name="${SERVICE}", pod="g"}`; // the next test adds pods h and i

test('goroutines against a real Pyroscope: the average over the profiles, not over the steps', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = trackConsoleErrors(page);
  const up = new Backend('upstream', UPSTREAM!);
  for (const [k, n] of COUNTS.entries()) {
    const r = await up.ingestRaw(
      { name: `${SERVICE}{pod=g,namespace=e2e}`, from: String((T_G + k * 8_000) / 1000) },
      gzipSync(goroutines({ 'runtime.gopark;main.worker': n })),
      TENANT,
    );
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  }
  const sum = COUNTS.reduce((a, b) => a + b, 0);
  await up.waitUntil('the goroutine profiles', async () => {
    const r = await up.rpc(
      'SelectMergeStacktraces',
      { profileTypeID: GOROUTINES, labelSelector: POD_G, start: T_G - 60_000, end: Date.now() },
      TENANT,
    );
    return Number((r.json.flamegraph as { total?: string } | undefined)?.total ?? 0) === sum;
  });

  // 12 goroutines on average: not 24 (per step, one profile each) nor 48 (the sum).
  await page.goto(
    `${origin}/?type=${encodeURIComponent(GOROUTINES)}&query=${encodeURIComponent(POD_G)}&from=now-1h&to=now&view=top`,
  );
  await expect(page.getByTestId('aggregation')).toHaveValue('average');
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', String(sum / COUNTS.length));
  await expect(page.getByTestId('profile-aggregation')).toHaveText(`Average over time (${COUNTS.length} scrapes)`);
  // Counted at a 1 s step, the profiles 8 s apart are counted exactly: no "estimated" note.
  await expect(page.getByTestId('average-estimate')).toHaveCount(0);

  await page.getByTestId('aggregation').selectOption('sum');
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', String(sum));
  expect(errors).toEqual([]);
});

// Over 24 h the fine step is 8 s: pod h's profiles 15 s apart sit in adjacent fine steps (a 1 s
// sample shows them apart: counted exactly), pod i's 3 s apart share them (scaled by the sampled
// interval: an estimate, and the facts bar says so). Pyroscope takes profiles of the last hour only.
const T_H = Math.floor(NOW / 60_000) * 60_000 - 50 * 60_000;
const POD_H = Array.from({ length: 20 }, (_, k) => 4 + (k % 5)); // 6 on average
const POD_I = Array.from({ length: 40 }, () => 10);

test('goroutines over 24 h against a real Pyroscope: exact at 15 s apart, an estimate marked as such at 3 s', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const errors = trackConsoleErrors(page);
  const up = new Backend('upstream', UPSTREAM!);
  for (const [pod, counts, t0, every] of [
    ['h', POD_H, T_H, 15_000],
    ['i', POD_I, T_H + 10 * 60_000, 3_000],
  ] as const)
    for (const [k, n] of counts.entries()) {
      const r = await up.ingestRaw(
        { name: `${SERVICE}{pod=${pod},namespace=e2e}`, from: String((t0 + k * every) / 1000) },
        gzipSync(goroutines({ 'runtime.gopark;main.worker': n })),
        TENANT,
      );
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  for (const [pod, counts] of [
    ['h', POD_H],
    ['i', POD_I],
  ] as const)
    await up.waitUntil(`pod ${pod}'s goroutine profiles`, async () => {
      const r = await up.rpc(
        'SelectMergeStacktraces',
        {
          profileTypeID: GOROUTINES,
          labelSelector: `{service_name="${SERVICE}", pod="${pod}"}`,
          start: T_H - 60_000,
          end: Date.now(),
        },
        TENANT,
      );
      return Number((r.json.flamegraph as { total?: string } | undefined)?.total ?? 0) === sum(counts);
    });
  const day = (pod: string) =>
    `${origin}/?type=${encodeURIComponent(GOROUTINES)}&query=${encodeURIComponent(`{service_name="${SERVICE}", pod="${pod}"}`)}&from=now-24h&to=now&view=top`;

  await page.goto(day('h'));
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', String(sum(POD_H) / POD_H.length));
  await expect(page.getByTestId('profile-aggregation')).toHaveText(`Average over time (${POD_H.length} scrapes)`);
  await expect(page.getByTestId('average-estimate')).toHaveCount(0);

  // 10 goroutines in every profile: the estimate is near 10, where one profile per 8 s fine step
  // would show about 27 and one per 864 s step 400.
  await page.goto(day('i'));
  await expect(page.getByTestId('average-estimate')).toBeVisible();
  const shown = Number(await page.getByTestId('top-total').getAttribute('data-value'));
  expect(shown).toBeGreaterThan(8.5);
  expect(shown).toBeLessThan(11.5);
  expect(errors).toEqual([]);
});
