import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { openProfile } from '../../profile/model/session';
import { ROW_HEIGHT, canvasHeight, depthsInView, drawFlameGraph, type DrawOptions, frameName, withoutRoot } from './flame-render';

/**
 * A stand-in for a canvas's 2D context (there is no canvas in Node): it records the rectangles
 * filled and the labels written, which is what these tests compare. Named as the fake it is.
 */
function recordingContext() {
  const rects: string[] = [];
  const labels: string[] = [];
  let fill = '';
  const ctx = {
    font: '',
    textBaseline: '',
    lineWidth: 1,
    strokeStyle: '',
    set fillStyle(v: string) {
      fill = v;
    },
    get fillStyle() {
      return fill;
    },
    clearRect: () => undefined,
    measureText: () => ({ width: 6.6 }),
    beginPath: () => undefined,
    rect: (x: number, y: number, w: number, h: number) => rects.push(`${fill} ${x.toFixed(3)} ${y} ${w.toFixed(3)} ${h}`),
    fill: () => undefined,
    strokeRect: () => undefined,
    fillText: (t: string, x: number, y: number) => labels.push(`${t} ${x.toFixed(3)} ${y}`),
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, rects, labels };
}

function options(flip: boolean): DrawOptions {
  const s = openProfile(readFixture('go-cpu-tiny.pb.gz'));
  const si = s.summary().defaultSampleIndex;
  const flame = s.flame(si, 'functions');
  return { tree: flame.tree, names: flame.names, width: 1200, flip, zoom: 0, colorMode: 'package', dark: false };
}

describe('drawing the rows in view first', () => {
  it('finds the depths in view, for an icicle and a flame graph', () => {
    const o = options(false);
    const h = canvasHeight(o.tree);
    expect(h).toBeGreaterThan(10 * ROW_HEIGHT);
    expect(depthsInView(o.tree, false, 0, h + 50)).toBeUndefined(); // all of it in view
    // The canvas starts 100 px down a 190 px window: rows 0-4 (the fifth partly).
    expect(depthsInView(o.tree, false, 100, 190)).toEqual({ from: 0, to: 4, inside: true });
    // Scrolled 36 px past the canvas's top: rows 2-6.
    expect(depthsInView(o.tree, false, -36, 90)).toEqual({ from: 2, to: 6, inside: true });
    // Root at the bottom: the top rows are the deepest ones.
    const max = o.tree.maxDepth;
    expect(depthsInView(o.tree, true, 0, 2 * ROW_HEIGHT)).toEqual({ from: max - 1, to: max, inside: true });
    expect(depthsInView(o.tree, false, 500, 300)).toBeUndefined(); // nothing in view: all of it
  });

  for (const flip of [false, true]) {
    it(`draws the same frames and labels in two parts as in one (${flip ? 'flame graph' : 'icicle'})`, () => {
      const o = options(flip);
      const whole = recordingContext();
      drawFlameGraph(whole.ctx, o);
      const inView = depthsInView(o.tree, flip, 40, 200)!;
      const parts = recordingContext();
      drawFlameGraph(parts.ctx, { ...o, depths: inView });
      const first = parts.rects.length;
      drawFlameGraph(parts.ctx, { ...o, depths: { ...inView, inside: false }, clear: false });
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(whole.rects.length); // the first part is a part
      expect([...parts.rects].sort()).toEqual([...whole.rects].sort());
      expect([...parts.labels].sort()).toEqual([...whole.labels].sort());
    });
  }
});

describe('a sandwich half without its root', () => {
  it('starts at the function, with the same frames below it and no "all" label', () => {
    const s = openProfile(readFixture('go-cpu.pb.gz'));
    const si = s.summary().defaultSampleIndex;
    const flame = s.flame(si, 'functions');
    const node = flame.names.indexOf('runtime.asyncPreempt');
    const callers = s.sandwich(si, 'functions', node).callers;
    const half = withoutRoot(callers);
    expect(half.size).toBe(callers.size - 1);
    expect(half.maxDepth).toBe(callers.maxDepth - 1);
    expect(frameName(half, flame.names, 0)).toBe('runtime.asyncPreempt');
    expect(half.parent[0]).toBe(-1);
    for (let f = 1; f < half.size; f++) {
      expect(half.parent[f]).toBe(callers.parent[f + 1]! - 1);
      expect(half.depth[f]).toBe(callers.depth[f + 1]! - 1);
      expect(half.end[f]).toBe(callers.end[f + 1]! - 1);
    }
    const draw = recordingContext();
    drawFlameGraph(draw.ctx, { ...options(true), tree: half, names: flame.names });
    expect(draw.labels.some((l) => l.startsWith('all '))).toBe(false);
    expect(draw.labels.some((l) => l.startsWith('runtime.asyncPreempt '))).toBe(true);
  });
});
