import { describe, expect, it } from 'vitest';
import { drawFlameGraph, drawOptions } from './flame-render';
import { warmUpFlameTree } from './warm-up-draw';

describe("the page's warm-up flame graph", () => {
  const { tree, names } = warmUpFlameTree();

  it('is laid out as the worker lays out a flame tree', () => {
    expect(tree.size).toBeGreaterThan(2500);
    expect(tree.maxDepth).toBeGreaterThan(30);
    for (let f = 0; f < tree.size; f++) {
      let sum = tree.self[f]!;
      let at = tree.start[f]!;
      let prev = Infinity;
      for (let c = f + 1; c < tree.end[f]!; c = tree.end[c]!) {
        expect(tree.parent[c]).toBe(f);
        expect(tree.depth[c]).toBe(tree.depth[f]! + 1);
        expect(tree.start[c]).toBe(at); // after the previous sibling
        expect(tree.total[c]).toBeLessThanOrEqual(prev); // largest first
        prev = tree.total[c]!;
        at += tree.total[c]!;
        sum += tree.total[c]!;
      }
      expect(sum).toBe(tree.total[f]);
    }
  });

  it('gives the drawing code many frames, labels and colors', () => {
    const rects: string[] = [];
    const labels: string[] = [];
    const fills = new Set<string>();
    let fill = '';
    // A stand-in for a canvas's 2D context (none in Node), as in flame-render.test.ts.
    const ctx = {
      set fillStyle(v: string) {
        fill = v;
        fills.add(v);
      },
      clearRect: () => undefined,
      measureText: () => ({ width: 6.6 }),
      beginPath: () => undefined,
      rect: () => rects.push(fill),
      fill: () => undefined,
      strokeRect: () => undefined,
      fillText: (t: string) => labels.push(t),
    } as unknown as CanvasRenderingContext2D;
    drawFlameGraph(ctx, drawOptions({ tree, names, width: 1280, flip: false, zoom: 0, colorMode: 'package', dark: false }));
    expect(rects.length).toBeGreaterThan(2000);
    expect(labels.length).toBeGreaterThan(50);
    expect(fills.size).toBeGreaterThan(8); // the package rules of several languages
  });
});
