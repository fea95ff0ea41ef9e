import { expect, test } from '@playwright/test';
import { openFixture } from './helpers';

test.describe('file mode', () => {
  test('the hidden file inputs are no Tab stops; their visible buttons open them', async ({ page }) => {
    await page.goto('/?mode=file&view=top');
    await openFixture(page, 'go-cpu-tiny.pb.gz');
    // Tab through the whole page: the focus never lands on a file input.
    await page.getByTestId('mode-explore').focus();
    const visited = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const a = document.activeElement;
        return a ? `${a.tagName}:${a.getAttribute('type') ?? ''}:${a.getAttribute('data-testid') ?? ''}` : '';
      });
      expect(focused).not.toMatch(/^INPUT:file:/);
      visited.add(focused);
    }
    expect([...visited]).toEqual(expect.arrayContaining(['BUTTON:button:open-file', 'BUTTON:button:compare-file']));
    for (const button of ['open-file', 'compare-file']) {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId(button).click()]);
      expect(chooser.isMultiple()).toBe(false);
    }
  });
});
