import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { EXPECTED_DIR } from '../tests/helpers/corpus';
import { readExpectedTop } from '../tests/helpers/expected';
import { openFixture, trackConsoleErrors } from './helpers';
import { findFrame, waitForDraw } from './flame-helpers';

const FIXTURE = 'go-cpu.pb.gz';
const rowOf = (page: import('@playwright/test').Page, name: string) =>
  page.locator(`[data-testid="top-row"][data-name="${name}"]`);

test.describe('refine filters', () => {
  test('focus keeps the matching samples, percentages stay of the whole profile unless relative', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file&view=top');
    await openFixture(page, FIXTURE);
    const top = readExpectedTop(join(EXPECTED_DIR, FIXTURE, '1.cpu.top.txt'));
    await page.getByTestId('refine-kind').selectOption('focus');
    await page.getByTestId('refine-input').fill('main\\.fibHandler');
    await page.getByTestId('refine-add').click();
    await expect(page.getByTestId('filter-chip')).toHaveText(/focus=main\\\.fibHandler/);
    await expect(rowOf(page, 'main.checksumHandler')).toHaveCount(0);
    await expect(rowOf(page, 'main.fibHandler')).toHaveAttribute('data-cum', String(640e6));
    // Still the whole profile's total (in the unit pprof picks for the smaller focused rows).
    await expect(page.getByTestId('top-total')).toHaveText('2310ms');
    await page.getByTestId('relative-percentages').check();
    await expect(page.getByTestId('top-total')).toHaveText('640ms');
    // The filters live in the URL under pprof's names.
    expect(new URL(page.url()).searchParams.get('f')).toBe('main\\.fibHandler');
    await page.getByTestId('filter-chip-remove').click();
    await expect(rowOf(page, 'main.checksumHandler')).toHaveCount(1);
    await expect(page.getByTestId('top-total')).toHaveText(top.total);
    expect(errors).toEqual([]);
  });

  test('the frame menu ignores a function in every view; a bad regexp says so', async ({ page }) => {
    await page.goto('/?mode=file&view=both');
    await openFixture(page, FIXTURE);
    await waitForDraw(page);
    const at = await findFrame(page, 'main.rotl');
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
    await page.getByTestId('frame-menu').getByText('Ignore').click();
    await expect(page.getByTestId('filter-chip')).toHaveAttribute('data-kind', 'ignore');
    await expect(rowOf(page, 'main.rotl')).toHaveCount(0);
    await expect(rowOf(page, 'main.fib')).toHaveCount(1);
    await page.getByTestId('filter-chip-remove').click();
    await page.getByTestId('refine-kind').selectOption('hide');
    await page.getByTestId('refine-input').fill('(unclosed');
    await page.getByTestId('refine-add').click();
    await expect(page.getByTestId('filter-invalid')).toContainText('hide: invalid regular expression');
    await page.getByTestId('filter-chip-remove').click();
    await expect(rowOf(page, 'main.rotl')).toHaveCount(1);
  });
});
