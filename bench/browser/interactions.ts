/**
 * Interactions on a drawn flame graph: hover moves and zoom clicks, with the page's animation
 * frames recorded meanwhile and each interaction's latency (event → tooltip or → next draw).
 */
import type { Page } from 'playwright-core';
import { type Stats, stats } from '../lib/report';
import { VIEWPORT } from './app';
import { type BenchState, startRafRecording, stopRafRecording } from './page-hooks';
import { STEP_TIMEOUT, bench } from './session';

const HOVERS = 60;
const ZOOMS = 20;

export interface Interactions {
  hover: { moves: number; rafInterval: Stats; latencyToTooltip: Stats };
  zoom: { clicks: number; skipped: number; rafInterval: Stats; clickToDraw: Stats; clickToNextFrame: Stats };
}

function intervals(ts: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < ts.length; i++) out.push(ts[i]! - ts[i - 1]!);
  return out;
}

/** Hover and zoom on the drawn flame graph; rAF intervals and per-interaction latencies. */
export async function interactions(page: Page, seed: number): Promise<Interactions> {
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
