import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { EXPECTED_DIR, readExpectedTop } from '../tests/helpers/expected';
import { openFixture, trackConsoleErrors } from './helpers';
import { findFrame, waitForDraw } from './flame-helpers';

const FIXTURE = 'go.cpu.labels.pprof';
const rowOf = (page: import('@playwright/test').Page, name: string) =>
  page.locator(`[data-testid="top-row"][data-name="${name}"]`);

test.describe('refine filters', () => {
  test('focus keeps the matching samples, percentages stay of the whole profile unless relative', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file&view=top');
    await openFixture(page, FIXTURE);
    const top = readExpectedTop(join(EXPECTED_DIR, FIXTURE, '1.cpu.top.txt'));
    await page.getByTestId('refine-kind').selectOption('focus');
    await page.getByTestId('refine-input').fill('main\\.slowFunction\\.func1');
    await page.getByTestId('refine-add').click();
    await expect(page.getByTestId('filter-chip')).toHaveText(/focus=main\\\.slowFunction\\\.func1/);
    await expect(rowOf(page, 'main.fastFunction.func1')).toHaveCount(0);
    await expect(rowOf(page, 'main.slowFunction.func1')).toHaveAttribute('data-cum', String(6740e6));
    // Still the whole profile's total (in the unit pprof picks for the smaller focused rows).
    await expect(page.getByTestId('top-total')).toHaveText('8730ms');
    await page.getByTestId('relative-percentages').check();
    await expect(page.getByTestId('top-total')).toHaveText('6740ms');
    // The filters live in the URL under pprof's names.
    expect(new URL(page.url()).searchParams.get('f')).toBe('main\\.slowFunction\\.func1');
    await page.getByTestId('filter-chip-remove').click();
    await expect(rowOf(page, 'main.fastFunction.func1')).toHaveCount(1);
    await expect(page.getByTestId('top-total')).toHaveText(top.total);
    expect(errors).toEqual([]);
  });

  test('the frame menu ignores a function in every view; a bad regexp says so', async ({ page }) => {
    await page.goto('/?mode=file&view=both');
    await openFixture(page, FIXTURE);
    await waitForDraw(page);
    const at = await findFrame(page, 'runtime.duffzero');
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
    await page.getByTestId('frame-menu').getByText('Ignore').click();
    await expect(page.getByTestId('filter-chip')).toHaveAttribute('data-kind', 'ignore');
    await expect(rowOf(page, 'runtime.duffzero')).toHaveCount(0);
    await expect(rowOf(page, 'main.work')).toHaveCount(1);
    await page.getByTestId('filter-chip-remove').click();
    await page.getByTestId('refine-kind').selectOption('hide');
    await page.getByTestId('refine-input').fill('(unclosed');
    await page.getByTestId('refine-add').click();
    await expect(page.getByTestId('filter-invalid')).toContainText('hide: invalid regular expression');
    await page.getByTestId('filter-chip-remove').click();
    await expect(rowOf(page, 'runtime.duffzero')).toHaveCount(1);
  });
});
