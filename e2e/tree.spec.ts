import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { EXPECTED_DIR } from '../tests/helpers/corpus';
import { readExpectedTop } from '../tests/helpers/expected';
import { openFixture, trackConsoleErrors } from './helpers';

const FIXTURE = 'go-cpu.pb.gz';
const ns = (s: string) => (s === '0' ? 0 : Math.round(parseFloat(s) * (s.endsWith('ms') ? 1e6 : 1e9)));
const row = (page: import('@playwright/test').Page, name: string) =>
  page.locator(`[data-testid="tree-row"][data-name="${name}"]`).first();

test.describe('call trees', () => {
  test('top-down: expand with the keyboard and *, totals agree with pprof', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-tree').click();
    const body = page.getByTestId('call-tree-body');
    await expect(page.getByTestId('tree-row').first()).toBeVisible();
    const collapsed = Number(await body.getAttribute('data-rows'));
    // Keyboard: the first row is selected; → opens it, ↓ moves into it.
    await body.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await body.getAttribute('data-rows'))).toBeGreaterThan(collapsed);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => Number(await body.getAttribute('data-rows'))).toBe(collapsed);
    // * expands everything below the selected row.
    await page.keyboard.press('*');
    await expect(row(page, 'main.checksumHandler')).toBeVisible();
    const top = readExpectedTop(join(EXPECTED_DIR, FIXTURE, '1.cpu.top.txt'));
    // checksumHandler has one call path, so its tree total is pprof's cum.
    const one = top.parsed.find((r) => r.name === 'main.checksumHandler')!;
    await expect(row(page, 'main.checksumHandler')).toHaveAttribute('data-total', String(ns(one.cum)));
    await row(page, 'main.checksumHandler').click();
    await expect(page.getByTestId('tree-breadcrumb')).toContainText('main.checksumHandler');
    await expect(page.getByTestId('tree-breadcrumb')).toContainText('runtime/pprof.Do');
    expect(errors).toEqual([]);
  });

  test('inverted: roots are the functions with self time, with their flat values', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-inverted').click();
    const top = readExpectedTop(join(EXPECTED_DIR, FIXTURE, '1.cpu.top.txt'));
    const withSelf = top.parsed.filter((r) => r.flat !== '0');
    const roots = page.locator('[data-testid="tree-row"][data-depth="0"]');
    await expect(roots).toHaveCount(withSelf.length);
    for (const r of withSelf) {
      await expect(page.locator(`[data-testid="tree-row"][data-depth="0"][data-name="${r.name}"]`)).toHaveAttribute(
        'data-total',
        String(ns(r.flat)),
      );
    }
    // Open the parser's expr: its callers (factor, in the mutual recursion, and parseHandler),
    // whose totals add up to its self time.
    await page.locator('[data-testid="tree-row"][data-depth="0"][data-name="main.(*parser).expr"]').click();
    const callers = page.locator('[data-testid="tree-row"][data-depth="1"]');
    await expect(callers).toHaveCount(2);
    const totals = await callers.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-total'))));
    expect(totals.reduce((a, b) => a + b, 0)).toBe(ns(top.parsed.find((r) => r.name === 'main.(*parser).expr')!.flat));
    await expect(callers.first()).toHaveAttribute('data-name', 'main.(*parser).factor');
  });
});

test('pprof -tree report: the same text as go tool pprof, copied as text', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?mode=file');
  await openFixture(page, FIXTURE);
  await page.getByTestId('view-report').click();
  const expected = (await import('node:fs')).readFileSync(join(EXPECTED_DIR, FIXTURE, '1.cpu.tree.txt'), 'utf8');
  await expect(page.getByTestId('tree-report')).toContainText('calls calls% + context');
  expect(await page.getByTestId('tree-report').evaluate((e) => e.textContent)).toBe(expected);
  await page.getByTestId('copy-tree-report').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
});
