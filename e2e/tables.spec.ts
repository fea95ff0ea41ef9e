import { type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { PROFILES_DIR } from '../tests/helpers/corpus';
import { openBytes, openFixture, trackConsoleErrors } from './helpers';

// What a user sees of the top and diff tables at the window sizes of issue 19: Name first and
// wide enough to read, numbers beside it, nothing covering the header.

type Box = { x: number; y: number; width: number; height: number };
const right = (b: Box) => b.x + b.width;
const overlaps = (a: Box, b: Box) => a.x < right(b) && b.x < right(a) && a.y < b.y + b.height && b.y < a.y + a.height;

async function openBaseline(page: Page, name: string) {
  await page.getByTestId('baseline-file-input').setInputFiles({
    name,
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(PROFILES_DIR, name)),
  });
  await expect(page.getByTestId('diff-row').first()).toBeVisible();
}

/**
 * The table's rows and header as laid out: Name is the leftmost cell, at least 40% of the table's
 * width, and every cell and header stays inside the table. `fullName` must be shown uncut.
 */
async function expectReadable(page: Page, table: 'top-table' | 'diff-table', fullName: string) {
  const rowId = table === 'top-table' ? 'top-row' : 'diff-row';
  await expect(page.getByTestId(rowId).first()).toBeVisible();
  const layout = await page.evaluate(
    ({ table, rowId }) => {
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const body = document.querySelector(`[data-testid="${table}"]`)!;
      const head = document.querySelector('[data-testid="table-head"]')!;
      const rows = Array.from(document.querySelectorAll(`[data-testid="${rowId}"]`)).slice(0, 10);
      return {
        table: box(body),
        head: box(head),
        headCells: Array.from(head.children).map((c) => ({ text: (c as HTMLElement).innerText, box: box(c) })),
        headName: box(head.querySelector('[data-testid$="sort-name"]')!),
        rows: rows.map((r) => ({
          name: box(r.querySelector('[data-testid="row-name"]')!),
          cells: Array.from(r.querySelectorAll('[data-col]')).map(box),
        })),
      };
    },
    { table, rowId },
  );
  const t = layout.table;
  expect(layout.rows.length).toBeGreaterThan(0);
  for (const r of layout.rows) {
    expect(r.cells.length, 'numbers beside the name').toBeGreaterThan(0);
    expect(r.name.width, 'Name is at least 40% of the table').toBeGreaterThanOrEqual(0.4 * t.width);
    for (const c of r.cells) {
      expect(c.x, 'Name is the first column').toBeGreaterThanOrEqual(right(r.name));
      expect(right(c), 'cells stay inside the table').toBeLessThanOrEqual(right(t) + 0.5);
    }
  }
  // The header's Name is above the names, and no header cell spills out of the table.
  expect(Math.abs(layout.headName.x - layout.rows[0]!.name.x)).toBeLessThan(2);
  expect(right(layout.head)).toBeLessThanOrEqual(right(t) + 0.5);
  for (const c of layout.headCells) expect(right(c.box), c.text).toBeLessThanOrEqual(right(t) + 0.5);
  // A name that fits is shown whole, with its full text on hover as well.
  const name = page.locator(`[data-testid="${rowId}"][data-name="${fullName}"] [data-testid="row-name"]`);
  await expect(name).toHaveAttribute('title', fullName);
  expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  return layout;
}

for (const [width, height] of [
  [1600, 1000],
  [1000, 700],
] as const) {
  test(`at ${width}×${height} every table shows Name first and at least 40% wide, header uncovered`, async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.setViewportSize({ width, height });
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu.pb.gz');
    for (const view of ['top', 'both']) {
      await page.getByTestId(`view-${view}`).click();
      await expectReadable(page, 'top-table', 'main.(*parser).factor');
    }
    await openBaseline(page, 'go-cpu-variant.pb.gz');
    for (const view of ['top', 'both']) {
      await page.getByTestId(`view-${view}`).click();
      const layout = await expectReadable(page, 'diff-table', 'main.(*parser).factor');
      // Each side's share and the change of share are there when the table is the whole view.
      if (view === 'top') {
        const cols = await page
          .locator('[data-testid="diff-row"]')
          .first()
          .locator('[data-col]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-col')));
        expect(cols).toEqual(expect.arrayContaining(['flat', 'cum', 'cum-base-pct', 'cum-next-pct', 'cum-change']));
      }
      if (view === 'both') {
        // The flame graph's legend (shrank … grew) and the graph itself stay clear of the table.
        const legend = (await page.getByTestId('diff-legend').boundingBox())!;
        expect(overlaps(legend, layout.head), 'legend covers the header').toBe(false);
        for (const c of layout.headCells) expect(overlaps(legend, c.box), c.text).toBe(false);
        const flame = (await page.getByTestId('flamegraph').boundingBox())!;
        expect(right(layout.table)).toBeLessThanOrEqual(flame.x);
      }
    }
    expect(errors).toEqual([]);
  });
}

test('a very long name is cut with its full text on hover; the row and the numbers keep their places', async ({ page }) => {
  const errors = trackConsoleErrors(page);
  await page.setViewportSize({ width: 1000, height: 700 });
  await page.goto('/?mode=file');
  const long = `github.com/example/${'very/'.repeat(60)}service.(*Server).HandleRequestWithAVeryLongName`;
  const st = new StringTable();
  const names = [long, 'main.short'];
  const profile = new Profile({
    sampleType: [new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') })],
    function: names.map((n, i) => new PFunction({ id: i + 1, name: st.dedup(n) })),
    location: names.map((_, i) => new Location({ id: i + 1, line: [new Line({ functionId: i + 1 })] })),
    sample: [new Sample({ locationId: [1], value: [5e9] }), new Sample({ locationId: [2, 1], value: [1234e6] })],
    stringTable: st,
  });
  await openBytes(page, 'long-names.pb', Buffer.from(profile.encode()));
  await expect(page.getByTestId('top-row')).toHaveCount(2);

  for (const view of ['top', 'both']) {
    await page.getByTestId(`view-${view}`).click();
    const row = page.locator(`[data-testid="top-row"][data-name="${long}"]`);
    const name = row.getByTestId('row-name');
    await expect(name).toHaveAttribute('title', long);
    expect(await name.evaluate((el) => el.scrollWidth > el.clientWidth), 'the long name is cut').toBe(true);
    const rowBox = (await row.boundingBox())!;
    const shortBox = (await page.locator('[data-testid="top-row"][data-name="main.short"]').boundingBox())!;
    expect(rowBox.height).toBe(shortBox.height); // one line, like the others
    const table = (await page.getByTestId('top-table').boundingBox())!;
    expect(right(rowBox)).toBeLessThanOrEqual(right(table) + 0.5);
    // Numbers are right-aligned: the ends of "5s" and "1.23s" line up, at the column's right edge.
    const ends = await page.locator('[data-testid="top-row"] [data-col="flat"]').evaluateAll((els) =>
      els.map((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return [range.getBoundingClientRect().right, el.getBoundingClientRect().right];
      }),
    );
    expect(ends.length).toBe(2);
    for (const [textEnd, cellEnd] of ends) expect(Math.abs(textEnd! - cellEnd!)).toBeLessThan(1.5);
    expect(
      await page
        .locator('[data-col="flat"]')
        .first()
        .evaluate((el) => getComputedStyle(el).fontVariantNumeric),
    ).toContain('tabular-nums');
  }

  // The call tree's names carry the same hook and hover text.
  await page.getByTestId('view-tree').click();
  await expect(page.locator('[data-testid="tree-row"]').first().getByTestId('row-name')).toBeVisible();
  await expect(page.locator(`[data-testid="tree-row"][data-name="${long}"] [data-testid="row-name"]`).first()).toHaveAttribute(
    'title',
    long,
  );
  expect(errors).toEqual([]);
});
