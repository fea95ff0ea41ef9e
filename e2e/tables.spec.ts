import { expect, test } from '@playwright/test';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { openBytes, trackConsoleErrors } from './helpers';

// What a user sees of the top and diff tables at the window sizes of issue 19: Name first and
// wide enough to read, numbers beside it, nothing covering the header.

const right = (b: { x: number; width: number }) => b.x + b.width;

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
    expect(await page.locator('[data-col="flat"]').first().evaluate((el) => getComputedStyle(el).fontVariantNumeric)).toContain(
      'tabular-nums',
    );
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
