/**
 * One run of the browser benchmark: a fresh Chromium with one page of either app (Flamelens or
 * speedscope), left idle for a second, then the first draw of a file given to it, timed in the
 * page (browser/page-hooks.ts), with the renderer's peak memory.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { VIEWPORT, launchChromium } from './app';
import { type BenchState, installPageHooks } from './page-hooks';
import { RendererSampler } from './procs';

export const FIRST_DRAW_TIMEOUT = 120_000;
export const STEP_TIMEOUT = 60_000;
/** How long the page has been idle when it is given the file, as when a person picks one. */
export const IDLE_MS = 1000;

export type App = 'flamelens' | 'speedscope';
const FILE_INPUT: Record<App, string> = { flamelens: '[data-testid="file-input"]', speedscope: 'input[type=file]' };

export interface FirstDraw {
  ok: boolean;
  /** 'ok', 'timeout', 'crash', or an error message. */
  status: string;
  /** change event → draw call returned (ms, page clock). */
  drawMs?: number;
  /** change event → next animation frame after the draw. */
  frameMs?: number;
  wallMs: number;
  /** The page before it was given the file (absent when the run failed before). */
  pageIdle?: PageIdle;
  peakRendererHwm: number;
  peakRendererRssSampled: number;
  peakJsHeapUsed: number;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout: ${what} (${ms / 1000} s)`)), ms);
    }),
  ]);
}

export const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

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

export const bench = (page: Page) => page.evaluate(() => (window as Window & { __bench?: BenchState }).__bench!);

/** How the page stood when the idle wait ended (ms, page clock). */
export interface PageIdle {
  idleFor: number;
  /** The load event's end. */
  loaded: number;
  /** The end of its last request or long task. */
  lastBusy: number;
}

export interface Session {
  app: App;
  browser: Browser;
  page: Page;
  sampler: RendererSampler;
  heap: HeapSampler;
  pageIdle: PageIdle;
  crashed: () => boolean;
}

/**
 * A fresh browser with `url` open, once the page has loaded, shown its file input and then been
 * idle for IDLE_MS: no request finished and no long task on its main thread. What is timed after
 * that is the file's first draw, not the page's start-up.
 */
export async function openSession(app: App, url: string): Promise<Session> {
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
    await page.locator(FILE_INPUT[app]).waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
    // Polls in the page; its first call also compiles Playwright's injected script there, which
    // would otherwise fall inside the timed first draw.
    const idle = await page.waitForFunction(
      (idleMs) => {
        const B = (window as Window & { __bench?: BenchState }).__bench!;
        const loaded =
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventEnd ?? 0;
        const idleFor = performance.now() - Math.max(loaded, B.lastBusy);
        return loaded > 0 && idleFor >= idleMs && { idleFor, loaded, lastBusy: B.lastBusy };
      },
      IDLE_MS,
      { timeout: STEP_TIMEOUT, polling: 100 },
    );
    const pageIdle = (await idle.jsonValue()) as PageIdle;
    const sampler = new RendererSampler(100);
    sampler.start();
    const heap = new HeapSampler(await context.newCDPSession(page));
    await heap.start();
    return { app, browser, page, sampler, heap, pageIdle, crashed: () => crashed };
  } catch (e) {
    await closeQuietly(browser);
    throw e;
  }
}

export async function endSession(s: Session): Promise<void> {
  s.sampler.stop();
  s.heap.stop();
  await closeQuietly(s.browser);
}

/** Gives the page the file and waits for the first draw; memory read 500 ms after it. */
export async function firstDraw(s: Session, file: string): Promise<FirstDraw> {
  const { app, page } = s;
  const t0 = performance.now();
  let status = 'ok';
  try {
    await page.setInputFiles(FILE_INPUT[app], file, { timeout: STEP_TIMEOUT });
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
    wallMs,
    pageIdle: s.pageIdle,
    peakRendererHwm: peak.hwmBytes,
    peakRendererRssSampled: peak.sampledRssBytes,
    peakJsHeapUsed: s.heap.peak,
  };
}
