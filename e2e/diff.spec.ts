import { type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR, TESTDATA } from '../tests/helpers/corpus';
import { readExpectedTop } from '../tests/helpers/expected';
import { dragTimeline, openFixture, trackConsoleErrors } from './helpers';
import { findFrame, hover, waitForDraw } from './flame-helpers';

const BASE = process.env.E2E_BASE_URL!;
const TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const SERVICE = `diffsvc-${Date.now().toString(36)}`;
const NOW = Date.now();
const BASELINE_AT = NOW - 50 * 60_000; // once
const COMPARISON_AT = [NOW - 20 * 60_000, NOW - 18 * 60_000]; // twice
const fixture = (name: string) => readFileSync(join(PROFILES_DIR, name));

async function diffRow(page: Page, name: string) {
  const row = page.locator(`[data-testid="diff-row"][data-name="${name}"]`);
  await expect(row).toBeVisible();
  const get = async (a: string) => Number(await row.getAttribute(`data-${a}`));
  return { baseCum: await get('base-cum'), nextCum: await get('next-cum'), cum: await get('cum'), flat: await get('flat') };
}

/** The diff table's rows as shown, top to bottom: name and the Δ flat, Δ cum and cum change texts. */
async function shownDiffRows(page: Page) {
  return page.getByTestId('diff-row').evaluateAll((els) =>
    els
      .map((el) => {
        const text = (col: string) => el.querySelector<HTMLElement>(`[data-col="${col}"]`)?.innerText ?? '';
        return {
          top: parseFloat((el as HTMLElement).style.top),
          name: el.getAttribute('data-name')!,
          flat: text('flat'),
          cum: text('cum'),
        };
      })
      .sort((a, b) => a.top - b.top)
      .map(({ top: _, ...r }) => r),
  );
}

test.describe('diff', () => {
  test('two files: the diff table is pprof -diff_base, the flame graph shows both sides', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu.pb.gz');
    await page.getByTestId('baseline-file-input').setInputFiles({
      name: 'go-cpu-tiny.pb.gz',
      mimeType: 'application/octet-stream',
      buffer: fixture('go-cpu-tiny.pb.gz'),
    });
    await expect(page.getByTestId('diff-description')).toContainText('go-cpu-tiny.pb.gz');
    // The header gives each side's total: 2.31s compared with 80ms (go tool pprof's totals).
    await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', String(2310e6));
    await expect(page.getByTestId('profile-base-total')).toHaveAttribute('data-value', String(80e6));
    const expected = readExpectedTop(join(TESTDATA, 'expected-diff', 'go-cpu-tiny.pb.gz__vs__go-cpu.pb.gz', '1.cpu.top.txt'));
    const ms = (s: string) => (s === '0' ? 0 : Math.round(parseFloat(s) * 1e6));
    // Every function pprof lists, with its flat and cum differences.
    await expect(page.getByTestId('diff-row').first()).toHaveAttribute('data-name', expected.parsed[0]!.name);
    // The table's rows are pprof's, in pprof's order (all 30 are rendered at this height).
    expect((await shownDiffRows(page)).map((r) => r.name)).toEqual(expected.parsed.map((r) => r.name));
    for (const r of expected.parsed.slice(0, 8)) {
      const row = await diffRow(page, r.name);
      expect([row.flat, row.cum], r.name).toEqual([ms(r.flat), ms(r.cum)]);
    }
    // Functions on one side only are marked (the baseline-only case is in the next test).
    await expect(page.locator('[data-testid="diff-row"][data-name="main.sortHandler"]')).toHaveAttribute(
      'data-only',
      'comparison',
    );

    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    await expect(page.getByTestId('diff-legend')).toBeVisible();
    const at = await findFrame(page, 'main.sortHandler');
    await hover(page, 'flamegraph', at);
    await expect(page.getByTestId('tooltip-next-total')).toHaveAttribute('data-value', String(180e6));
    await expect(page.getByTestId('tooltip-base-total')).toHaveAttribute('data-value', '0');
    await expect(page.getByTestId('tooltip-change-total')).toHaveText('new');

    // The call tree shows both sides and the difference.
    await page.getByTestId('view-tree').click();
    await page.getByTestId('tree-expand-all').click();
    // main.writeCPU, on the same path in both, holds every sample of both sides: 2.31s − 80ms.
    await expect(page.locator('[data-testid="tree-row"][data-name="main.writeCPU"]').first()).toHaveAttribute(
      'data-diff',
      String(2310e6 - 80e6),
    );
    // A link to a file diff names both files and says they must be opened again.
    const other = await page.context().newPage();
    await other.goto(page.url());
    await expect(other.getByTestId('local-file-note')).toContainText('go-cpu.pb.gz');
    await expect(other.getByTestId('local-file-note')).toContainText('go-cpu-tiny.pb.gz');
    expect(errors).toEqual([]);
  });

  test('a bad baseline file (opened by the second worker) says which file and why, and loses nothing', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu.pb.gz');
    await page.getByTestId('baseline-file-input').setInputFiles({
      name: 'broken.pb.gz',
      mimeType: 'application/octet-stream',
      buffer: fixture('go-cpu-tiny.pb.gz').subarray(0, 200), // truncated gzip
    });
    await expect(page.getByTestId('error')).toContainText('broken.pb.gz: The file is gzip-compressed but cannot be decompressed');
    // The open profile is still shown, and a good baseline still works.
    await expect(page.getByTestId('profile-total')).toHaveAttribute('data-value', String(2310e6));
    await page.getByTestId('baseline-file-input').setInputFiles({
      name: 'go-cpu-variant.pb.gz',
      mimeType: 'application/octet-stream',
      buffer: fixture('go-cpu-variant.pb.gz'),
    });
    await expect(page.getByTestId('profile-base-total')).toHaveAttribute('data-value', String(2460e6));
    // A function that only the baseline has is marked so (pprof -diff_base lists it as -10ms).
    await expect(page.locator('[data-testid="diff-row"][data-name="runtime.futex"]')).toHaveAttribute('data-only', 'baseline');
    await expect(page.locator('[data-testid="diff-row"][data-name="runtime.futex"]')).toHaveAttribute('data-flat', String(-10e6));
  });

  test('functions that net to zero are left out as pprof -diff_base does, and listed on request', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu.pb.gz');
    await page.getByTestId('baseline-file-input').setInputFiles({
      name: 'go-cpu-variant.pb.gz',
      mimeType: 'application/octet-stream',
      buffer: fixture('go-cpu-variant.pb.gz'),
    });
    const expected = readExpectedTop(join(TESTDATA, 'expected-diff', 'go-cpu-variant.pb.gz__vs__go-cpu.pb.gz', '1.cpu.top.txt'));
    const n = expected.parsed.length;
    await expect(page.getByTestId('profile-base-total')).toHaveAttribute('data-value', String(2460e6));
    await expect(page.getByTestId('top-count')).toHaveText(`${n} of ${n} rows`);
    // The rows and their order as go tool pprof prints them, in the default layout (Both) ...
    expect((await shownDiffRows(page)).map((r) => r.name)).toEqual(expected.parsed.map((r) => r.name));
    // ... and in the Top table view, where Δ cum has room too, the differences (+ marks growth).
    await page.getByTestId('view-top').click();
    await expect(page.locator('[data-testid="diff-row"] [data-col="cum"]').first()).toBeVisible();
    const rows = await shownDiffRows(page);
    expect(rows.map((r) => r.name)).toEqual(expected.parsed.map((r) => r.name));
    expect(rows.map((r) => [r.flat.replace(/^\+/, ''), r.cum.replace(/^\+/, '')])).toEqual(
      expected.parsed.map((r) => [r.flat, r.cum]),
    );

    // Asked for, the functions whose flat and cum both net to 0 come back, and the link keeps it.
    await page.getByTestId('show-unchanged').check();
    const all = await shownDiffRows(page);
    await expect(page.getByTestId('top-count')).toHaveText(`${all.length} of ${all.length} rows`);
    const unchanged = all.filter((r) => !expected.parsed.some((e) => e.name === r.name));
    expect(unchanged.map((r) => r.name)).toContain('runtime.mallocgc');
    expect(unchanged.length).toBe(all.length - n);
    for (const r of unchanged) expect([r.name, r.flat, r.cum]).toEqual([r.name, '0', '0']);
    expect(new URL(page.url()).searchParams.get('unchanged')).toBe('1');
    expect(errors).toEqual([]);
  });

  test('two time ranges: twice the same profile shows no change relative, +100% absolute', async ({ page, context }) => {
    const ingest = async (t: number) => {
      const url = `${BASE}/ingest?name=${encodeURIComponent(`${SERVICE}{pod="x"}`)}&from=${t}&format=pprof`;
      expect((await fetch(url, { method: 'POST', body: fixture('go-cpu.pb.gz') })).status).toBe(200);
    };
    await ingest(BASELINE_AT);
    for (const t of COMPARISON_AT) await ingest(t);
    await page.goto(`/?type=${encodeURIComponent(TYPE)}&query=${encodeURIComponent(`{service_name="${SERVICE}"}`)}&from=now-1h`);
    await expect(page.getByTestId('top-total')).toBeVisible();
    await page.getByTestId('diff-toggle').click();
    await page.getByTestId('brush-target-baseline').check();
    await dragTimeline(page, BASELINE_AT - 5 * 60_000, BASELINE_AT + 5 * 60_000);
    await page.getByTestId('brush-target-comparison').check();
    await dragTimeline(page, COMPARISON_AT[0]! - 5 * 60_000, COMPARISON_AT[1]! + 5 * 60_000);
    await expect(page.getByTestId('base-selection')).toBeVisible();
    await expect(page.getByTestId('selection')).toBeVisible();
    // Wait for the diff of exactly these two ranges: the baseline holds one ingest.
    const row = page.locator('[data-testid="diff-row"][data-name="main.fib"]');
    await expect(row).toHaveAttribute('data-base-cum', String(640e6));
    await expect(row).toHaveAttribute('data-next-cum', String(2 * 640e6));
    const fib = await diffRow(page, 'main.fib');
    expect(fib.nextCum).toBe(2 * fib.baseCum);
    expect(fib.cum).toBe(fib.baseCum);
    expect(fib.baseCum).toBe(640e6);
    // The table compares each side's share, as the flame graph does: the comparison range holds
    // twice the samples, yet nothing grew. With "Absolute", main.fib doubled.
    await page.getByTestId('view-top').click();
    const fibRow = page.locator('[data-testid="diff-row"][data-name="main.fib"]');
    await expect(fibRow.locator('[data-col="cum-base-pct"]')).toHaveText('27.71%');
    await expect(fibRow.locator('[data-col="cum-next-pct"]')).toHaveText('27.71%');
    const changes = page.locator('[data-testid="diff-row"] [data-col="cum-change"]');
    expect(await changes.count()).toBeGreaterThan(10);
    expect(new Set(await changes.allInnerTexts())).toEqual(new Set(['0.00%']));
    const colorOf = (l: typeof fibRow) => l.evaluate((el) => getComputedStyle(el).color);
    const plain = await colorOf(fibRow.getByTestId('row-name'));
    expect(await colorOf(fibRow.locator('[data-col="cum-change"]'))).toBe(plain);
    await page.getByTestId('table-absolute').check();
    await expect(fibRow.locator('[data-col="cum-change"]')).toHaveText('+100.00%');
    expect(await colorOf(fibRow.locator('[data-col="cum-change"]'))).not.toBe(plain);
    await page.getByTestId('table-absolute').uncheck();

    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const at = await findFrame(page, 'main.checksumHandler');
    await hover(page, 'flamegraph', at);
    await expect(page.getByTestId('tooltip-change-total')).toHaveText('0.00%');
    await page.getByTestId('diff-absolute').check();
    await hover(page, 'flamegraph', { x: at.x + 1, y: at.y });
    await expect(page.getByTestId('tooltip-change-total')).toHaveText('+100.00%');

    // The diff URL opens the same screen elsewhere.
    const other = await context.newPage();
    await other.goto(page.url());
    await waitForDraw(other);
    await expect(other.getByTestId('diff-absolute')).toBeChecked();
    await other.getByTestId('view-top').click();
    const again = await diffRow(other, 'main.fib');
    expect(again).toEqual(fib);
  });
});
