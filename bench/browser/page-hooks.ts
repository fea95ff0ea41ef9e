/**
 * In-page instrumentation, installed with page.addInitScript before any of the page's own code
 * runs. Every timestamp is the page's performance.now() (ms since navigation start), so the two
 * ends of an interval are read on the same clock, in the page, independent of the CDP round trip.
 *
 *  - `change` on a file input (capture phase, before the app's handler): "the page was given the file".
 *  - `click`, `mousemove` (capture phase): interaction starts.
 *  - Flamelens: a MutationObserver on `data-draws` (set right after each completed canvas draw)
 *    and `data-rows` (the call tree's visible row count).
 *  - speedscope: console.timeEnd('import') (speedscope's own end-of-import mark), then the first
 *    WebGL draw call and the first 2D fillText (its flame chart labels) after it.
 *  - `lastBusy`: when the page last finished a request or a long task (≥ 50 ms on the main
 *    thread), so that the benchmark can wait until it has been idle before giving it a file.
 *  - After a recorded draw, the next requestAnimationFrame callback ("next frame": the frame holding
 *    the draw has been produced), timed with performance.now() inside that callback.
 */
export interface DrawMark {
  t: number;
  /** The attribute's new value (draw count or row count). */
  n: number;
  id: string;
  attr: string;
  /** The first rAF callback after this mark. */
  nextFrame?: number;
}

export interface BenchState {
  change: number[];
  clicks: number[];
  moves: number[];
  marks: DrawMark[];
  importDone: number | null;
  firstGl: number | null;
  firstText: number | null;
  firstGlNextFrame: number | null;
  glDraws: number;
  /** rAF timestamps while a recording is on (null when off). */
  rafs: number[] | null;
  /** Tooltip mutations (Flamelens hover): time of each. */
  tooltip: number[];
  /** The end of the last request or long task. */
  lastBusy: number;
}

export function installPageHooks(): void {
  type W = Window & { __bench?: BenchState };
  const w = window as W;
  if (w.__bench) return;
  const B: BenchState = {
    change: [],
    clicks: [],
    moves: [],
    marks: [],
    importDone: null,
    firstGl: null,
    firstText: null,
    firstGlNextFrame: null,
    glDraws: 0,
    rafs: null,
    tooltip: [],
    lastBusy: 0,
  };
  w.__bench = B;
  const now = () => performance.now();
  addEventListener(
    'change',
    (e) => {
      const t = e.target as HTMLInputElement | null;
      if (t && t.type === 'file') B.change.push(now());
    },
    true,
  );
  addEventListener('click', () => B.clicks.push(now()), true);
  for (const type of ['resource', 'longtask']) {
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const end = type === 'resource' ? (e as PerformanceResourceTiming).responseEnd : e.startTime + e.duration;
          B.lastBusy = Math.max(B.lastBusy, end);
        }
      }).observe({ type, buffered: true });
    } catch {
      // An entry type this browser lacks: nothing to wait for.
    }
  }
  addEventListener('mousemove', () => B.moves.push(now()), true);

  const mo = new MutationObserver((records) => {
    const t = now();
    let tooltip = false;
    for (const r of records) {
      const el = r.target as Element;
      if (r.type === 'attributes' && (r.attributeName === 'data-draws' || r.attributeName === 'data-rows')) {
        const mark: DrawMark = {
          t,
          n: Number(el.getAttribute(r.attributeName)),
          id: el.getAttribute('data-testid') ?? '',
          attr: r.attributeName,
        };
        B.marks.push(mark);
        requestAnimationFrame(() => (mark.nextFrame = performance.now()));
      } else {
        const host = r.target.nodeType === 1 ? el : r.target.parentElement;
        if (
          host?.closest?.('.flame-tooltip') ||
          (r.type === 'childList' && Array.from(r.addedNodes).some((n) => (n as Element).classList?.contains('flame-tooltip')))
        )
          tooltip = true;
      }
    }
    if (tooltip) B.tooltip.push(t);
  });
  const observe = () =>
    mo.observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['data-draws', 'data-rows', 'style'],
    });
  if (document.documentElement) observe();
  else addEventListener('DOMContentLoaded', observe);

  // speedscope's end-of-import mark and its first drawing after it.
  const timeEnd = console.timeEnd.bind(console);
  console.timeEnd = (label?: string) => {
    if (label === 'import' && B.importDone === null) B.importDone = now();
    timeEnd(label);
  };
  const wrapGl = (proto: WebGLRenderingContext | WebGL2RenderingContext | undefined) => {
    if (!proto) return;
    for (const m of ['drawArrays', 'drawElements'] as const) {
      const orig = proto[m] as (...a: unknown[]) => void;
      (proto as unknown as Record<string, unknown>)[m] = function (this: unknown, ...a: unknown[]) {
        B.glDraws++;
        if (B.importDone !== null && B.firstGl === null) {
          B.firstGl = now();
          requestAnimationFrame(() => (B.firstGlNextFrame = performance.now()));
        }
        return orig.apply(this, a);
      };
    }
  };
  wrapGl(typeof WebGLRenderingContext !== 'undefined' ? WebGLRenderingContext.prototype : undefined);
  wrapGl(typeof WebGL2RenderingContext !== 'undefined' ? WebGL2RenderingContext.prototype : undefined);
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, ...a: Parameters<typeof fillText>) {
    if (B.importDone !== null && B.firstText === null) B.firstText = now();
    return fillText.apply(this, a);
  };
}

/** Starts recording rAF timestamps into __bench.rafs (bounded to 20,000 frames). */
export function startRafRecording(): void {
  const B = (window as Window & { __bench?: BenchState }).__bench!;
  const rafs: number[] = [];
  B.rafs = rafs;
  const loop = (t: number) => {
    if (B.rafs !== rafs || rafs.length >= 20_000) return;
    rafs.push(t);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

export function stopRafRecording(): number[] {
  const B = (window as Window & { __bench?: BenchState }).__bench!;
  const r = B.rafs ?? [];
  B.rafs = null;
  return r;
}
