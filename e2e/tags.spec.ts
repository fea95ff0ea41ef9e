import { type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPECTED_TAGS_DIR, PROFILES_DIR, readExpectedText } from '../tests/helpers/corpus';
import { parseExpectedTags, parseExpectedTop } from '../tests/helpers/expected';
import { openFixture, trackConsoleErrors, visibleRows } from './helpers';
import { ROW, waitForDraw } from './flame-helpers';

// go-cpu.pb.gz carries pprof.Do labels handler (checksum, fib, parse, sort) and tenant.
const FIXTURE = 'go-cpu.pb.gz';
const expectedTags = (variant: string) => parseExpectedTags(readExpectedText(join(EXPECTED_TAGS_DIR, variant, 'tags.txt')));
const expectedTop = (variant: string) => parseExpectedTop(readExpectedText(join(EXPECTED_TAGS_DIR, variant, 'top.txt')));

/**
 * The tags view's rows of one key, as shown: value, weight (Δ in a diff) and percentage, the
 * last two numeric cells (a diff shows each side's weight before them).
 */
async function tagRows(page: Page, key: string) {
  return page.locator(`[data-testid="tag-row"][data-key="${key}"]`).evaluateAll((els) =>
    els.map((el) => {
      const cells = Array.from(el.querySelectorAll('td.num')).map((c) => (c as HTMLElement).innerText);
      return { name: el.getAttribute('data-value') ?? '', weight: cells.at(-2) ?? '', percent: cells.at(-1) ?? '' };
    }),
  );
}

/**
 * The tags view shows what `go tool pprof -tags` printed for a variant, key by key (but for the
 * pprof::base key that pprof gives a diff's baseline: the view leaves it out).
 */
async function expectTagsView(page: Page, variant: string) {
  const expected = expectedTags(variant).filter((k) => k.key !== 'pprof::base');
  await expect(page.getByTestId('tag-key')).toHaveCount(expected.length);
  for (const k of expected) {
    await expect.poll(() => tagRows(page, k.key)).toEqual(k.values.map((v) => ({ ...v, percent: v.percent.trim() })));
  }
}

test.describe('pprof tag options', () => {
  test('the tags view is pprof -tags; a click on a value is tagfocus, and the top table is pprof’s', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file&view=top');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-tags').click();
    await expectTagsView(page, 'go-cpu.plain');

    // A click keeps only that value's samples: tagfocus, in the URL under pprof's name.
    await page.locator('[data-testid="tag-row"][data-key="handler"][data-value="fib"]').click();
    await expect(page.getByTestId('filter-chip')).toHaveAttribute('data-kind', 'tagFocus');
    await expect(page.getByTestId('filter-chip')).toHaveText(/^tagfocus=handler=\^fib\$/);
    expect(new URL(page.url()).searchParams.get('tf')).toBe('handler=^fib$');
    // pprof -tagfocus=handler=fib picks the same samples.
    await expectTagsView(page, 'go-cpu.tagfocus');

    await page.getByTestId('view-top').click();
    const top = expectedTop('go-cpu.tagfocus');
    await expect(page.getByTestId('top-count')).toHaveText(`${top.parsed.length} of ${top.parsed.length} rows`);
    const rows = await visibleRows(page);
    expect(rows.map((r) => [r.name, r.cells[0], r.cells[3]])).toEqual(top.parsed.map((r) => [r.name, r.flat, r.cum]));
    await expect(page.getByTestId('top-total')).toHaveText(top.total);
    expect(errors).toEqual([]);
  });

  test('Alt-click and "ignore" drop values (tagignore), as pprof -tagignore does', async ({ page }) => {
    await page.goto('/?mode=file&view=top');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-tags').click();
    const globex = page.locator('[data-testid="tag-row"][data-key="tenant"][data-value="globex"]');
    await globex.click({ modifiers: ['Alt'] });
    await expect(page.getByTestId('filter-chip')).toHaveAttribute('data-kind', 'tagIgnore');
    await expect(globex).toHaveCount(0);
    await page.locator('[data-testid="tag-row"][data-key="tenant"][data-value="initech"]').getByTestId('tag-ignore').click();
    expect(new URL(page.url()).searchParams.get('ti')).toBe('tenant=^globex$,^initech$');
    // pprof -tagignore=tenant=globex|initech drops the same samples.
    await expectTagsView(page, 'go-cpu.tagignore');
    await page.getByTestId('view-top').click();
    const top = expectedTop('go-cpu.tagignore');
    await expect(page.getByTestId('top-count')).toHaveText(`${top.parsed.length} of ${top.parsed.length} rows`);
  });

  test('tagroot puts each handler value at the root: the flame root’s children', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file&view=both');
    await openFixture(page, FIXTURE);
    await page.getByTestId('refine-kind').selectOption('tagroot');
    await page.getByTestId('refine-input').fill('handler');
    await page.getByTestId('refine-add').click();
    await expect(page.getByTestId('filter-chip')).toHaveAttribute('data-kind', 'tagRoot');
    expect(new URL(page.url()).searchParams.get('tagroot')).toBe('handler');
    const handlers = expectedTags('go-cpu.plain').find((k) => k.key === 'handler')!.values;
    await expect(page.locator(`[data-testid="top-row"][data-name="${handlers[0]!.name}"]`)).toHaveCount(1);
    await waitForDraw(page);
    const canvasWidth = (await page.getByTestId('flamegraph').boundingBox())!.width;
    for (const h of handlers) {
      const frames = await page.evaluate((name) => {
        const w = window as unknown as {
          __flamelens: { frames: Record<string, (n: string) => { y: number; width: number }[]> };
        };
        return w.__flamelens.frames.flamegraph!(name);
      }, h.name);
      // One frame per value, on the row under the root (depth 1), as wide as its share.
      expect(
        frames.map((f) => f.y),
        h.name,
      ).toEqual([1.5 * ROW]);
      expect(frames[0]!.width / canvasWidth, h.name).toBeCloseTo(parseFloat(h.percent) / 100, 2);
    }
    // The top table is pprof -tagroot=handler's.
    const top = expectedTop('go-cpu.tagroot');
    await expect(page.getByTestId('top-count')).toHaveText(`${top.parsed.length} of ${top.parsed.length} rows`);
    const rows = await visibleRows(page);
    const byName = new Map(rows.map((r) => [r.name, [r.cells[0], r.cells[3]]]));
    for (const h of handlers) {
      const want = top.parsed.find((r) => r.name === h.name)!;
      expect(byName.get(h.name), h.name).toEqual([want.flat, want.cum]);
    }
    expect(errors).toEqual([]);
  });

  test('in a diff of two files, the tags view is pprof -tags -diff_base, and tagfocus applies to both sides', async ({
    page,
  }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file&view=top');
    await openFixture(page, 'go-cpu-variant.pb.gz');
    await page.getByTestId('baseline-file-input').setInputFiles({
      name: FIXTURE,
      mimeType: 'application/octet-stream',
      buffer: readFileSync(join(PROFILES_DIR, FIXTURE)),
    });
    await expect(page.getByTestId('diff-description')).toContainText(FIXTURE);
    await page.getByTestId('view-tags').click();
    await expectTagsView(page, 'go-cpu.diff-plain');
    await page.locator('[data-testid="tag-row"][data-key="tenant"][data-value="acme"]').click();
    expect(new URL(page.url()).searchParams.get('tf')).toBe('tenant=^acme$');
    await expectTagsView(page, 'go-cpu.diff-tagfocus');
    // The diff table is pprof -diff_base -tagfocus=tenant=acme's.
    await page.getByTestId('view-top').click();
    const top = expectedTop('go-cpu.diff-tagfocus');
    await expect(page.getByTestId('diff-row').first()).toHaveAttribute('data-name', top.parsed[0]!.name);
    const shown = await page.getByTestId('diff-row').evaluateAll((els) =>
      els
        .map((el) => ({ top: parseFloat((el as HTMLElement).style.top), name: el.getAttribute('data-name')! }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.name),
    );
    expect(shown).toEqual(top.parsed.slice(0, shown.length).map((r) => r.name));
    expect(errors).toEqual([]);
  });

  test('the URL round-trips all six tag options', async ({ page }) => {
    const params = {
      tf: 'handler=fib|sort',
      ti: 'tenant=acme',
      ts: 'handler',
      th: 'tenant',
      tagroot: 'tenant',
      tagleaf: 'handler',
    };
    await page.goto(`/?mode=file&view=top&${new URLSearchParams(params)}`);
    await openFixture(page, FIXTURE);
    const chips = page.getByTestId('filter-chip');
    await expect(chips).toHaveCount(6);
    expect(await chips.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual([
      'tagFocus',
      'tagIgnore',
      'tagShow',
      'tagHide',
      'tagRoot',
      'tagLeaf',
    ]);
    await expect(chips.filter({ hasText: 'tagfocus=handler=fib|sort' })).toHaveCount(1);
    // A tenant frame at the root, a handler frame at the leaf of every stack: both are rows.
    await expect(page.locator('[data-testid="top-row"][data-name="globex"]')).toHaveCount(1);
    await expect(page.locator('[data-testid="top-row"][data-name="fib"]')).toHaveCount(1);
    await expect(page.locator('[data-testid="top-row"][data-name="acme"]')).toHaveCount(0);
    // The link that Copy link gives carries all six, and reading it back gives the same screen.
    await page.getByTestId('copy-link').click();
    const link = new URL(await page.getByTestId('copied-link').inputValue());
    for (const [k, v] of Object.entries(params)) expect(link.searchParams.get(k), k).toBe(v);
    // Removing one and adding it again through the refine control gives the same URL.
    await chips.filter({ hasText: 'tagleaf=' }).getByTestId('filter-chip-remove').click();
    await expect(chips).toHaveCount(5);
    await page.getByTestId('refine-kind').selectOption('tagleaf');
    await page.getByTestId('refine-input').fill('handler');
    await page.getByTestId('refine-add').click();
    await expect(chips).toHaveCount(6);
    const again = new URL(page.url());
    for (const [k, v] of Object.entries(params)) expect(again.searchParams.get(k), k).toBe(v);
  });
});
