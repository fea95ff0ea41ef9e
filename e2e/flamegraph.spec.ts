import { expect, test } from '@playwright/test';
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGzip } from '../src/common/gzip';
import { EXPECTED_DIR, PROFILES_DIR } from '../tests/helpers/corpus';
import { readExpectedTop } from '../tests/helpers/expected';
import { openFixture, trackConsoleErrors } from './helpers';
import { ROW, findFrame, hover, waitForDraw } from './flame-helpers';

const FIXTURE = 'go-cpu.pb.gz';
const BASE = process.env.E2E_BASE_URL!;
const CPU_TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';

/** Σ cpu (sample type 1) of the samples where some frame's function name matches `re`. */
function coveredBy(re: RegExp): { covered: number; total: number } {
  let bytes = new Uint8Array(readFileSync(join(PROFILES_DIR, FIXTURE)));
  if (isGzip(bytes)) bytes = gunzipSync(bytes);
  const p = Profile.decode(bytes);
  const str = p.stringTable.strings;
  const fnName = new Map(p.function.map((f) => [Number(f.id), str[Number(f.name)]!]));
  const locMatches = new Map(
    p.location.map((l) => [Number(l.id), l.line.some((ln) => re.test(fnName.get(Number(ln.functionId)) ?? ''))]),
  );
  let covered = 0;
  let total = 0;
  for (const s of p.sample) {
    const v = Number(s.value[1]);
    total += v;
    if (s.locationId.some((id) => locMatches.get(Number(id)))) covered += v;
  }
  return { covered, total };
}

test.describe('flame graph', () => {
  test('shows the profile, with tooltips that agree with pprof', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const { total } = coveredBy(/$^/);
    // The page's User Timing marks (what DevTools' Performance panel shows), in order.
    const marks = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .map((m) => m.name)
        .filter((n) => n.startsWith('flamelens:')),
    );
    expect(marks.slice(0, 3)).toEqual(['flamelens:page:open', 'flamelens:page:opened', 'flamelens:page:drawn']);

    // The root frame holds the whole profile.
    await hover(page, 'flamegraph', { x: 5, y: ROW / 2 });
    await expect(page.getByTestId('tooltip-name')).toHaveText('all');
    await expect(page.getByTestId('tooltip-total')).toHaveAttribute('data-value', String(total));
    await expect(page.getByTestId('tooltip-total-pct')).toHaveText('100.00% of profile');

    // main.checksumHandler has one call site, so one frame: its total is pprof's cum and
    // its self pprof's flat.
    const top = readExpectedTop(join(EXPECTED_DIR, FIXTURE, '1.cpu.top.txt'));
    const fn = top.parsed.find((r) => r.name === 'main.checksumHandler')!;
    const at = await findFrame(page, 'main.checksumHandler');
    await hover(page, 'flamegraph', at);
    const ns = (s: string) => (s === '0' ? 0 : Math.round(parseFloat(s) * (s.endsWith('ms') ? 1e6 : 1e9)));
    await expect(page.getByTestId('tooltip-total')).toHaveAttribute('data-value', String(ns(fn.cum)));
    await expect(page.getByTestId('tooltip-self')).toHaveAttribute('data-value', String(ns(fn.flat)));
    await expect(page.getByTestId('tooltip-total')).toHaveText(fn.cum);
    await expect(page.getByTestId('tooltip-total-pct')).toHaveText(`${((ns(fn.cum) / total) * 100).toFixed(2)}% of profile`);
    expect(errors).toEqual([]);
  });

  test('zooms into a frame and back out, by click, Esc and reset', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const canvas = page.getByTestId('flamegraph');
    const at = await findFrame(page, 'main.checksumHandler');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect(canvas).not.toHaveAttribute('data-zoom-frame', '0');
    // Zoomed: the frame fills the width, so its right edge shows it too.
    await page.mouse.move(box.x + box.width - 4, box.y + at.y);
    await expect(page.getByTestId('tooltip-name')).toHaveText('main.checksumHandler');
    await expect(page.getByTestId('tooltip-total-pct')).not.toHaveText('100.00% of profile');
    // Its ancestors stay above as a breadcrumb: clicking the root zooms out.
    await page.mouse.click(box.x + 5, box.y + ROW / 2);
    await expect(canvas).toHaveAttribute('data-zoom-frame', '0');
    // Esc zooms out one level; reset goes back to the whole profile.
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect(canvas).not.toHaveAttribute('data-zoom-frame', '0');
    const deep = (await canvas.getAttribute('data-zoom-frame'))!;
    await page.getByTestId('flame-scroll').focus();
    await page.keyboard.press('Escape');
    await expect(canvas).not.toHaveAttribute('data-zoom-frame', deep);
    // One level up: the parent of main.checksumHandler (main.handle) fills the width.
    await page.mouse.move(box.x + box.width - 4, box.y + at.y - ROW);
    await expect(page.getByTestId('tooltip-name')).toHaveText('main.handle');
    await page.getByTestId('zoom-reset').click();
    await expect(canvas).toHaveAttribute('data-zoom-frame', '0');
    // The zoom survives a sample-type switch when the frame still exists.
    await page.mouse.click(box.x + at.x, box.y + at.y);
    const zoomed = await canvas.getAttribute('data-zoom-frame');
    await page.getByTestId('sample-type').selectOption({ label: 'samples/count' });
    await expect(canvas).not.toHaveAttribute('data-zoom-frame', '0');
    await page.mouse.move(box.x + box.width - 4, box.y + at.y);
    await expect(page.getByTestId('tooltip-name')).toHaveText('main.checksumHandler');
    expect(zoomed).not.toBeNull();
  });

  test('search highlights matches and counts each sample once', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    await page.keyboard.press('/');
    await expect(page.getByTestId('flame-search')).toBeFocused();
    await page.getByTestId('search-regex').check();
    // main.checksum calls main.mix, which calls main.rotl: samples with both count once.
    await page.getByTestId('flame-search').fill('main\\.checksum$|\\.rotl');
    const { covered, total } = coveredBy(/main\.checksum$|\.rotl/);
    expect(covered).toBeLessThan(total);
    const summary = page.getByTestId('search-summary');
    await expect(summary).toHaveAttribute('data-covered', String(covered));
    await expect(summary).toHaveAttribute('data-functions', '2');
    await expect(summary).toContainText(`(${((covered / total) * 100).toFixed(2)}% of total)`);
    // Substring mode escapes the text; case-insensitive by default.
    await page.getByTestId('search-regex').uncheck();
    await page.getByTestId('flame-search').fill('MAIN.FIB');
    await expect(summary).toHaveAttribute('data-covered', String(coveredBy(/main\.fib/i).covered));
    await page.getByTestId('search-case').check();
    await expect(summary).toHaveAttribute('data-functions', '0');
  });

  test('sandwich view shows the callers of a function', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const at = await findFrame(page, 'runtime.asyncPreempt');
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
    await page.getByTestId('frame-menu').getByText('Sandwich view').click();
    await expect(page.getByTestId('sandwich-name')).toHaveText('runtime.asyncPreempt');
    await waitForDraw(page, 'sandwich-callers');
    // pprof -tree lists runtime.asyncPreempt's callers: slices.partitionOrdered 30ms, main.mix 10ms.
    const big = await findFrame(page, 'slices.partitionOrdered[go.shape.int]', 'sandwich-callers');
    await hover(page, 'sandwich-callers', big);
    await expect(page.getByTestId('tooltip-total')).toHaveAttribute('data-value', String(30e6));
    const small = await findFrame(page, 'main.mix', 'sandwich-callers');
    await hover(page, 'sandwich-callers', small);
    await expect(page.getByTestId('tooltip-total')).toHaveAttribute('data-value', String(10e6));
    expect(big.x).toBeLessThan(small.x); // the larger caller comes first
    await page.getByTestId('sandwich-close').click();
    await waitForDraw(page);
  });

  test('both layout: hovering a table row outlines its frames, clicking a frame selects its row', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-both').click();
    const draws = await waitForDraw(page);
    await page.locator('[data-testid="top-row"][data-name="main.fib"]').hover();
    await waitForDraw(page, 'flamegraph', draws + 1);
    const at = await findFrame(page, 'main.rotl');
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect(page.locator('[data-testid="top-row"][aria-selected="true"]')).toHaveAttribute('data-name', 'main.rotl');
  });

  test('exports PNG, pprof and folded stacks', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const { total } = coveredBy(/$^/);
    // The page's User Timing marks (what DevTools' Performance panel shows), in order.
    const marks = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .map((m) => m.name)
        .filter((n) => n.startsWith('flamelens:')),
    );
    expect(marks.slice(0, 3)).toEqual(['flamelens:page:open', 'flamelens:page:opened', 'flamelens:page:drawn']);
    for (const [id, suffix] of [
      ['export-png', '.flamegraph.png'],
      ['export-pprof', '.pb.gz'],
      ['export-folded', '.folded.txt'],
    ] as const) {
      await page.getByTestId('export-menu').click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(suffix.replace('.', '\\.') + '$'));
      const body = readFileSync((await download.path())!);
      if (id === 'export-png') expect(body.subarray(1, 4).toString()).toBe('PNG');
      if (id === 'export-pprof') {
        const p = Profile.decode(gunzipSync(new Uint8Array(body)));
        expect(p.sample.reduce((a, s) => a + Number(s.value[1]), 0)).toBe(total);
      }
      if (id === 'export-folded') {
        const lines = body.toString().trim().split('\n');
        expect(lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(total);
      }
    }
  });

  test('shortcuts act only on the focused view, never in the search box, a select or the frame menu', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const canvas = page.getByTestId('flamegraph');
    const box = (await canvas.boundingBox())!;
    const at = await findFrame(page, 'main.checksumHandler');
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect(canvas).not.toHaveAttribute('data-zoom-frame', '0');
    const zoomed = (await canvas.getAttribute('data-zoom-frame'))!;
    await expect(page.getByTestId('flame-scroll')).toBeFocused();

    // In the search box every key is text: "s" is a letter, arrows move the caret, Enter does not zoom.
    const search = page.getByTestId('flame-search');
    await search.click();
    await page.keyboard.type('Hash');
    await expect(search).toHaveValue('Hash');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.keyboard.type('X');
    // Once X is in, the keys before it have been handled.
    await expect(search).toHaveValue('HaXsh');
    await expect(page.getByTestId('sandwich')).toHaveCount(0);
    await expect(canvas).toHaveAttribute('data-zoom-frame', zoomed);
    await search.fill('');

    // In a select, arrows choose an option.
    await page.getByTestId('color-mode').focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('color-mode')).toHaveValue('self');
    await expect(canvas).toHaveAttribute('data-zoom-frame', zoomed);

    // The frame menu has the keyboard: arrows move between its items, Enter acts.
    await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
    const menu = page.getByTestId('frame-menu');
    await expect(menu.getByRole('menuitem').first()).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Sandwich view' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('sandwich-name')).toHaveText('main.checksumHandler');
    await expect(menu).toHaveCount(0);
    // The sandwich has the keyboard: Escape goes back to the flame graph, which has it again.
    await page.keyboard.press('Escape');
    await waitForDraw(page);
    await expect(page.getByTestId('flame-scroll')).toBeFocused();
    await expect(canvas).toHaveAttribute('data-zoom-frame', zoomed);
    // On the view, the shortcuts work: "s" opens the focused frame's sandwich, Escape zooms out.
    await page.keyboard.press('s');
    await expect(page.getByTestId('sandwich-name')).toHaveText('main.checksumHandler');
    await page.keyboard.press('Escape');
    await waitForDraw(page);
    await page.keyboard.press('Escape');
    await expect(canvas).not.toHaveAttribute('data-zoom-frame', zoomed);
  });

  test('the frame menu is on top, and the tooltip hides while it is open', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    const at = await findFrame(page, 'main.checksumHandler');
    await expect(page.getByTestId('flame-tooltip')).toBeVisible();
    await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
    const menu = page.getByTestId('frame-menu');
    await expect(menu).toBeVisible();
    await expect(page.getByTestId('flame-tooltip')).toHaveCount(0);
    // Nothing covers an item: the element under its middle is the item.
    for (const item of await menu.getByRole('menuitem').all()) {
      const b = (await item.boundingBox())!;
      const under = await page.evaluate(
        ([x, y]) => document.elementFromPoint(x!, y!)?.textContent,
        [b.x + b.width / 2, b.y + b.height / 2],
      );
      expect(under).toBe(await item.textContent());
    }
    // Hovering other frames on the way to the menu shows no tooltip either; closed, it comes back.
    await page.mouse.move(box.x + 5, box.y + ROW / 2);
    await menu.getByRole('menuitem').first().hover();
    await expect(page.getByTestId('flame-tooltip')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
    await hover(page, 'flamegraph', { x: at.x + 1, y: at.y });
    await expect(page.getByTestId('tooltip-name')).toHaveText('main.checksumHandler');
  });

  test('sandwich: the function sits at the inner edge of both halves, callers above it, no "all" frame', async ({ page }) => {
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const at = await findFrame(page, 'runtime.asyncPreempt');
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
    await page.getByTestId('frame-menu').getByText('Sandwich view').click();
    await waitForDraw(page, 'sandwich-callers');
    await waitForDraw(page, 'sandwich-callees');
    const tooltipOf = (testId: string) => page.getByTestId(testId).locator('..').getByTestId('tooltip-name');
    // The callers' bottom row, all its width, is the function (40ms, all of it), right above the callees.
    const callers = (await page.getByTestId('sandwich-callers').boundingBox())!;
    for (const x of [3, callers.width / 2, callers.width - 3]) {
      await hover(page, 'sandwich-callers', { x, y: callers.height - ROW / 2 });
      await expect(tooltipOf('sandwich-callers')).toHaveText('runtime.asyncPreempt');
      await expect(page.getByTestId('tooltip-total')).toHaveAttribute('data-value', String(40e6));
    }
    const callees = (await page.getByTestId('sandwich-callees').boundingBox())!;
    expect(callees.y).toBeGreaterThanOrEqual(callers.y + callers.height);
    await hover(page, 'sandwich-callees', { x: callees.width / 2, y: ROW / 2 });
    await expect(tooltipOf('sandwich-callees')).toHaveText('runtime.asyncPreempt');
    // Callers read upwards, to the stacks' root at the far end.
    const caller = await findFrame(page, 'slices.partitionOrdered[go.shape.int]', 'sandwich-callers');
    const root = await findFrame(page, 'runtime.main', 'sandwich-callers');
    expect(caller.y).toBe(callers.height - ROW - ROW / 2);
    expect(root.y).toBeLessThan(caller.y);
  });

  test('exports are named for a file system: service and type, no spaces or "·"', async ({ page }) => {
    const service = `export-svc-${Date.now().toString(36)}`;
    const url = `${BASE}/ingest?name=${encodeURIComponent(`${service}{pod="a"}`)}&from=${Date.now() - 60_000}&format=pprof`;
    expect((await fetch(url, { method: 'POST', body: readFileSync(join(PROFILES_DIR, FIXTURE)) })).status).toBe(200);
    await page.goto(
      `/?type=${encodeURIComponent(CPU_TYPE)}&query=${encodeURIComponent(`{service_name="${service}"}`)}&view=flame`,
    );
    await waitForDraw(page);
    for (const [id, name] of [
      ['export-png', `${service}-cpu.flamegraph.png`],
      ['export-pprof', `${service}-cpu.pb.gz`],
      ['export-folded', `${service}-cpu.folded.txt`],
    ] as const) {
      await page.getByTestId('export-menu').click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
      expect(download.suggestedFilename()).toBe(name);
    }
    await page.getByTestId('view-graph').click();
    const [dot] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-dot').click()]);
    expect(dot.suggestedFilename()).toBe(`${service}-cpu.dot`);
  });
});
