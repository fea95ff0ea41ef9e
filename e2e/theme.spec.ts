import { type Locator, type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR } from '../tests/helpers/corpus';
import { contrast, parseRgb, textsOn } from './colors';
import { findFrame, waitForDraw } from './flame-helpers';
import { openFixture } from './helpers';

/** Every control a person types in, picks from or clicks. */
const CONTROLS = 'input:not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea, button, summary';

/**
 * Expects the text of each visible element to read at a WCAG contrast of at least 4.5 on the
 * background it is shown on (both from computed styles). Returns how many were checked.
 */
async function expectReadable(elements: Locator, what: string): Promise<number> {
  const texts = await textsOn(elements);
  for (const { name, text, background } of texts) {
    expect(contrast(parseRgb(text), parseRgb(background)), `${what}: ${name} (${text} on ${background})`).toBeGreaterThanOrEqual(
      4.5,
    );
  }
  return texts.length;
}

async function useDarkTheme(page: Page) {
  await page.getByTestId('theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
}

test('dark theme: controls, tables, tooltips, menus and the call graph read at a contrast of 4.5 or more', async ({ page }) => {
  await page.goto('/?mode=file');
  await useDarkTheme(page);
  await openFixture(page, 'go-cpu.pb.gz');
  await page.getByTestId('view-both').click();
  await waitForDraw(page);

  // Toolbars (the app's, the view's, the refine bar, the table's and the flame graph's).
  expect(await expectReadable(page.locator(CONTROLS), 'control')).toBeGreaterThan(15);
  // The top table: head and rows.
  await expectReadable(page.locator('.top-head > span'), 'table head');
  await expectReadable(page.getByTestId('top-row').first().locator('span'), 'table row');
  // The flame graph's tooltip and menus.
  await findFrame(page, 'main.checksumHandler');
  await expectReadable(page.getByTestId('flame-tooltip').locator('div, th, td'), 'tooltip');
  const at = await findFrame(page, 'main.checksumHandler');
  const box = (await page.getByTestId('flamegraph').boundingBox())!;
  await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
  expect(await expectReadable(page.getByTestId('frame-menu').getByRole('menuitem'), 'frame menu')).toBeGreaterThan(3);
  await page.keyboard.press('Escape');
  await page.getByTestId('export-menu').click();
  expect(await expectReadable(page.locator('.menu-items button'), 'export menu')).toBe(3);
  await page.getByTestId('export-menu').click();

  // The call graph: its toolbar, legend, the graph area and what is drawn in it, a node's menu.
  await page.getByTestId('view-graph').click();
  const graph = page.getByTestId('callgraph');
  await expect(graph.locator('svg g.node').first()).toBeVisible({ timeout: 30_000 });
  expect(await expectReadable(page.locator(`.graph-view :is(${CONTROLS})`), 'graph toolbar')).toBeGreaterThanOrEqual(6);
  await expectReadable(page.getByTestId('graph-legend').locator('div'), 'graph legend');
  const pageText = parseRgb(await page.locator('body').evaluate((b) => getComputedStyle(b).color));
  const area = parseRgb(await graph.evaluate((g) => getComputedStyle(g).backgroundColor));
  expect(contrast(pageText, area), 'the theme’s text on the graph area').toBeGreaterThanOrEqual(4.5);
  expect(await expectReadable(graph.locator('svg g.node text'), 'graph node label')).toBeGreaterThan(30);
  expect(await expectReadable(graph.locator('svg g.edge text'), 'graph edge label')).toBeGreaterThan(10);
  await graph.locator('svg g.node', { hasText: 'fibHandler' }).first().click();
  await expectReadable(page.getByTestId('graph-node-menu').locator('button, .menu-title, .hint'), 'graph node menu');
  await page.getByTestId('graph-node-menu').getByText('Close').click();

  // A diff: the table's growth and shrinkage, the diff graph's nodes.
  await page.getByTestId('baseline-file-input').setInputFiles({
    name: 'go-cpu-variant.pb.gz',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(PROFILES_DIR, 'go-cpu-variant.pb.gz')),
  });
  await expect(page.getByTestId('diff-description')).toContainText('go-cpu-variant.pb.gz');
  await expect(page.getByTestId('graph-diff-legend')).toBeVisible({ timeout: 30_000 });
  // The diff's own graph (the previous one stays until it is laid out): it has negative values.
  await expect(graph.locator('svg g.node text', { hasText: /^-\d/ }).first()).toBeVisible({ timeout: 30_000 });
  expect(await expectReadable(graph.locator('svg g.node text'), 'diff graph node label')).toBeGreaterThan(30);
  await page.getByTestId('view-top').click();
  await expect(page.getByTestId('diff-row').first()).toBeVisible();
  expect(await expectReadable(page.locator('.diff-table .grew'), 'growth')).toBeGreaterThan(3);
  expect(await expectReadable(page.locator('.diff-table .shrank'), 'shrinkage')).toBeGreaterThan(3);

  // The explorer's controls.
  await page.getByTestId('mode-explore').click();
  await expect(page.getByTestId('selector-text').or(page.getByTestId('service')).first()).toBeVisible();
  expect(await expectReadable(page.locator(CONTROLS), 'explorer control')).toBeGreaterThan(5);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copied-link')).toBeVisible();
  expect(await expectReadable(page.getByTestId('copied-link'), 'copied link')).toBe(1);
});
