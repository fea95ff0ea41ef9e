import { type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR } from '../tests/helpers/corpus';
import { findFrame, waitForDraw } from './flame-helpers';
import { openFixture } from './helpers';

const file = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(join(PROFILES_DIR, name)) });

/** Picks a file through the welcome's button, as a person does (the file chooser it opens). */
async function pickThroughWelcome(page: Page, name: string) {
  await expect(page.getByTestId('open-linked-file')).toContainText(name);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('open-linked-file').click()]);
  await chooser.setFiles(file(name));
}

/** The URL's query parameters, in a stable order. */
const params = (url: string) => [...new URL(url).searchParams].sort();

/** A file diff zoomed into main.checksumHandler (also the selected function), on samples/count, its sandwich open. */
async function diffScreen(page: Page) {
  await page.goto('/?mode=file&view=both');
  await openFixture(page, 'go-cpu.pb.gz');
  await page.getByTestId('baseline-file-input').setInputFiles(file('go-cpu-variant.pb.gz'));
  await expect(page.getByTestId('diff-description')).toContainText('go-cpu-variant.pb.gz');
  await page.getByTestId('sample-type').selectOption({ label: 'samples/count' });
  await waitForDraw(page);
  const canvas = page.getByTestId('flamegraph');
  const at = await findFrame(page, 'main.checksumHandler');
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + at.x, box.y + at.y);
  await expect(canvas).not.toHaveAttribute('data-zoom-frame', '0');
  await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
  await page.getByTestId('frame-menu').getByText('Sandwich view').click();
  await expect(page.getByTestId('sandwich-name')).toHaveText('main.checksumHandler');
  const url = new URL(page.url());
  for (const [k, v] of [
    ['diff', '1'],
    ['bfile', 'go-cpu-variant.pb.gz'],
    ['si', 'samples'],
    ['fn', 'main.checksumHandler'],
    ['sandwich', 'main.checksumHandler'],
  ] as const) {
    expect(url.searchParams.get(k), k).toBe(v);
  }
  expect(url.searchParams.getAll('zoom').at(-1)).toBe('main.checksumHandler');
  return page.url();
}

test.describe('file mode', () => {
  test('a file-diff link asks for both files in turn and restores the diff with its zoom, sample type, function and sandwich', async ({
    page,
    context,
  }) => {
    const link = await diffScreen(page);
    const other = await context.newPage();
    await other.goto(link);
    await expect(other.getByTestId('local-file-note')).toContainText('go-cpu-variant.pb.gz');
    // The comparison, picked as any file is (the header's input): the link stays a diff and the
    // baseline is asked for next, through the welcome's button.
    await other.getByTestId('file-input').setInputFiles(file('go-cpu.pb.gz'));
    await expect(other.getByTestId('welcome-title').or(other.getByTestId('profile-name'))).toBeVisible();
    expect(params(other.url())).toEqual(params(link));
    await expect(other.getByTestId('welcome-title')).toHaveText('Now open the baseline go-cpu-variant.pb.gz');
    expect(
      await other
        .getByTestId('link-files')
        .locator('li')
        .evaluateAll((li) => li.map((l) => l.getAttribute('data-state'))),
    ).toEqual(['picked', 'wanted']);
    await pickThroughWelcome(other, 'go-cpu-variant.pb.gz');
    await expect(other.getByTestId('diff-description')).toContainText('go-cpu-variant.pb.gz');
    await expect(other.getByTestId('sample-type').locator('option:checked')).toHaveText('samples/count');
    await expect(other.getByTestId('sandwich-name')).toHaveText('main.checksumHandler');
    expect(params(other.url())).toEqual(params(link));
    // Back from the sandwich: the flame graph is zoomed where the link was.
    await other.getByTestId('sandwich-close').click();
    await waitForDraw(other);
    await expect(other.getByTestId('flamegraph')).not.toHaveAttribute('data-zoom-frame', '0');
  });

  test('a link to one file: opening it (by the header button too) keeps the link’s screen; another file starts afresh', async ({
    page,
    context,
  }) => {
    await page.goto('/?mode=file&view=both');
    await openFixture(page, 'go-cpu.pb.gz');
    await page.getByTestId('sample-type').selectOption({ label: 'samples/count' });
    await waitForDraw(page);
    const at = await findFrame(page, 'main.fibHandler');
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect(page).toHaveURL(/fn=main\.fibHandler/);
    const link = page.url();

    const other = await context.newPage();
    await other.goto(link);
    await expect(other.getByTestId('local-file-note')).toContainText('go-cpu.pb.gz');
    const [chooser] = await Promise.all([other.waitForEvent('filechooser'), other.getByTestId('open-file').click()]);
    await chooser.setFiles(file('go-cpu.pb.gz'));
    await expect(other.getByTestId('sample-type').locator('option:checked')).toHaveText('samples/count');
    await expect(other.getByTestId('flamegraph')).not.toHaveAttribute('data-zoom-frame', '0');
    expect(params(other.url())).toEqual(params(link));
    // A file under another name is another profile: its own defaults.
    await other.getByTestId('file-input').setInputFiles(file('go-cpu-tiny.pb.gz'));
    await expect(other.getByTestId('profile-name')).toHaveText('go-cpu-tiny.pb.gz');
    await expect(other.getByTestId('sample-type').locator('option:checked')).toHaveText('cpu/nanoseconds');
    await expect(other.getByTestId('flamegraph')).toHaveAttribute('data-zoom-frame', '0');
  });

  test('Copy link copies the file screen’s link, which names the files', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const url = await diffScreen(page);
    await expect(page.getByTestId('copy-link')).toBeVisible();
    await page.getByTestId('copy-link').click();
    const copied = page.getByTestId('copied-link');
    await expect(copied).toHaveValue(url);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const other = await context.newPage();
    await other.goto(await copied.inputValue());
    await expect(other.getByTestId('local-file-note')).toContainText('go-cpu.pb.gz');
    await expect(other.getByTestId('local-file-note')).toContainText('go-cpu-variant.pb.gz');
  });

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
