import { expect, test } from '@playwright/test';
import { gunzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { Profile } from 'pprof-format';
import { join } from 'node:path';
import { EXPECTED_DIR, PROFILES_DIR } from '../tests/helpers/corpus';
import { readExpectedTop } from '../tests/helpers/expected';
import { openFixture, trackConsoleErrors, visibleRows } from './helpers';

const expectedTop = (fixture: string, file: string) => readExpectedTop(join(EXPECTED_DIR, fixture, file));

test.describe('opening a local pprof file', () => {
  test('shows the top table of the default sample type as go tool pprof does, then another type', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu-tiny.pb.gz');

    // pprof's default is the last sample type: cpu/nanoseconds.
    await expect(page.getByTestId('sample-type').locator('option:checked')).toHaveText('cpu/nanoseconds');
    await expect(page.getByTestId('profile-type')).toHaveText('cpu/nanoseconds');
    const cpu = expectedTop('go-cpu-tiny.pb.gz', '1.cpu.top.txt');
    await expect(page.getByTestId('top-total')).toHaveText(cpu.total);
    await expect(page.getByTestId('top-count')).toHaveText(`${cpu.parsed.length} of ${cpu.parsed.length} rows`);
    let rows = await visibleRows(page);
    expect(rows.map((r) => [r.name, r.cells[0], r.cells[3]])).toEqual(cpu.parsed.map((r) => [r.name, r.flat, r.cum]));

    await page.getByTestId('sample-type').selectOption({ label: 'samples/count' });
    const samples = expectedTop('go-cpu-tiny.pb.gz', '0.samples.top.txt');
    await expect(page.getByTestId('top-total')).toHaveText(samples.total);
    await expect(page.getByTestId('top-row').first()).toHaveAttribute('data-name', samples.parsed[0]!.name);
    rows = await visibleRows(page);
    // Counts are bare integers: the raw hooks equal what pprof prints.
    expect(rows.map((r) => [r.name, String(r.flat), String(r.cum)])).toEqual(samples.parsed.map((r) => [r.name, r.flat, r.cum]));
    expect(errors).toEqual([]);
  });

  test('a large table is virtualized, filters by regex and sorts by cum and name', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    // large.cpu (google/pprof's test profile): about 23,000 functions.
    await openFixture(page, 'large.cpu');
    await expect(page.getByTestId('profile-type')).toHaveText('cpu/nanoseconds');
    const expected = expectedTop('large.cpu', '1.cpu.top.txt');
    await expect(page.getByTestId('top-count')).toHaveText(
      `${expected.parsed.length.toLocaleString('en-US')} of ${expected.parsed.length.toLocaleString('en-US')} rows`,
    );
    const rendered = await page.getByTestId('top-row').count();
    expect(rendered).toBeLessThan(200); // only what is on screen, not all rows
    const first = await visibleRows(page);
    expect(first.slice(0, 20).map((r) => [r.name, r.cells[0], r.cells[3]])).toEqual(
      expected.parsed.slice(0, 20).map((r) => [r.name, r.flat, r.cum]),
    );

    // Filter: a regex over names.
    const re = /^runtime\.m/;
    const matching = expected.parsed.filter((r) => re.test(r.name));
    await page.getByTestId('top-filter').fill('^runtime\\.m');
    await expect(page.getByTestId('top-count')).toHaveText(
      `${matching.length} of ${expected.parsed.length.toLocaleString('en-US')} rows`,
    );
    const filtered = await visibleRows(page);
    expect(filtered.map((r) => r.name)).toEqual(matching.slice(0, filtered.length).map((r) => r.name));

    // An invalid expression says so and keeps the page usable.
    await page.getByTestId('top-filter').fill('(unclosed');
    await expect(page.getByTestId('filter-error')).toContainText('Invalid regular expression');
    await page.getByTestId('top-filter').fill('');

    // Sort by cum: pprof's -cum order.
    await page.getByTestId('sort-cum').click();
    const cum = expectedTop('large.cpu', '1.cpu.cum.txt');
    await expect(page.getByTestId('top-row').first()).toHaveAttribute('data-name', cum.parsed[0]!.name);
    const byCum = await visibleRows(page);
    expect(byCum.slice(0, 15).map((r) => [r.name, r.cells[3]])).toEqual(cum.parsed.slice(0, 15).map((r) => [r.name, r.cum]));

    // Sort by name: alphabetical.
    await page.getByTestId('sort-name').click();
    const names = expected.parsed.map((r) => r.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await expect(page.getByTestId('top-row').first()).toHaveAttribute('data-name', names[0]!);
    expect(errors).toEqual([]);
  });

  test("a profile's declared default_sample_type is the type shown first", async ({ page }) => {
    await page.goto('/?mode=file');
    // no-mappings.pb.gz declares samples/count, its first type (pprof's default is otherwise the last).
    await openFixture(page, 'no-mappings.pb.gz');
    await expect(page.getByTestId('profile-type')).toHaveText('samples/count');
    const samples = expectedTop('no-mappings.pb.gz', '0.samples.top.txt');
    await expect(page.getByTestId('top-total')).toHaveText(samples.total);
  });

  test('line granularity shows one row per source line', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu-tiny.pb.gz');
    await page.getByTestId('granularity').selectOption('lines');
    const lines = expectedTop('go-cpu-tiny.pb.gz', '1.cpu.lines.top.txt');
    await expect(page.getByTestId('top-count')).toHaveText(`${lines.parsed.length} of ${lines.parsed.length} rows`);
    const rows = await visibleRows(page);
    expect(rows.map((r) => [r.name, r.cells[0], r.cells[3]])).toEqual(lines.parsed.map((r) => [r.name, r.flat, r.cum]));
  });

  test('a file dropped anywhere on the page opens', async ({ page }) => {
    await page.goto('/?mode=file');
    // A person drops a file on the page they see: wait for it (the load event comes before the app).
    await expect(page.getByTestId('open-file')).toBeVisible();
    const bytes = readFileSync(join(PROFILES_DIR, 'go-cpu.pb.gz')).toString('base64');
    await page.evaluate((b64) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], 'dropped.pprof'));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    }, bytes);
    await expect(page.getByTestId('profile-name')).toHaveText('dropped.pprof');
    const expected = expectedTop('go-cpu.pb.gz', '1.cpu.top.txt');
    await expect(page.getByTestId('top-total')).toHaveText(expected.total);
    await expect(page.getByTestId('top-row').first()).toHaveAttribute('data-name', expected.parsed[0]!.name);
  });
});

test('of two files given one right after the other, the second is what every view shows', async ({ page }) => {
  // The first is the slower to read (large.cpu with a 9 MiB comment, uncompressed), so that its
  // read ends after the second file has come: the worker must drop it, not replace the second.
  const largeProfile = Profile.decode(gunzipSync(readFileSync(join(PROFILES_DIR, 'large.cpu'))));
  largeProfile.comment.push(largeProfile.stringTable.dedup('x'.repeat(9 << 20)));
  const first = { name: 'large-with-comment.pb', base64: Buffer.from(largeProfile.encode()).toString('base64') };
  const second = { name: 'go-cpu-tiny.pb.gz', base64: readFileSync(join(PROFILES_DIR, 'go-cpu-tiny.pb.gz')).toString('base64') };
  await page.goto('/?mode=file&view=top');
  await expect(page.getByTestId('file-input')).toBeAttached();
  await page.evaluate(
    (files) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="file-input"]')!;
      for (const f of files) {
        const t = new DataTransfer();
        t.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
        input.files = t.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }
    },
    [first, second],
  );
  await expect(page.getByTestId('profile-name')).toHaveText(second.name);
  const cpu = expectedTop(second.name, '1.cpu.top.txt');
  await expect(page.getByTestId('top-total')).toHaveText(cpu.total);
  await expect(page.getByTestId('top-row').first()).toHaveAttribute('data-name', cpu.parsed[0]!.name);
  // Another sample type: computed by the worker from the profile it holds, which must be the second.
  await page.getByTestId('sample-type').selectOption({ label: 'samples/count' });
  await expect(page.getByTestId('top-total')).toHaveText(expectedTop(second.name, '0.samples.top.txt').total);
});

test('going to Explore and back to File reopens the file this page holds', async ({ page }) => {
  await page.goto('/?mode=file');
  await openFixture(page, 'go-cpu-tiny.pb.gz');
  await page.getByTestId('view-top').click();
  await page.getByTestId('mode-explore').click();
  await page.getByTestId('mode-file').click();
  await expect(page.getByTestId('profile-name')).toHaveText('go-cpu-tiny.pb.gz');
  await expect(page.getByTestId('top-row').first()).toBeVisible();
  // History works the same way.
  await page.goBack();
  await page.goBack();
  await expect(page.getByTestId('view-top')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('top-row').first()).toBeVisible();
});
