// The page's half of the warm-up (the worker has its own, src/worker/warm-up.ts): draws a small
// made-up flame graph on a canvas that is never shown, once the app is on screen, so that the
// first real flame graph runs drawing and coloring code the engine has compiled already, with the
// canvas and its font set up.
import type { FlameTree } from '../../profile/transforms/flame-tree';
import { canvasHeight, drawFlameGraph, drawOptions } from './flame-render';

/** Frame names of the kinds the package rules tell apart (see package-name.ts). */
const NAMES = [
  'runtime.mallocgc',
  'github.com/acme/shop/internal/cart.(*Service).Checkout',
  'net/http.(*conn).serve',
  'org/apache/kafka/clients/NetworkClient.poll',
  'com.acme.orders.OrderService.place(OrderService.java)',
  'Acme.Billing!Acme.Billing.Invoice.Render',
  'std::vector<int>::push_back',
  'tokio::runtime::task::raw::poll',
  '/app/server.py:88 - handle_request',
  '/usr/lib/ruby/3.2/json/common.rb:216 - parse',
  './src/router.js:dispatch:120',
  'node:internal/timers:listOnTimeout:569',
  '[kernel.kallsyms]',
  '<unknown>',
  'main',
];

/**
 * A tree of about 3k frames, 36 deep (2.4k of them drawn at 1280 px, 80 with a label), laid out
 * as the worker lays out a flame tree: depth-first, children largest first, each starting where
 * its previous sibling's subtree ended.
 */
export function warmUpFlameTree(): { tree: FlameTree; names: string[] } {
  const node: number[] = [];
  const parent: number[] = [];
  const depth: number[] = [];
  const total: number[] = [];
  const self: number[] = [];
  const start: number[] = [];
  const place = (p: number, d: number, value: number, at: number, n: number): number => {
    const f = node.length;
    node.push(n);
    parent.push(p);
    depth.push(d);
    total.push(value);
    start.push(at);
    self.push(0);
    const fanOut = d === 0 ? 8 : d < 40 && value >= 400 ? 1 + Number((n + d) % 3 === 0) + Number(d % 9 === 4) * 3 : 0;
    let rest = value;
    const values: number[] = [];
    for (let k = 0; k < fanOut; k++) {
      const v = Math.floor(rest * (k === fanOut - 1 ? 0.9 : 0.45));
      if (v <= 0) break;
      values.push(v);
      rest -= v;
    }
    self[f] = rest;
    let x = at;
    values.sort((a, b) => b - a);
    values.forEach((v, k) => {
      place(f, d + 1, v, x, (n * 7 + k * 5 + d + NAMES.length) % NAMES.length);
      x += v;
    });
    return f;
  };
  place(-1, 0, 1_000_000, 0, -1);
  const size = node.length;
  const end = new Int32Array(size);
  for (let i = 0; i < size; i++) end[i] = i + 1;
  for (let i = size - 1; i > 0; i--) if (end[i]! > end[parent[i]!]!) end[parent[i]!] = end[i]!;
  // In the order of layoutFlameTree's result, and through a structured clone as the worker's trees
  // come: objects of another shape would send the drawing code back to the interpreter.
  const tree: FlameTree = structuredClone({
    sampleIndex: 0,
    size,
    maxDepth: Math.max(...depth),
    node: Int32Array.from(node),
    parent: Int32Array.from(parent),
    depth: Int32Array.from(depth),
    end,
    total: Float64Array.from(total),
    self: Float64Array.from(self),
    start: Float64Array.from(start),
    otherSelf: undefined,
    otherTotal: undefined,
  });
  return { tree, names: NAMES };
}

let wanted = true;

/**
 * Draws the warm-up in the first task after the next paint (the app on screen first: a task queued
 * straight away ran before the first contentful paint, and put it off by 12-45 ms), unless a
 * profile has started opening by then; returns what cancels it.
 */
export function scheduleFlameWarmUp(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => (timer = setTimeout(() => wanted && warmUpFlameDrawing(), 0)));
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/** A profile is being opened: a warm-up now would only compete with it. */
export function skipFlameWarmUp(): void {
  wanted = false;
}

/** Draws the warm-up tree as a first draw is done: the rows in view, then the rest. */
export function warmUpFlameDrawing(): void {
  wanted = false;
  try {
    drawWarmUp();
  } catch {
    // a warm-up that fails costs only speed
  }
}

function drawWarmUp(): void {
  const { tree, names } = warmUpFlameTree();
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = canvasHeight(tree);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const base = { tree, names, width: 1280, flip: false, zoom: 0, colorMode: 'package' as const, dark: false };
  const inView = { from: 0, to: 20, inside: true };
  drawFlameGraph(ctx, drawOptions({ ...base, depths: inView }));
  drawFlameGraph(ctx, drawOptions({ ...base, depths: { ...inView, inside: false }, clear: false }));
}
