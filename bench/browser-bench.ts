/**
 * Browser benchmark (issue 3 "Speed" and issue 8 "Speed"): Flamelens and speedscope in real
 * Chromium on the generated benchmark files, in one run.
 *
 *   node --import tsx bench/browser-bench.ts [--sizes 10k,200k,1m] [--runs N | --runs 10k=5,1m=2]
 *        [--speedscope-runs N | 10k=3,...] [--no-build] [--no-speedscope] [--no-diff]
 *   npm run bench -- --only browser
 *
 * What it does:
 *  1. `npx vite build --outDir bench/out/browser-dist` (not dist/, which the e2e tests use), served
 *     by the project's own server (browser/app.ts serveApp: loopback, empty data dir, no demo);
 *     speedscope's built app (node_modules/speedscope/dist/release) from a static loopback server.
 *  2. First draw: a fresh Chromium per run (FLAMELENS_CHROMIUM or /usr/bin/chromium), one page
 *     1280×800. Flamelens: `/?mode=file&view=flame`, setInputFiles on [data-testid=file-input],
 *     until [data-testid=flamegraph] data-draws ≥ 1. speedscope: index.html, setInputFiles on its
 *     input[type=file], until its first WebGL draw call after its own `import` timer ends (see
 *     browser/page-hooks.ts). Both timed in the page (performance.now()): from the input's
 *     `change` event to the draw call returning, and to the next animation frame.
 *     The model floor (model-bench.ts's gunzip + pprof-format decode, in a process of its own:
 *     browser/floor.ts) is measured once before each Flamelens first draw, and "draw / floor"
 *     divides the two medians: on a machine whose speed drifts, a floor from model-bench.json,
 *     measured minutes earlier, is shown beside it but not used.
 *     Peak renderer memory: the renderer process's VmHWM from /proc (browser/procs.ts), read just
 *     after the first draw (+ 500 ms); CDP Performance.getMetrics JSHeapUsedSize (main thread
 *     only; Flamelens decodes in a worker) sampled every 100 ms as a second figure.
 *  3. In the last Flamelens run of each size: 60 hover moves and 20 zoom clicks (10 in, 10 out)
 *     with rAF intervals recorded in the page, per-interaction latency (event → tooltip mutation
 *     or → data-draws mutation), the call graph (view=graph, until [data-testid=callgraph] svg
 *     g.node exists; first = Graphviz cold) and the call tree (view=tree; expand all below the
 *     first row until data-rows changes).
 *  4. large.cpu (issue 8): the same graph measurement.
 * Results: tables on stdout, bench/out/browser-bench.json and bench/out/browser-bench.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { chromiumExecutable } from '../scripts/chromium-path';
import { ensureProfiles } from './generate';
import { VIEWPORT, launchChromium, primePlaywright, serveApp } from './browser/app';
import { FloorProcess, type FloorRun } from './browser/floor';
import { RendererSampler } from './browser/procs';
import { startStaticServer } from './browser/static-server';
import { type BenchState, installPageHooks, startRafRecording, stopRafRecording } from './browser/page-hooks';
import { markdownTable, median, mib, seconds, textTable } from './lib/report';
import { OUT_DIR, REPO_DIR, argValue, parseSizes, profilePath, runsFor } from './lib/sizes';

const LARGE_CPU = join(REPO_DIR, 'testdata', 'profiles', 'large.cpu');
const SPEEDSCOPE_DIR = join(REPO_DIR, 'node_modules', 'speedscope', 'dist', 'release');
const DIST_DIR = join(OUT_DIR, 'browser-dist');
const FIRST_DRAW_TIMEOUT = 120_000;
const STEP_TIMEOUT = 60_000;
const GRAPH_OPTS_TEXT = 'nodecount 80, nodefraction 0.005, edgefraction 0.001 (defaults)';
const HOVERS = 60;
const ZOOMS = 20;

// 10k: first draws of about 0.15 s vary by ±30% on this machine; more runs for a steadier median.
const DEFAULT_RUNS: Record<string, number> = { '10k': 11, '200k': 3, '1m': 2 };
const DEFAULT_SPEEDSCOPE_RUNS: Record<string, number> = { '10k': 3, '200k': 3, '1m': 1 };
const DEFAULT_GRAPH_RUNS: Record<string, number> = { '10k': 3, '200k': 3, '1m': 3, 'large.cpu': 4 };

type Json = Record<string, unknown>;

interface FirstDraw {
  ok: boolean;
  /** 'ok', 'timeout', 'crash', or an error message. */
  status: string;
  /** change event → draw call returned (ms, page clock). */
  drawMs?: number;
  /** change event → next animation frame after the draw. */
  frameMs?: number;
  /** Flamelens: the load itself (change → the app's progress overlay gone) is not separated. */
  importMs?: number;
  wallMs: number;
  peakRendererHwm: number;
  peakRendererRssSampled: number;
  peakJsHeapUsed: number;
}

interface Stats {
  n: number;
  median: number;
  p95: number;
  max: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!);
  return { n: s.length, median: median(s), p95: q(0.95), max: s.length ? s[s.length - 1]! : NaN };
}

function intervals(ts: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < ts.length; i++) out.push(ts[i]! - ts[i - 1]!);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout: ${what} (${ms / 1000} s)`)), ms);
    }),
  ]);
}

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);


async function closeQuietly(browser: Browser): Promise<void> {
  await withTimeout(browser.close(), 20_000, 'browser.close').catch(() => {});
}

/** Samples CDP Performance.getMetrics JSHeapUsedSize every 100 ms (the page's main thread only). */
class HeapSampler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  peak = 0;
  constructor(private readonly cdp: CDPSession) {}
  async start(): Promise<void> {
    await this.cdp.send('Performance.enable');
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.cdp
        .send('Performance.getMetrics')
        .then((r) => {
          const v = r.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
          this.peak = Math.max(this.peak, v);
        })
        .catch(() => {})
        .finally(() => (this.busy = false));
    }, 100);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

const bench = (page: Page) => page.evaluate(() => (window as Window & { __bench?: BenchState }).__bench!);

interface Session {
  browser: Browser;
  page: Page;
  sampler: RendererSampler;
  heap: HeapSampler;
  crashed: () => boolean;
}

async function openSession(url: string): Promise<Session> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    let crashed = false;
    page.on('crash', () => (crashed = true));
    // tsx (esbuild, keepNames) wraps named functions in __name(...); give the page a no-op one.
    await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    await page.addInitScript(installPageHooks);
    await page.goto(url, { timeout: STEP_TIMEOUT });
    await primePlaywright(page);
    const sampler = new RendererSampler(100);
    sampler.start();
    const heap = new HeapSampler(await context.newCDPSession(page));
    await heap.start();
    return { browser, page, sampler, heap, crashed: () => crashed };
  } catch (e) {
    await closeQuietly(browser);
    throw e;
  }
}

async function endSession(s: Session): Promise<void> {
  s.sampler.stop();
  s.heap.stop();
  await closeQuietly(s.browser);
}

/** Gives the page the file and waits for the first draw; memory read 500 ms after it. */
async function firstDraw(s: Session, app: 'flamelens' | 'speedscope', file: string): Promise<FirstDraw> {
  const { page } = s;
  const t0 = performance.now();
  const input = app === 'flamelens' ? '[data-testid="file-input"]' : 'input[type=file]';
  let status = 'ok';
  try {
    await page.setInputFiles(input, file, { timeout: STEP_TIMEOUT });
    const done =
      app === 'flamelens'
        ? () => {
            const B = (window as Window & { __bench?: BenchState }).__bench!;
            const m = B.marks.find((x) => x.attr === 'data-draws' && x.id === 'flamegraph' && x.n >= 1);
            return (m && m.nextFrame !== undefined) || document.querySelector('[data-testid="error"]') !== null;
          }
        : () => {
            const B = (window as Window & { __bench?: BenchState }).__bench!;
            return B.firstGlNextFrame !== null || document.body.innerText.includes('Something went wrong');
          };
    const crash = new Promise<never>((_, reject) => s.page.once('crash', () => reject(new Error('crash'))));
    await Promise.race([page.waitForFunction(done, undefined, { timeout: FIRST_DRAW_TIMEOUT, polling: 50 }), crash]);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    status = s.crashed() || msg === 'crash' ? 'crash' : /timeout/i.test(msg) ? 'timeout' : msg.split('\n')[0]!.slice(0, 200);
  }
  const wallMs = performance.now() - t0;
  let drawMs: number | undefined;
  let frameMs: number | undefined;
  let importMs: number | undefined;
  if (status === 'ok') {
    const B = await withTimeout(bench(page), STEP_TIMEOUT, 'read __bench');
    const change = B.change[0]!;
    if (app === 'flamelens') {
      const err = await page.locator('[data-testid="error"]').count();
      if (err > 0) status = `app error: ${(await page.locator('[data-testid="error"]').first().innerText()).slice(0, 200)}`;
      const m = B.marks.find((x) => x.attr === 'data-draws' && x.id === 'flamegraph' && x.n >= 1);
      if (m) {
        drawMs = m.t - change;
        frameMs = m.nextFrame! - change;
      }
    } else {
      if (B.firstGl === null) status = 'speedscope error';
      else {
        drawMs = Math.max(B.firstGl, B.firstText ?? B.firstGl) - change;
        frameMs = B.firstGlNextFrame! - change;
        importMs = B.importDone! - change;
      }
    }
    await page.waitForTimeout(500);
  }
  s.sampler.tick();
  const peak = s.sampler.peak();
  return {
    ok: status === 'ok',
    status,
    drawMs,
    frameMs,
    importMs,
    wallMs,
    peakRendererHwm: peak.hwmBytes,
    peakRendererRssSampled: peak.sampledRssBytes,
    peakJsHeapUsed: s.heap.peak,
  };
}

/** Hover and zoom on the drawn flame graph; rAF intervals and per-interaction latencies. */
async function interactions(page: Page, seed: number): Promise<Json> {
  let rng = seed >>> 0 || 1;
  const rand = () => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) / 2 ** 32;
  };
  const canvas = page.locator('[data-testid="flamegraph"]');
  await canvas.scrollIntoViewIfNeeded({ timeout: STEP_TIMEOUT });
  const box = (await canvas.boundingBox({ timeout: STEP_TIMEOUT }))!;
  const top = Math.max(box.y, 0);
  const bottom = Math.min(box.y + box.height, VIEWPORT.height);
  const ROW = 18;
  const rowY = (depth: number) => box.y + depth * ROW + ROW / 2;
  const visibleRows = Math.max(1, Math.floor((bottom - top) / ROW) - 1);

  // Hover: moves over rows 1..min(25, visible) at random x, 40 ms apart.
  await page.evaluate(() => {
    const B = (window as Window & { __bench?: BenchState }).__bench!;
    B.moves.length = 0;
    B.tooltip.length = 0;
  });
  await page.evaluate(startRafRecording);
  for (let i = 0; i < HOVERS; i++) {
    const depth = 1 + Math.floor(rand() * Math.min(25, visibleRows - 1));
    await page.mouse.move(box.x + 2 + rand() * (box.width - 4), rowY(depth));
    await page.waitForTimeout(40);
  }
  await page.waitForTimeout(100);
  const hoverRafs = await page.evaluate(stopRafRecording);
  const hb = await bench(page);
  // Latency of a move: its mousemove event → the first tooltip mutation after it (before the next move).
  const hoverLatency: number[] = [];
  for (let i = 0; i < hb.moves.length; i++) {
    const a = hb.moves[i]!;
    const b = hb.moves[i + 1] ?? Infinity;
    const m = hb.tooltip.find((t) => t >= a && t < b);
    if (m !== undefined) hoverLatency.push(m - a);
  }

  // Zoom: 10 × (click a frame at depth 3..8 → zoomed in; click the root row → zoomed out).
  await page.mouse.move(0, 0);
  const zoomLatency: number[] = [];
  const zoomFrame: number[] = [];
  let skipped = 0;
  await page.evaluate(startRafRecording);
  for (let i = 0; i < ZOOMS; i++) {
    const zoomIn = i % 2 === 0;
    let x = box.x + box.width / 2;
    let y = rowY(0);
    if (zoomIn) {
      // Find a point on a frame: hover until the tooltip shows (at most 15 tries).
      let found = false;
      for (let k = 0; k < 15 && !found; k++) {
        x = box.x + 2 + rand() * (box.width - 4);
        y = rowY(3 + Math.floor(rand() * 6));
        await page.mouse.move(x, y);
        found = await page
          .locator('[data-testid="tooltip-name"]')
          .waitFor({ timeout: 1000 })
          .then(() => true)
          .catch(() => false);
      }
      if (!found) {
        skipped++;
        continue;
      }
    }
    const before = await bench(page);
    const draws = before.marks.filter((m) => m.id === 'flamegraph').length;
    const clicks = before.clicks.length;
    await page.mouse.click(x, y);
    const ok = await page
      .waitForFunction(
        ([d]) => {
          const B = (window as Window & { __bench?: BenchState }).__bench!;
          const ms = B.marks.filter((m) => m.id === 'flamegraph');
          return ms.length > d! && ms[ms.length - 1]!.nextFrame !== undefined;
        },
        [draws],
        { timeout: 15_000, polling: 20 },
      )
      .then(() => true)
      .catch(() => false);
    if (!ok) {
      skipped++;
      continue;
    }
    const after = await bench(page);
    const click = after.clicks[clicks]!;
    const mark = after.marks.filter((m) => m.id === 'flamegraph')[draws]!;
    zoomLatency.push(mark.t - click);
    zoomFrame.push(mark.nextFrame! - click);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(50);
  }
  const zoomRafs = await page.evaluate(stopRafRecording);
  return {
    hover: {
      moves: hb.moves.length,
      rafInterval: stats(intervals(hoverRafs)),
      latencyToTooltip: stats(hoverLatency),
    },
    zoom: {
      clicks: zoomLatency.length,
      skipped,
      rafInterval: stats(intervals(zoomRafs)),
      clickToDraw: stats(zoomLatency),
      clickToNextFrame: stats(zoomFrame),
    },
  };
}

/** View → graph until an SVG node exists, back to the flame graph, `runs` times. */
async function graphRuns(page: Page, runs: number): Promise<Json> {
  const out: { ms: number; frameMs: number; nodes: number }[] = [];
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
          return (m && m.frame !== undefined) || document.querySelector('.graph-view [data-testid="error"], [role="alert"]') !== null;
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
        ? { ms: m.t - click, frameMs: m.frame! - click, nodes: document.querySelectorAll('[data-testid="callgraph"] svg g.node').length }
        : null;
    }, clicks);
    if (!res) {
      error = (await page.locator('[role="alert"]').first().innerText().catch(() => 'no graph')).slice(0, 200);
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
async function diffFirstDraw(page: Page, file: string): Promise<Json> {
  await page.getByTestId('view-flame').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="flamegraph"]')?.getAttribute('data-draws') ?? 0) >= 1, undefined, { timeout: STEP_TIMEOUT });
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
async function treeExpandAll(page: Page): Promise<Json> {
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
  return { openMs, rowsBefore, rowsSelected, rowsAfter: m.n, expandAllMs: m.t - click, expandAllFrameMs: m.nextFrame! - click, scrollToEndMs: scrollMs };
}

function modelFloors(): { file: string; floors: Record<string, number>; partial: boolean; date?: string } {
  const file = join(OUT_DIR, 'model-bench.json');
  const floors: Record<string, number> = {};
  if (!existsSync(file)) return { file, floors, partial: true };
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as {
      date?: string;
      partial?: boolean;
      results?: { size: { name: string }; median: { floorMs: number } }[];
    };
    for (const r of j.results ?? []) floors[r.size.name] = r.median.floorMs;
    return { file, floors, partial: Boolean(j.partial), date: j.date };
  } catch {
    return { file, floors, partial: true };
  }
}

const fmt = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : seconds(ms));
const pass = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
const GB2 = 2 * 2 ** 30;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const sizes = parseSizes(argValue(argv, '--sizes'));
  const runsArg = argValue(argv, '--runs');
  const ssRunsArg = argValue(argv, '--speedscope-runs');
  const doBuild = !argv.includes('--no-build');
  const doSpeedscope = !argv.includes('--no-speedscope');
  const doDiff = !argv.includes('--no-diff');
  const started = new Date();
  const tStart = performance.now();
  const command = `node --import tsx bench/browser-bench.ts ${argv.join(' ')}`.trim();

  ensureProfiles(sizes);
  if (doBuild) {
    log(`vite build → ${relative(REPO_DIR, DIST_DIR)}`);
    const r = spawnSync('npx', ['vite', 'build', '--outDir', DIST_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: REPO_DIR,
      stdio: 'inherit',
      timeout: 600_000,
    });
    if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
  } else if (!existsSync(join(DIST_DIR, 'index.html'))) throw new Error(`${DIST_DIR} missing: run without --no-build`);

  const server = await serveApp(DIST_DIR);
  const speedscope = await startStaticServer(SPEEDSCOPE_DIR);
  const flamelensUrl = `${server.url}/?mode=file&view=flame`;
  const speedscopeUrl = `${speedscope.url}/index.html`;
  log(`Flamelens ${server.url}, speedscope ${speedscope.url}, Chromium ${chromiumExecutable()}`);
  const gitHead = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).stdout.trim();
  const gitDirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_DIR, encoding: 'utf8' }).stdout.trim().length > 0;

  const results: Json[] = [];
  const graphFiles: { name: string; file: string }[] = [];
  if (existsSync(LARGE_CPU)) graphFiles.push({ name: 'large.cpu', file: LARGE_CPU });
  try {
    for (const size of sizes) {
      const file = profilePath(size);
      const res: Json = { size: size.name, file: relative(REPO_DIR, file) };
      results.push(res);
      // Flamelens first draws; the last run also measures interactions, graph and tree.
      const runs = runsFor(runsArg, size.name, DEFAULT_RUNS[size.name] ?? 3);
      const fl: FirstDraw[] = [];
      // A floor run (in its own process, before the browser starts) before each first draw.
      const floor = await FloorProcess.start(size);
      const floorRuns: FloorRun[] = [];
      res.floorRuns = floorRuns;
      for (let r = 0; r < runs; r++) {
        const last = r === runs - 1;
        let s: Session | undefined;
        try {
          floorRuns.push(await floor.run());
          log(`floor ${size.name} #${r + 1}: ${fmt(floorRuns[r]!.totalMs)}`);
          s = await openSession(flamelensUrl);
          const d = await firstDraw(s, 'flamelens', file);
          fl.push(d);
          log(`flamelens ${size.name} #${r + 1}: ${d.status} draw ${fmt(d.drawMs)}, renderer peak ${mib(d.peakRendererHwm)}`);
          if (last && d.ok) {
            res.interactions = await withTimeout(interactions(s.page, 12345 + size.seed), 5 * 60_000, 'interactions');
            log(`  interactions: ${JSON.stringify(res.interactions)}`);
            res.graph = await withTimeout(graphRuns(s.page, runsFor(undefined, size.name, DEFAULT_GRAPH_RUNS[size.name] ?? 3)), 5 * 60_000, 'graph');
            log(`  graph: ${JSON.stringify(res.graph)}`);
            res.tree = await withTimeout(treeExpandAll(s.page), 5 * 60_000, 'tree');
            log(`  tree: ${JSON.stringify(res.tree)}`);
            if (doDiff) {
              res.diff = await withTimeout(diffFirstDraw(s.page, file), 10 * 60_000, 'diff');
              log(`  diff with itself: ${JSON.stringify(res.diff)}`);
            }
            s.sampler.tick();
            res.peakRendererAfterAll = s.sampler.peak().hwmBytes;
          }
        } catch (e) {
          const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
          log(`flamelens ${size.name} #${r + 1}: error ${msg}`);
          if (fl.length === r) fl.push({ ok: false, status: msg, wallMs: NaN, peakRendererHwm: NaN, peakRendererRssSampled: NaN, peakJsHeapUsed: NaN });
          else res.interactionError = msg;
        } finally {
          if (s) await endSession(s);
        }
      }
      floor.close();
      res.flamelens = fl;
      // speedscope first draws.
      if (doSpeedscope) {
        const sr = runsFor(ssRunsArg, size.name, DEFAULT_SPEEDSCOPE_RUNS[size.name] ?? 3);
        const ss: FirstDraw[] = [];
        for (let r = 0; r < sr; r++) {
          let s: Session | undefined;
          try {
            s = await openSession(speedscopeUrl);
            const d = await firstDraw(s, 'speedscope', file);
            ss.push(d);
            log(`speedscope ${size.name} #${r + 1}: ${d.status} draw ${fmt(d.drawMs)}, renderer peak ${mib(d.peakRendererHwm)} (sampled RSS ${mib(d.peakRendererRssSampled)})`);
            if (!d.ok) break; // a crash or a timeout is not retried
          } catch (e) {
            const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
            log(`speedscope ${size.name} #${r + 1}: error ${msg}`);
            ss.push({ ok: false, status: msg, wallMs: NaN, peakRendererHwm: NaN, peakRendererRssSampled: NaN, peakJsHeapUsed: NaN });
            break;
          } finally {
            if (s) await endSession(s);
          }
        }
        res.speedscope = ss;
      }
      writePartial(results);
    }

    // large.cpu: load, then the graph runs.
    for (const g of graphFiles) {
      let s: Session | undefined;
      const res: Json = { size: g.name, file: g.file };
      results.push(res);
      try {
        s = await openSession(flamelensUrl);
        const d = await firstDraw(s, 'flamelens', g.file);
        res.flamelens = [d];
        log(`flamelens ${g.name}: ${d.status} draw ${fmt(d.drawMs)}`);
        if (d.ok) {
          res.graph = await withTimeout(graphRuns(s.page, DEFAULT_GRAPH_RUNS['large.cpu']!), 5 * 60_000, 'graph');
          log(`  graph: ${JSON.stringify(res.graph)}`);
        }
      } catch (e) {
        res.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
        log(`flamelens ${g.name}: error ${String(res.error)}`);
      } finally {
        if (s) await endSession(s);
      }
    }
  } finally {
    await speedscope.close();
    await withTimeout(server.close(), 20_000, 'server.close').catch(() => {});
  }

  const floors = modelFloors();
  const report = render(results, floors, {
    command,
    date: started.toISOString(),
    durationS: (performance.now() - tStart) / 1000,
    gitHead,
    gitDirty,
    chromium: spawnSync(chromiumExecutable() ?? 'chromium', ['--version'], { encoding: 'utf8' }).stdout.trim(),
  });
  console.log(`\n${report.text}`);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(
    join(OUT_DIR, 'browser-bench.json'),
    JSON.stringify({ benchmark: 'browser: Flamelens vs speedscope, call graph, call tree (issues 3, 8)', ...report.meta, results, floors, pass: report.pass }, null, 2),
  );
  writeFileSync(join(OUT_DIR, 'browser-bench.md'), report.markdown);
  log(`wrote bench/out/browser-bench.json and bench/out/browser-bench.md (${((performance.now() - tStart) / 1000).toFixed(0)} s in all)`);
  return 0;
}

function writePartial(results: Json[]): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'browser-bench.partial.json'), JSON.stringify(results, null, 2));
}

interface Meta {
  command: string;
  date: string;
  durationS: number;
  gitHead: string;
  gitDirty: boolean;
  chromium: string;
}

function render(results: Json[], floors: ReturnType<typeof modelFloors>, meta: Meta) {
  const okDraws = (xs: unknown) => ((xs as FirstDraw[] | undefined) ?? []).filter((d) => d.ok);
  const statusOf = (xs: unknown) => {
    const all = (xs as FirstDraw[] | undefined) ?? [];
    const bad = all.filter((d) => !d.ok);
    return bad.length === 0 ? '' : ` (${bad.map((d) => d.status).join(', ')})`;
  };
  const rows: string[][] = [];
  const passes: Json = {};
  for (const r of results) {
    if (!String(r.size).match(/^(10k|200k|1m)$/)) continue;
    const fl = okDraws(r.flamelens);
    const ss = okDraws(r.speedscope);
    const flMed = median(fl.map((d) => d.drawMs!));
    const flFrame = median(fl.map((d) => d.frameMs!));
    const ssMed = median(ss.map((d) => d.drawMs!));
    const flMem = Math.max(...fl.map((d) => d.peakRendererHwm), 0);
    const ssMem = Math.max(...((r.speedscope as FirstDraw[] | undefined) ?? []).map((d) => Math.max(d.peakRendererHwm || 0, d.peakRendererRssSampled || 0)), 0);
    // The floor measured in alternation with these first draws; model-bench.json's (minutes
    // earlier, in another process) when there is none.
    const alternated = ((r.floorRuns as FloorRun[] | undefined) ?? []).map((f) => f.totalMs);
    const modelFloor = floors.floors[String(r.size)];
    const floor = alternated.length > 0 ? median(alternated) : modelFloor;
    const ssAll = (r.speedscope as FirstDraw[] | undefined) ?? [];
    const ssText = ss.length > 0 ? fmt(ssMed) : ssAll.length > 0 ? ssAll.map((d) => `${d.status} after ${fmt(d.wallMs)} (JS heap ${mib(d.peakJsHeapUsed)})`).join(', ') : 'not run';
    const ia = r.interactions as { hover: { rafInterval: Stats; latencyToTooltip: Stats }; zoom: { rafInterval: Stats; clickToDraw: Stats } } | undefined;
    rows.push([
      String(r.size),
      `${fmt(flMed)} (${fl.length}/${((r.flamelens as unknown[]) ?? []).length} runs)${statusOf(r.flamelens)}`,
      fmt(flFrame),
      floor !== undefined ? `${fmt(floor)}${alternated.length > 0 ? ` (${alternated.length} runs)` : ' (model-bench.json)'}` : '–',
      modelFloor !== undefined ? fmt(modelFloor) : '–',
      floor !== undefined && Number.isFinite(flMed) ? `${(flMed / floor).toFixed(2)}×` : '–',
      mib(flMem),
      `${ssText}${ss.length > 0 ? ` (${ss.length} runs)` : ''}`,
      ssMem > 0 ? mib(ssMem) : '–',
      ss.length > 0 && Number.isFinite(flMed) ? `${(ssMed / flMed).toFixed(1)}×` : '–',
      ia ? `${fmt(ia.hover.latencyToTooltip.median)} / ${fmt(ia.hover.latencyToTooltip.p95)}` : '–',
      ia ? `${fmt(ia.zoom.clickToDraw.median)} / ${fmt(ia.zoom.clickToDraw.p95)}` : '–',
      ia ? `${fmt(ia.hover.rafInterval.median)} / ${fmt(ia.hover.rafInterval.p95)}` : '–',
      ia ? `${fmt(ia.zoom.rafInterval.median)} / ${fmt(ia.zoom.rafInterval.p95)}` : '–',
    ]);
    passes[String(r.size)] = {
      firstDrawVsFloor: floor !== undefined && Number.isFinite(flMed) ? flMed <= 2 * floor : undefined,
      rendererMemory: fl.length > 0 ? flMem <= GB2 : undefined,
      vsSpeedscope: r.size === '200k' ? (ss.length > 0 && Number.isFinite(flMed) ? flMed * 8 <= ssMed : ssAll.some((d) => !d.ok) ? true : undefined) : undefined,
      framesMedian: ia ? ia.zoom.clickToDraw.median <= 16 && ia.hover.latencyToTooltip.median <= 16 : undefined,
    };
  }
  const header = [
    'size',
    'Flamelens first draw (median)',
    '→ next frame',
    'model floor, alternated with the draws',
    'model floor in model-bench.json',
    'draw / floor',
    'Flamelens renderer peak',
    'speedscope first draw (median)',
    'speedscope renderer peak',
    'speedscope / Flamelens',
    'hover → tooltip med / p95',
    'zoom click → draw med / p95',
    'rAF interval hover med / p95',
    'rAF interval zoom med / p95',
  ];

  const gRows: string[][] = [];
  for (const r of results) {
    const g = r.graph as { first?: { ms: number; nodes: number }; warm?: Stats; all: Stats; error?: string } | undefined;
    const t = r.tree as { openMs?: number; rowsSelected?: number; rowsAfter?: number; expandAllMs?: number; expandAllFrameMs?: number; scrollToEndMs?: number; error?: string } | undefined;
    if (!g && !t) continue;
    gRows.push([
      String(r.size),
      g?.first ? `${fmt(g.first.ms)} (${g.first.nodes} g.node)` : (g?.error ?? '–'),
      g?.warm ? `${fmt(g.warm.median)} (${g.warm.n})` : '–',
      t?.openMs !== undefined ? fmt(t.openMs) : '–',
      t?.expandAllMs !== undefined ? `${fmt(t.expandAllMs)} (${t.rowsSelected} → ${t.rowsAfter} rows)` : (t?.error ?? '–'),
      t?.scrollToEndMs !== undefined ? fmt(t.scrollToEndMs) : '–',
    ]);
    if (g) passes[`graph ${String(r.size)}`] = g.all.n > 0 ? g.all.median <= 1500 : false;
  }
  const gHeader = [
    'profile',
    'graph build + layout, first (Graphviz cold)',
    'warm median (runs)',
    'call tree view open',
    'tree expand all → rows',
    'scroll to end',
  ];
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model ?? '?'}, ${mib(os.totalmem())} RAM, load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; ${meta.chromium}; node ${process.version}`;
  const floorNote = floors.partial
    ? `model-bench floor from ${relative(REPO_DIR, floors.file)} (${floors.date ?? 'missing'}; partial: sizes it lacks show –)`
    : `model-bench floor from ${relative(REPO_DIR, floors.file)} (${floors.date})`;
  const text = [
    `browser benchmark, ${meta.date}, ${meta.durationS.toFixed(0)} s, git ${meta.gitHead}${meta.gitDirty ? ' (src/ has uncommitted changes)' : ''}`,
    machine,
    floorNote,
    '',
    textTable(header, rows),
    '',
    textTable(gHeader, gRows),
    '',
    `targets: ${JSON.stringify(passes, (_, v: unknown) => (typeof v === 'boolean' ? pass(v) : v === undefined ? 'n/a' : v))}`,
  ].join('\n');
  const markdown = [
    `Command: \`${meta.command}\` — ${meta.date}, ${meta.durationS.toFixed(0)} s, git ${meta.gitHead}${meta.gitDirty ? ' (with uncommitted src/ changes)' : ''}.`,
    `Machine: ${machine}. ${floorNote}.`,
    '',
    markdownTable(header, rows),
    '',
    markdownTable(gHeader, gRows),
    '',
    `Graph options: ${GRAPH_OPTS_TEXT}.`,
  ].join('\n');
  return { text, markdown, meta, pass: passes };
}

main()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
