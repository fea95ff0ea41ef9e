// Issue 19, items 10 and 12: what the explorer says about what it shows (an empty profile type,
// the facts of a query's profile, the colours of a split timeline).
import { expect, test } from '@playwright/test';
import { deltaE, parseRgb } from './colors';
import { corpusProfile, dragTimeline, ingestProfile } from './helpers';
import { makePprof } from './pprof';

const RUN = Date.now().toString(36);
const NOW = Date.now();
const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const BLOCK = 'block:contentions:count:contentions:count';

const explore = (service: string, type: string, extra = '') =>
  `/?type=${encodeURIComponent(type)}&query=${encodeURIComponent(`{service_name="${service}"}`)}&from=now-1h&to=now${extra}`;

test('a profile type without samples says so, and asks whether its profiling is on', async ({ page }) => {
  // A Go process whose block profiling is off: its block profiles are scraped, stored and empty.
  const service = `goapp-${RUN}`;
  await ingestProfile(corpusProfile('go-cpu.pb.gz'), { name: service, labels: 'pod=a', timeMs: NOW - 10 * 60_000 });
  const emptyBlock = makePprof({
    sampleTypes: [
      ['contentions', 'count'],
      ['delay', 'nanoseconds'],
    ],
    periodType: ['contentions', 'count'],
    samples: [],
  });
  await ingestProfile(emptyBlock, { name: service, labels: 'pod=a', timeMs: NOW - 10 * 60_000 });

  await page.goto(explore(service, BLOCK));
  await expect(page.getByTestId('profile-type-select')).toHaveValue(BLOCK);
  await expect(page.getByTestId('empty-profile')).toHaveText(
    'No samples in this range (is block profiling enabled in the process?)',
  );
  await expect(page.getByTestId('flamegraph')).toHaveCount(0);
  await expect(page.getByTestId('top-row')).toHaveCount(0);

  // A type with samples shows its views again.
  await page.getByTestId('profile-type-select').selectOption(CPU);
  await expect(page.getByTestId('top-row').first()).toBeVisible();
  await expect(page.getByTestId('empty-profile')).toHaveCount(0);
});

test('"Split by" draws each series in a colour told apart from the others', async ({ page }) => {
  // The demo's checkout pods, whose names hashed to two near-identical greens.
  const service = `checkout-${RUN}`;
  const pods = ['checkout-7d9f-abcde', 'checkout-7d9f-fghij', 'checkout-7d9f-klmno'];
  for (const pod of pods)
    await ingestProfile(corpusProfile('go-cpu-tiny.pb.gz'), { name: service, labels: `pod=${pod}`, timeMs: NOW - 5 * 60_000 });

  await page.goto(explore(service, CPU, '&groupBy=pod'));
  const legend = page.locator('.timeline-legend .legend-item');
  await expect(legend).toHaveText(pods);
  const colors = await legend.locator('.swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  const rgb = colors.map(parseRgb);
  for (let i = 0; i < rgb.length; i++) {
    for (let j = i + 1; j < rgb.length; j++) expect(deltaE(rgb[i]!, rgb[j]!), `${pods[i]} vs ${pods[j]}`).toBeGreaterThan(20);
  }
});

test('the facts bar says a query result is a query, of which service and type, over which range', async ({ page }) => {
  const service = `facts-${RUN}`;
  await ingestProfile(corpusProfile('go-cpu-tiny.pb.gz'), { name: service, labels: 'pod=a', timeMs: NOW - 20 * 60_000 });
  await page.goto(explore(service, CPU));
  const facts = page.getByTestId('profile-facts');
  await expect(facts.locator('dt').first()).toHaveText('Query');
  await expect(page.getByTestId('profile-name')).toHaveText(`${service} · CPU`);
  await expect(page.getByTestId('profile-name')).toHaveAttribute('title', `{service_name="${service}"}`);
  await expect(page.getByTestId('profile-range')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d → \d\d:\d\d:\d\d \(1h\)$/);
  await expect(page.getByTestId('profile-aggregation')).toHaveText('Total');
  await expect(facts).not.toContainText('File');

  // A brushed selection is the profile's range.
  await dragTimeline(page, NOW - 30 * 60_000, NOW - 10 * 60_000);
  await expect(page.getByTestId('profile-range')).toHaveText(/\((19m \d+s|20m( \d+s)?)\)$/);
});
