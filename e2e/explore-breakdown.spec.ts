// Issue 20 in Explore: the label breakdown (SelectSeries with groupBy) and the flame graph grouped
// by a series label (one SelectMergeProfile per value), against the real embedded server.
import { expect, test } from '@playwright/test';
import { corpusProfile, ingestProfile, trackConsoleErrors } from './helpers';
import { findFrame, waitForDraw } from './flame-helpers';

const BASE = process.env.E2E_BASE_URL!;
const TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const SERVICE = `breakdown-${Date.now().toString(36)}`;
const NOW = Date.now();
// pod a: two profiles (its sparkline has two points); b and c one each.
const SEED: { pod: string; fixture: string; minutesAgo: number }[] = [
  { pod: 'a', fixture: 'go-cpu.pb.gz', minutesAgo: 40 },
  { pod: 'a', fixture: 'go-cpu-tiny.pb.gz', minutesAgo: 10 },
  { pod: 'b', fixture: 'go-cpu-tiny.pb.gz', minutesAgo: 30 },
  { pod: 'c', fixture: 'go-cpu-variant.pb.gz', minutesAgo: 20 },
];
const PODS = ['a', 'b', 'c'];

/** The total of SelectMergeProfile for a selector, asked of the server as any client would. */
async function mergedTotal(selector: string): Promise<number> {
  const res = await fetch(`${BASE}/querier.v1.QuerierService/SelectMergeProfile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ profileTypeID: TYPE, labelSelector: selector, start: NOW - 2 * 3_600_000, end: NOW + 60_000 }),
  });
  expect(res.status).toBe(200);
  const json = (await res.json()) as { sample?: { value: string[] }[] };
  return (json.sample ?? []).reduce((a, s) => a + Number(s.value[0]), 0);
}

const podSelector = (pod: string, op = '=') => `{service_name="${SERVICE}", pod${op}"${pod}"}`;
const exploreUrl = (extra = '') =>
  `/?type=${encodeURIComponent(TYPE)}&query=${encodeURIComponent(`{service_name="${SERVICE}"}`)}&from=now-1h&to=now${extra}`;
const row = (page: import('@playwright/test').Page, pod: string) =>
  page.locator(`[data-testid="breakdown-row"][data-value="${pod}"]`);

const totals: Record<string, number> = {};

test.beforeAll(async () => {
  for (const s of SEED)
    await ingestProfile(corpusProfile(s.fixture), {
      name: SERVICE,
      labels: `pod=${s.pod},namespace=shop`,
      timeMs: NOW - s.minutesAgo * 60_000,
    });
  for (const pod of PODS) totals[pod] = await mergedTotal(podSelector(pod));
});

test.describe('label breakdown', () => {
  test('per-pod totals equal per-pod SelectMergeProfile totals; sortable; in the link', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto(exploreUrl());
    await page.getByTestId('breakdown-toggle').click();
    const panel = page.getByTestId('label-breakdown');
    await expect(panel.getByTestId('breakdown-label')).toHaveValue('pod');
    await expect(panel.getByTestId('breakdown-row')).toHaveCount(3);
    for (const pod of PODS) await expect(row(page, pod)).toHaveAttribute('data-total', String(totals[pod]));
    // Largest total first, then by value when asked; the URL says which.
    const byTotal = [...PODS].sort((x, y) => totals[y]! - totals[x]!);
    const order = () => panel.getByTestId('breakdown-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
    await expect.poll(order).toEqual(byTotal);
    await panel.getByTestId('breakdown-sort-value').click();
    await expect.poll(order).toEqual(PODS);
    await panel.getByTestId('breakdown-sort-value').click();
    await expect.poll(order).toEqual([...PODS].reverse());
    // Descending is the default, left out of the link.
    const url = new URL(page.url());
    expect([url.searchParams.get('breakdown'), url.searchParams.get('bdSort'), url.searchParams.get('bdAsc')]).toEqual([
      'pod',
      'value',
      null,
    ]);
    // Shares add up to 100%, and a pod's sparkline has a point per profile's step.
    await expect(row(page, 'a').getByTestId('breakdown-spark')).toHaveAttribute('data-points', '2');
    const shares = await panel.locator('[data-testid="breakdown-row"] td:nth-child(3)').allTextContents();
    expect(shares.reduce((a, s) => a + parseFloat(s), 0)).toBeCloseTo(100, 0);
    // Another label: namespace has one value, the whole query.
    await panel.getByTestId('breakdown-label').selectOption('namespace');
    await expect(panel.getByTestId('breakdown-row')).toHaveCount(1);
    await expect(row(page, 'shop')).toHaveAttribute('data-total', String(totals.a! + totals.b! + totals.c!));
    expect(errors).toEqual([]);
  });

  test('a click on a value filters the selector to it', async ({ page }) => {
    await page.goto(exploreUrl('&breakdown=pod'));
    await row(page, 'b').getByTestId('breakdown-filter').click();
    expect(new URL(page.url()).searchParams.get('query')).toBe(podSelector('b'));
    await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', String(totals.b));
    await expect(page.getByTestId('label-filter')).toHaveCount(1);
    // The breakdown now shows the one pod left.
    await expect(page.getByTestId('breakdown-row')).toHaveCount(1);
  });

  test('"vs rest" diffs the value against the other values', async ({ page }) => {
    await page.goto(exploreUrl('&breakdown=pod'));
    await row(page, 'c').getByTestId('breakdown-diff').click();
    const params = new URL(page.url()).searchParams;
    expect([params.get('diff'), params.get('query'), params.get('bquery')]).toEqual([
      '1',
      podSelector('c'),
      podSelector('c', '!='),
    ]);
    await expect(page.getByTestId('diff-toggle')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', String(totals.c));
    await expect(page.getByTestId('profile-base-total')).toHaveAttribute('data-value', String(totals.a! + totals.b!));
    await expect(page.getByTestId('diff-row').first()).toBeVisible();
  });
});

test.describe('flame graph grouped by a label', () => {
  test('one root child per pod, each with its pod’s total, in every view', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto(exploreUrl('&view=flame'));
    await waitForDraw(page);
    await page.getByTestId('flame-group-by').selectOption('pod');
    expect(new URL(page.url()).searchParams.get('flameBy')).toBe('pod');
    await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', String(totals.a! + totals.b! + totals.c!));
    // The flame graph: each pod a frame right under the root, its width its total.
    const framesOf = (name: string) =>
      page.evaluate((n) => {
        const w = window as unknown as { __flamelens?: { frames: Record<string, (n: string) => { y: number }[]> } };
        return w.__flamelens?.frames.flamegraph?.(n) ?? [];
      }, name);
    await expect.poll(async () => (await framesOf('a')).length).toBe(1);
    const y = (await framesOf('a'))[0]!.y;
    for (const pod of PODS) {
      // One frame per pod, all at the same depth: the root's children.
      expect((await framesOf(pod)).map((f) => f.y)).toEqual([y]);
      await findFrame(page, pod);
      await expect(page.getByTestId('tooltip-total')).toHaveAttribute('data-value', String(totals[pod]));
    }
    // The call tree's roots are the pods, and nothing else.
    await page.getByTestId('view-tree').click();
    const roots = page.locator('[data-testid="tree-row"][data-depth="0"]');
    await expect(roots).toHaveCount(3);
    for (const pod of PODS)
      await expect(page.locator(`[data-testid="tree-row"][data-depth="0"][data-name="${pod}"]`)).toHaveAttribute(
        'data-total',
        String(totals[pod]),
      );
    expect(errors).toEqual([]);
  });

  test('the grouping comes back from a link, and goes with "—"', async ({ page }) => {
    await page.goto(exploreUrl('&view=tree&flameBy=pod'));
    await expect(page.getByTestId('flame-group-by')).toHaveValue('pod');
    await expect(page.locator('[data-testid="tree-row"][data-depth="0"]')).toHaveCount(3);
    await page.getByTestId('flame-group-by').selectOption('');
    await expect(page.locator('[data-testid="tree-row"][data-depth="0"][data-name="a"]')).toHaveCount(0);
    expect(new URL(page.url()).searchParams.get('flameBy')).toBeNull();
  });
});
