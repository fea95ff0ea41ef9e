import { type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR, TESTDATA } from '../tests/helpers/corpus';
import { type ExpectedRoutine, parseList, readListCases, valueOrDot } from '../tests/helpers/list';
import { openFixture, trackConsoleErrors } from './helpers';

/** Opens a corpus file and waits for it (whatever view the link shows). */
async function openFile(page: Page, name: string) {
  await page.getByTestId('file-input').setInputFiles(join(PROFILES_DIR, name));
  await expect(page.getByTestId('profile-name')).toHaveText(name);
}
import { findFrame, waitForDraw } from './flame-helpers';

const SOURCES = join(TESTDATA, 'go');
const CASES = readListCases(join(TESTDATA, 'list-cases.txt'));

/** go tool pprof -list's output for a case of testdata/list-cases.txt. */
function golden(name: string) {
  const c = CASES.find((x) => x.name === name)!;
  return { ...c, ...parseList(readFileSync(join(TESTDATA, 'expected-list', `${name}.txt`), 'utf8')) };
}

/** A routine's rows as shown: line number, values (pprof's way: "." for 0) and source text. */
async function shownRows(page: Page, routine: string, unit: string) {
  const section = page.locator(`[data-testid="source-routine"][data-name="${routine}"]`);
  await expect(section).toBeVisible();
  const rows = await section.getByTestId('source-line').evaluateAll((els) =>
    els.map((el) => ({
      line: Number(el.getAttribute('data-line')),
      flat: Number(el.getAttribute('data-flat')),
      cum: Number(el.getAttribute('data-cum')),
      text: el.querySelector('[data-col="text"]')?.textContent ?? '',
    })),
  );
  return rows.map((r) => ({ line: r.line, flat: valueOrDot(r.flat, unit), cum: valueOrDot(r.cum, unit), text: r.text }));
}

async function expectRoutines(page: Page, routines: ExpectedRoutine[], unit: string) {
  await expect(page.getByTestId('source-routine')).toHaveCount(routines.length);
  for (const r of routines) {
    await expect(
      page.locator(`[data-testid="source-routine"][data-name="${r.name}"] [data-testid="source-origin"]`),
    ).toHaveAttribute('data-from', /folder|server/);
    // Polled: the previous listing stays on screen until the new one comes.
    await expect.poll(() => shownRows(page, r.name, unit), { message: r.name }).toEqual(r.lines);
  }
}

async function pickSourceFolder(page: Page) {
  await page.getByTestId('source-dir-input').setInputFiles(SOURCES);
  await expect(page.getByTestId('source-folder')).toContainText('“go”');
}

test.describe('Source view', () => {
  test('from the flame graph menu, with the picked folder: every row is go tool pprof -list', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu.pb.gz');
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    const at = await findFrame(page, 'main.checksum');
    const box = (await page.getByTestId('flamegraph').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y, { button: 'right' });
    await page.getByTestId('frame-menu').getByText('Show source').click();
    await expect(page.getByTestId('view-source')).toHaveAttribute('aria-pressed', 'true');
    expect(new URL(page.url()).searchParams.get('list')).toBe('^main\\.checksum$');
    // Before a folder is picked, the server's source folders (FLAMELENS_SOURCE_PATH) have it.
    const origin = page.locator('[data-testid="source-routine"][data-name="main.checksum"] [data-testid="source-origin"]');
    await expect(origin).toHaveAttribute('data-from', 'server');

    await pickSourceFolder(page);
    const checksum = golden('cpu-checksum');
    await expect(page.getByTestId('source-total')).toContainText(`Total: ${checksum.total}`);
    await expect(origin).toHaveAttribute('data-from', 'folder');
    await expect(origin).toContainText('go/cpu.go');
    await expectRoutines(page, checksum.routines, 'nanoseconds');
    // The header is pprof's: Σ flat, Σ cum and its share of the total.
    const head = checksum.routines[0]!;
    await expect(page.getByTestId('source-totals')).toContainText(`${head.flat} flat, ${head.cum} cum`);
    await expect(page.getByTestId('source-totals')).toContainText(`${head.percent!.trim()} of ${checksum.total}`);
    // The hottest line is marked.
    await expect(page.locator('[data-testid="source-line"][data-hot="1"]').first()).toHaveAttribute('data-line', '98');

    // Another function by regexp: recursion counts each sample once per line, as pprof does.
    for (const name of ['cpu-fib', 'cpu-parser']) {
      const g = golden(name);
      await page.getByTestId('source-list-input').fill(g.regexp);
      await page.getByTestId('source-list-input').press('Enter');
      await expectRoutines(page, g.routines, 'nanoseconds');
    }
    expect(errors).toEqual([]);
  });

  test('view=source&list=… round-trips through the URL; a heap profile matches too', async ({ page, context }) => {
    // go-heap's default sample type is inuse_space (index 3), the case's.
    const g = golden('heap-buildtree-inuse');
    await page.goto(`/?mode=file&view=source&list=${encodeURIComponent(g.regexp)}`);
    await openFile(page, g.profile);
    await expect(page.getByTestId('source-list-input')).toHaveValue(g.regexp);
    await pickSourceFolder(page);
    await expectRoutines(page, g.routines, 'bytes');

    const other = golden('heap-encode');
    await page.getByTestId('source-list-input').fill(other.regexp);
    await page.getByTestId('source-list-input').press('Enter');
    await page.getByTestId('sample-type').selectOption(String(other.sampleIndex));
    await expectRoutines(page, other.routines, 'bytes');
    const url = new URL(page.url());
    expect(url.searchParams.get('view')).toBe('source');
    expect(url.searchParams.get('list')).toBe(other.regexp);
    // The same link in a new page, given its file and the folder again, shows the same rows.
    const again = await context.newPage();
    await again.goto(url.pathname + url.search);
    await openFile(again, other.profile);
    await pickSourceFolder(again);
    await expectRoutines(again, other.routines, 'bytes');
    // Back goes to the previous function.
    await page.goBack();
    await page.goBack();
    await expect(page.getByTestId('source-list-input')).toHaveValue(g.regexp);
  });

  test('a diff: per-line baseline, comparison and change; the change is go tool pprof -diff_base -list', async ({ page }) => {
    const g = golden('diff-cpu');
    await page.goto('/?mode=file');
    await openFixture(page, g.profile);
    await page.getByTestId('baseline-file-input').setInputFiles(join(PROFILES_DIR, g.base!));
    await expect(page.getByTestId('diff-description')).toContainText(g.base!);
    // A row selected in the table is the function the Source view opens on.
    await page.locator('[data-testid="diff-row"][data-name="main.fib"]').click();
    await page.getByTestId('view-source').click();
    await expect(page.getByTestId('source-list-input')).toHaveValue('^main\\.fib$');
    await expect(page.locator('[data-testid="source-routine"][data-name="main.fib"]')).toBeVisible();
    await page.getByTestId('source-list-input').fill(g.regexp);
    await page.getByTestId('source-list-input').press('Enter');
    await pickSourceFolder(page);
    await expectRoutines(page, g.routines, 'nanoseconds');
    // Each changed line has both sides, their difference, and the diff flame graph's color.
    const line = page.locator(
      '[data-testid="source-routine"][data-name="main.checksum"] [data-testid="source-line"][data-line="98"]',
    );
    const attr = async (a: string) => Number(await line.getAttribute(`data-${a}`));
    expect((await attr('next-cum')) - (await attr('base-cum'))).toBe(await attr('cum'));
    expect(await attr('cum')).toBeLessThan(0);
    expect(await line.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
  });

  test('without a line table it says why; a file found nowhere shows numbers and how to supply it', async ({ page, request }) => {
    await page.goto('/?mode=file&view=source&list=handle');
    await openFile(page, 'pyspy.pb.gz');
    await expect(page.getByTestId('source-no-line-table')).toContainText('no line table');
    await expect(page.getByTestId('source-no-file')).toBeVisible();

    const g = golden('cpu-runtime-main');
    await openFile(page, g.profile);
    await page.getByTestId('source-list-input').fill(g.regexp);
    await page.getByTestId('source-list-input').press('Enter');
    const origin = page.getByTestId('source-origin');
    await expect(origin).toHaveAttribute('data-from', 'none');
    await expect(origin).toContainText('FLAMELENS_SOURCE_PATH');
    const rows = page.getByTestId('source-line');
    await expect(rows.first()).toBeVisible();
    expect(Number(await rows.first().getAttribute('data-line'))).toBeGreaterThan(0);

    // The server's source folders refuse ../ escapes.
    const escape = await request.get(`/source?${new URLSearchParams({ path: '../package.json' })}`);
    expect(escape.status()).toBe(400);
  });
});
