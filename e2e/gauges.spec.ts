// Issue 19, item 5: gauge types (memory in use, goroutines) are averaged over time, not summed.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { EXPECTED_DIR } from '../tests/helpers/corpus';
import { readExpectedTop } from '../tests/helpers/expected';
import { corpusProfile, ingestProfile } from './helpers';
import { goroutines } from './pprof';

const RUN = Date.now().toString(36);
const START = Date.now() - 30 * 60_000;
const SCRAPE = 15_000;
const GOROUTINES = 'goroutines:goroutine:count:goroutine:count';
const INUSE = 'memory:inuse_space:bytes:space:bytes';
const SERVICE = `goapp-${RUN}`;

const explore = (type: string, extra = '', selector = `{service_name="${SERVICE}"}`) =>
  `/?type=${encodeURIComponent(type)}&query=${encodeURIComponent(selector)}&from=now-1h&to=now${extra}`;

test.beforeAll(async () => {
  // Two processes scraped 6 times, 15 s apart, at different phases: pod a has 8 goroutines
  // (5 workers, 3 HTTP handlers), pod b has 4 (workers).
  for (let k = 0; k < 6; k++) {
    const t = START + k * SCRAPE;
    await ingestProfile(goroutines({ 'runtime.gopark;main.worker': 5, 'runtime.gopark;net/http.serve': 3 }), {
      name: SERVICE,
      labels: 'pod=a',
      timeMs: t,
    });
    await ingestProfile(goroutines({ 'runtime.gopark;main.worker': 4 }), { name: SERVICE, labels: 'pod=b', timeMs: t + 7_000 });
  }
  // The same heap scraped three times: its average in-use memory is the heap's own.
  for (let k = 0; k < 3; k++)
    await ingestProfile(corpusProfile('go-heap.pb.gz'), { name: SERVICE, labels: 'pod=a', timeMs: START + k * SCRAPE });
});

test('goroutines are averaged over time and summed across processes, in every view; "sum" is a choice', async ({ page }) => {
  await page.goto(explore(GOROUTINES, '&view=top'));
  await expect(page.getByTestId('aggregation')).toHaveValue('average');
  await expect(page.getByTestId('profile-aggregation')).toHaveText('Average over time (6 scrapes)');
  // 8 + 4 goroutines at any time, not 6 × 12.
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', '12');
  await expect(page.getByTestId('top-total')).toHaveText('12');
  await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', '12');
  await expect(page.locator('[data-testid="top-row"][data-name="main.worker"]')).toHaveAttribute('data-cum', '9');
  await page.getByTestId('view-tree').click();
  await expect(page.locator('[data-testid="tree-row"][data-name="main.worker"]').first()).toHaveAttribute('data-total', '9');

  // One process: its own 8 goroutines.
  await page.goto(explore(GOROUTINES, '&view=top', `{service_name="${SERVICE}", pod="a"}`));
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', '8');

  // Summed over time on request, and the link says so.
  await page.getByTestId('aggregation').selectOption('sum');
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', '48');
  await expect(page.getByTestId('profile-aggregation')).toHaveText('Sum over time');
  expect(new URL(page.url()).searchParams.get('agg')).toBe('sum');
  await page.goBack();
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', '8');
});

test('in-use memory over three scrapes of one heap is that heap, as pprof reports it', async ({ page }) => {
  const expected = readExpectedTop(join(EXPECTED_DIR, 'go-heap.pb.gz', '3.inuse_space.top.txt'));
  await page.goto(explore(INUSE, '&view=top'));
  await expect(page.getByTestId('top-total')).toHaveText(expected.total);
  const heap = Number(await page.getByTestId('top-total').getAttribute('data-value'));
  await page.getByTestId('aggregation').selectOption('sum');
  await expect(page.getByTestId('top-total')).toHaveAttribute('data-value', String(3 * heap));
});

test('a diff averages each side over its own scrapes', async ({ page }) => {
  const base = encodeURIComponent(`{service_name="${SERVICE}", pod="b"}`);
  await page.goto(explore(GOROUTINES, `&view=top&diff=1&bquery=${base}`));
  await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', '12');
  await expect(page.getByTestId('profile-base-total')).toHaveAttribute('data-value', '4');
  await expect(page.getByTestId('profile-aggregation')).toHaveText('Comparison average over time (6 scrapes)');
  await expect(page.getByTestId('profile-facts')).toContainText('Baseline average over time (6 scrapes)');
});
