/**
 * One run of the browser benchmark: a fresh Chromium with one page of either app (Flamelens or
 * speedscope), and the first draw of a file given to it, timed in the page (browser/page-hooks.ts),
 * with the renderer's peak memory.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { VIEWPORT, launchChromium, primePlaywright } from './app';
import { type BenchState, installPageHooks } from './page-hooks';
import { RendererSampler } from './procs';

export const FIRST_DRAW_TIMEOUT = 120_000;
export const STEP_TIMEOUT = 60_000;

export type Json = Record<string, unknown>;

export interface FirstDraw {
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

export interface Session {
  browser: Browser;
  page: Page;
  sampler: RendererSampler;
  heap: HeapSampler;
  crashed: () => boolean;
}

export async function openSession(url: string): Promise<Session> {
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

export async function endSession(s: Session): Promise<void> {
  s.sampler.stop();
  s.heap.stop();
  await closeQuietly(s.browser);
}

/** Gives the page the file and waits for the first draw; memory read 500 ms after it. */
export async function firstDraw(s: Session, app: 'flamelens' | 'speedscope', file: string): Promise<FirstDraw> {
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
