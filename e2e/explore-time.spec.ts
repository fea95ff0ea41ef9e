// Issue 19, items 1 and 2: relative ranges ("Last 15m") mean the last 15 minutes as of each
// question the screen asks, and an empty first screen fills in by itself. The page's clock is
// Playwright's (page.clock): time is moved explicitly, never waited for.
import { expect, test } from '@playwright/test';
import { corpusProfile, ingestProfile } from './helpers';

const TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const EMPTY_POLL_MS = 5000; // Explorer's EMPTY_POLL_MS

test('a screen opened before the first profile fills in by itself once one arrives', async ({ page }) => {
  const tenant = `fresh-${Date.now().toString(36)}`; // a tenant with no profiles yet, as a fresh server
  await page.clock.install();
  await page.goto(`/?tenant=${tenant}&from=now-15m`);
  await expect(page.getByTestId('no-data')).toBeVisible();

  // The first profile is dated after the moment the page opened, as the demo's first push is.
  const opened = await page.evaluate(() => Date.now());
  await ingestProfile(corpusProfile('go-cpu.pb.gz'), { name: 'late-service', labels: 'pod=a', timeMs: opened + 30_000, tenant });
  // One poll later (the page's clock moved past the profile's time) the screen shows it.
  await page.clock.fastForward(30_000 + EMPTY_POLL_MS);
  await expect(page.getByTestId('service')).toHaveValue('late-service');
  await expect(page.getByTestId('profile-type-select')).toHaveValue(TYPE);
  await expect(page.getByTestId('top-total')).toBeVisible();
  await expect(page.getByTestId('no-data')).toHaveCount(0);
});

test('a preset clicked later means the last minutes as of the click', async ({ page }) => {
  const tenant = `presets-${Date.now().toString(36)}`;
  await page.clock.install();
  const loaded = Date.now();
  await ingestProfile(corpusProfile('go-cpu.pb.gz'), { name: 'presets', labels: 'pod=a', timeMs: loaded - 5 * 60_000, tenant });
  const query = encodeURIComponent('{service_name="presets"}');
  await page.goto(`/?tenant=${tenant}&type=${encodeURIComponent(TYPE)}&query=${query}&from=now-1h&to=now`);
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toHaveAttribute('data-points', /[1-9]/);

  // 201 s after the page resolved "now", 1h then 15m: each window ends at the moment of its click.
  await page.clock.fastForward(201_000);
  for (const [preset, minutes] of [
    ['1h', 60],
    ['15m', 15],
  ] as const) {
    const before = await page.evaluate(() => Date.now());
    await page.getByTestId(`range-${preset}`).click();
    await expect(page.getByTestId('range-label')).toHaveText(`Last ${preset}`);
    await expect.poll(async () => Number(await timeline.getAttribute('data-end'))).toBeGreaterThanOrEqual(before);
    const after = await page.evaluate(() => Date.now());
    const [start, end] = [Number(await timeline.getAttribute('data-start')), Number(await timeline.getAttribute('data-end'))];
    expect(end).toBeLessThanOrEqual(after);
    expect(end - start).toBe(minutes * 60_000);
  }

  // The refresh button moves "now" too.
  await page.clock.fastForward(90_000);
  const before = await page.evaluate(() => Date.now());
  await page.getByTestId('refresh').click();
  await expect.poll(async () => Number(await timeline.getAttribute('data-end'))).toBeGreaterThanOrEqual(before);
});
