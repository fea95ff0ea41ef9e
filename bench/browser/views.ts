/**
 * The other views of an open file: the call graph (build + Graphviz layout), the call tree (open,
 * expand all, scroll) and the diff of the file with itself.
 */
import type { Page } from 'playwright-core';
import { type Stats, stats } from '../lib/report';
import type { BenchState } from './page-hooks';
import { FIRST_DRAW_TIMEOUT, STEP_TIMEOUT, bench, withTimeout } from './session';

interface GraphRun {
  ms: number;
  frameMs: number;
  nodes: number;
}

export interface GraphResult {
  runs: GraphRun[];
  /** The first run (Graphviz not yet started in the worker). */
  first?: GraphRun;
  warm?: Stats;
  all: Stats;
  error?: string;
}

export interface TreeResult {
  openMs: number;
  rowsBefore: number;
  rowsSelected: number;
  rowsAfter?: number;
  expandAllMs?: number;
  expandAllFrameMs?: number;
  scrollToEndMs?: number;
  error?: string;
}

export interface DiffResult {
  drawMs: number;
  frameMs: number;
}

/** View → graph until an SVG node exists, back to the flame graph, `runs` times. */
export async function graphRuns(page: Page, runs: number): Promise<GraphResult> {
  const out: GraphRun[] = [];
  let error: string | undefined;
  for (let r = 0; r < runs; r++) {
    await page.evaluate(() => {
      const w = window as Window & { __graphMark?: { t: number; frame?: number } | null };
      w.__graphMark = null;
      const mo = new MutationObserver(() => {
        if (w.__graphMark) return;
        if (document.querySelector('[data-testid="callgraph"] svg g.node')) {
          const m: { t: number; frame?: number } = { t: performance.now() };
          w.__graphMark = m;
          requestAnimationFrame(() => (m.frame = performance.now()));
          mo.disconnect();
        }
      });
      mo.observe(document.body, { childList: true, subtree: true });
    });
    const clicks = (await bench(page)).clicks.length;
    await page.click('[data-testid="view-graph"]', { timeout: STEP_TIMEOUT });
    try {
      await page.waitForFunction(
        () => {
          const m = (window as Window & { __graphMark?: { t: number; frame?: number } | null }).__graphMark;
          return (
            (m && m.frame !== undefined) || document.querySelector('.graph-view [data-testid="error"], [role="alert"]') !== null
          );
        },
        undefined,
        { timeout: STEP_TIMEOUT, polling: 50 },
      );
    } catch (e) {
      error = e instanceof Error ? e.message.split('\n')[0] : String(e);
      break;
    }
    const res = await page.evaluate((c) => {
      const w = window as Window & { __graphMark?: { t: number; frame?: number } | null; __bench?: BenchState };
      const m = w.__graphMark;
      const click = w.__bench!.clicks[c]!;
      return m
        ? {
            ms: m.t - click,
            frameMs: m.frame! - click,
            nodes: document.querySelectorAll('[data-testid="callgraph"] svg g.node').length,
          }
        : null;
    }, clicks);
    if (!res) {
      error = (
        await page
          .locator('[role="alert"]')
          .first()
          .innerText()
          .catch(() => 'no graph')
      ).slice(0, 200);
      break;
    }
    out.push(res);
    // Back to the flame graph (its tree is cached in the worker), then the next graph run.
    const draws = (await bench(page)).marks.filter((m) => m.id === 'flamegraph').length;
    await page.click('[data-testid="view-flame"]', { timeout: STEP_TIMEOUT });
    await page
      .waitForFunction(
        ([d]) => (window as Window & { __bench?: BenchState }).__bench!.marks.filter((m) => m.id === 'flamegraph').length > d!,
        [draws],
        { timeout: STEP_TIMEOUT, polling: 50 },
      )
      .catch(() => {});
  }
  return {
    runs: out,
    first: out[0],
    warm: out.length > 1 ? stats(out.slice(1).map((x) => x.ms)) : undefined,
    all: stats(out.map((x) => x.ms)),
    error,
  };
}

/**
 * Issue 6: the diff of the open file with itself as the baseline. Back to the flame view, then
 * the same file given to the baseline input; time from that input's change event to the first
 * draw of the diff flame graph (both files are read again: the baseline by the second worker).
 */
export async function diffFirstDraw(page: Page, file: string): Promise<DiffResult> {
  await page.getByTestId('view-flame').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="flamegraph"]')?.getAttribute('data-draws') ?? 0) >= 1,
    undefined,
    { timeout: STEP_TIMEOUT },
  );
  const changesBefore = (await bench(page)).change.length;
  await page.setInputFiles('[data-testid="baseline-file-input"]', file, { timeout: STEP_TIMEOUT });
  await page.waitForFunction(
    (n) => {
      const B = (window as Window & { __bench?: BenchState }).__bench!;
      const t = B.change[n];
      return (
        t !== undefined &&
        document.querySelector('[data-testid="diff-legend"]') !== null &&
        B.marks.some((m) => m.id === 'flamegraph' && m.attr === 'data-draws' && m.t > t && m.nextFrame !== undefined)
      );
    },
    changesBefore,
    { timeout: FIRST_DRAW_TIMEOUT * 2, polling: 100 },
  );
  const B = await bench(page);
  const t = B.change[changesBefore]!;
  const m = B.marks.find((x) => x.id === 'flamegraph' && x.attr === 'data-draws' && x.t > t)!;
  return { drawMs: m.t - t, frameMs: m.nextFrame! - t };
}

/** View → call tree; select the first row (opens it); expand all below it; time to data-rows change. */
export async function treeExpandAll(page: Page): Promise<TreeResult> {
  const marks = async () => (await bench(page)).marks.filter((m) => m.attr === 'data-rows');
  const clicks0 = (await bench(page)).clicks.length;
  await page.click('[data-testid="view-tree"]', { timeout: STEP_TIMEOUT });
  await page.locator('[data-testid="call-tree-body"]').waitFor({ timeout: STEP_TIMEOUT });
  const openMs = await page.evaluate((c) => {
    const B = (window as Window & { __bench?: BenchState }).__bench!;
    return performance.now() - B.clicks[c]!;
  }, clicks0);
  const rowsBefore = Number(await page.locator('[data-testid="call-tree-body"]').getAttribute('data-rows'));
  // Select the first row (a click also opens it).
  let n = (await marks()).length;
  await page.locator('[data-testid="tree-row"]').first().click({ timeout: STEP_TIMEOUT });
  await page
    .waitForFunction(
      ([k]) => (window as Window & { __bench?: BenchState }).__bench!.marks.filter((m) => m.attr === 'data-rows').length > k!,
      [n],
      { timeout: STEP_TIMEOUT, polling: 50 },
    )
    .catch(() => {});
  const rowsSelected = Number(await page.locator('[data-testid="call-tree-body"]').getAttribute('data-rows'));
  n = (await marks()).length;
  const clicks = (await bench(page)).clicks.length;
  await page.click('[data-testid="tree-expand-all"]', { timeout: STEP_TIMEOUT });
  let error: string | undefined;
  await page
    .waitForFunction(
      ([k]) => {
        const ms = (window as Window & { __bench?: BenchState }).__bench!.marks.filter((m) => m.attr === 'data-rows');
        return ms.length > k! && ms[ms.length - 1]!.nextFrame !== undefined;
      },
      [n],
      { timeout: STEP_TIMEOUT, polling: 50 },
    )
    .catch((e: unknown) => (error = e instanceof Error ? e.message.split('\n')[0] : String(e)));
  if (error) return { openMs, rowsBefore, rowsSelected, error };
  const B = await bench(page);
  const click = B.clicks[clicks]!;
  const m = B.marks.filter((x) => x.attr === 'data-rows')[n]!;
  // Scroll to the end of the expanded tree: time for the virtualized list to render there.
  const scrollMs = await withTimeout(
    page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const body = document.querySelector<HTMLElement>('[data-testid="call-tree-body"]')!;
          const t = performance.now();
          body.scrollTop = body.scrollHeight;
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
        }),
    ),
    STEP_TIMEOUT,
    'tree scroll',
  );
  return {
    openMs,
    rowsBefore,
    rowsSelected,
    rowsAfter: m.n,
    expandAllMs: m.t - click,
    expandAllFrameMs: m.nextFrame! - click,
    scrollToEndMs: scrollMs,
  };
}
