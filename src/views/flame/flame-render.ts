// Drawing and hit-testing of a flame tree on a 2D canvas. Pure functions of their inputs: the
// component decides when to call them.
import type { FlameTree } from '../../profile/transforms/flame-tree';
import { packageHue } from '../../profile/reports/package-name';

export const ROW_HEIGHT = 18;
/** Frames narrower than this (CSS px) are not drawn; their siblings' remainder is merged. */
export const MIN_WIDTH = 0.35;
export const FONT = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

export type ColorMode = 'package' | 'self';

export interface FlameView {
  tree: FlameTree;
  names: string[];
  /** CSS pixels. */
  width: number;
  /** Root at the bottom (flame graph) instead of the top (icicle). */
  flip: boolean;
  /** The frame that fills the width; its ancestors are drawn above it full width. */
  zoom: number;
}

/** How a diff tree is colored: by the change between the sides. */
export interface DiffStyle {
  widthBy: 'comparison' | 'baseline';
  baseTotal: number;
  nextTotal: number;
  /** Compare raw values instead of each side's share of its own total. */
  absolute: boolean;
  colorBlind: boolean;
}

/** Baseline and comparison values of a frame, whichever side gives the width. */
export function frameSides(tree: FlameTree, d: DiffStyle, f: number) {
  const w = { total: tree.total[f]!, self: tree.self[f]! };
  const o = { total: tree.otherTotal?.[f] ?? 0, self: tree.otherSelf?.[f] ?? 0 };
  return d.widthBy === 'comparison' ? { next: w, base: o } : { next: o, base: w };
}

/**
 * The relative change of a value between the sides: by default of each side's share of its own
 * total (so that a longer range does not turn everything red), or of the raw values. +1 = doubled
 * or new, −1 = gone.
 */
export function relativeChange(base: number, next: number, d: DiffStyle): number {
  const b = d.absolute ? base : d.baseTotal ? base / d.baseTotal : 0;
  const n = d.absolute ? next : d.nextTotal ? next / d.nextTotal : 0;
  if (b === 0) return n === 0 ? 0 : Infinity;
  return (n - b) / Math.abs(b);
}

/** A color as hue (degrees), saturation and lightness (percent). */
export interface Hsl {
  h: number;
  s: number;
  l: number;
}

export const hslText = (c: Hsl): string => `hsl(${c.h}, ${+c.s.toFixed(1)}%, ${+c.l.toFixed(1)}%)`;

/**
 * The diff palette, shared by the flame graph and the call graph: grey for no change, then
 * red (or orange) for growth and green (or blue) for shrinkage, stronger up to ±100%. Every
 * color keeps the labels drawn on it (dark text in the light theme, light text in the dark
 * one) at a WCAG contrast of at least 4.5 (tested), so the extremes stay readable.
 */
export function diffHsl(change: number, colorBlind: boolean, dark: boolean): Hsl {
  const c = Math.max(-1, Math.min(1, Number.isFinite(change) ? change : 1));
  if (Math.abs(c) < 0.02) return dark ? { h: 214, s: 7, l: 38 } : { h: 216, s: 9, l: 80 };
  const i = Math.abs(c);
  const h = c > 0 ? (colorBlind ? 28 : 0) : colorBlind ? 212 : 125;
  return dark ? { h, s: 20 + 45 * i, l: 30 - 6 * i } : { h, s: 50 + 25 * i, l: 88 - 22 * i };
}

export function diffColor(change: number, d: Pick<DiffStyle, 'colorBlind'>, dark: boolean): string {
  return hslText(diffHsl(change, d.colorBlind, dark));
}

/** The label color drawn on frames (and on the call graph's nodes in the dark theme). */
export const labelColor = (dark: boolean): string => (dark ? '#e9ecef' : '#1d2126');

export interface DrawOptions extends FlameView {
  colorMode: ColorMode;
  dark: boolean;
  /** Per node: 1 if it matches the search (others are dimmed); undefined when not searching. */
  matched?: Uint8Array;
  /** A node whose frames get an outline (the selected function). */
  selectedNode?: number;
  /** A frame with a keyboard focus ring. */
  focusFrame?: number;
  /** Set when the tree is a diff. */
  diff?: DiffStyle;
  /**
   * Only the frames of these depths (`inside`), or of every other depth: a first draw does the
   * rows in view, then the rest (see FlameGraphCanvas). Every depth when absent.
   */
  depths?: DepthRange;
  /** Clear the canvas first (default); the second part of a draw in two parts does not. */
  clear?: boolean;
}

/**
 * A draw's options as one object shape, whoever draws: optimised drawing code expects the shape it
 * was compiled for, and object literals (or spreads) with other keys have other shapes.
 */
export function drawOptions(o: DrawOptions): DrawOptions {
  return {
    tree: o.tree,
    names: o.names,
    width: o.width,
    flip: o.flip,
    zoom: o.zoom,
    colorMode: o.colorMode,
    dark: o.dark,
    matched: o.matched,
    selectedNode: o.selectedNode,
    focusFrame: o.focusFrame,
    diff: o.diff,
    depths: o.depths,
    clear: o.clear,
  };
}

export interface DepthRange {
  from: number;
  to: number;
  inside: boolean;
}

/**
 * The depths whose rows are in view when the canvas's top is `top` CSS px below the top of the
 * visible area, which is `visibleHeight` tall; undefined when every row is.
 */
export function depthsInView(tree: FlameTree, flip: boolean, top: number, visibleHeight: number): DepthRange | undefined {
  const height = canvasHeight(tree);
  const y0 = Math.max(0, -top);
  const y1 = Math.min(height, visibleHeight - top);
  if (y0 <= 0 && y1 >= height) return undefined;
  if (y1 <= y0) return undefined; // nothing in view: draw it all
  const a = Math.floor(y0 / ROW_HEIGHT);
  const b = Math.ceil(y1 / ROW_HEIGHT) - 1;
  // Row r from the top is depth r, or depth maxDepth - r in a flame graph (root at the bottom).
  return flip ? { from: tree.maxDepth - b, to: tree.maxDepth - a, inside: true } : { from: a, to: b, inside: true };
}

export function canvasHeight(tree: FlameTree): number {
  return (tree.maxDepth + 1) * ROW_HEIGHT;
}

function rowY(view: FlameView, depth: number): number {
  return view.flip ? canvasHeight(view.tree) - (depth + 1) * ROW_HEIGHT : depth * ROW_HEIGHT;
}

const hueCache = new Map<string, number>();
function hueOf(name: string): number {
  let h = hueCache.get(name);
  if (h === undefined) {
    h = packageHue(name);
    if (hueCache.size > 200_000) hueCache.clear();
    hueCache.set(name, h);
  }
  return h;
}

function frameColor(o: DrawOptions, f: number): string {
  const { tree, names } = o;
  const n = tree.node[f]!;
  if (o.matched && !o.matched[n]) return o.dark ? '#3a3f46' : '#e4e6ea';
  if (o.diff) {
    const { base, next } = frameSides(tree, o.diff, f);
    return diffColor(relativeChange(base.total, next.total, o.diff), o.diff, o.dark);
  }
  if (o.colorMode === 'self') {
    const total = Math.abs(tree.total[f]!);
    const ratio = total > 0 ? Math.abs(tree.self[f]!) / total : 0;
    return o.dark ? `hsl(12, 70%, ${22 + 35 * ratio}%)` : `hsl(12, ${35 + 55 * ratio}%, ${88 - 38 * ratio}%)`;
  }
  const h = hueOf(names[n] ?? '');
  return o.dark ? `hsl(${h}, 40%, 36%)` : `hsl(${h}, 60%, 72%)`;
}

/** The frames of one draw, grouped by fill color (a class, so that its calls stay optimised). */
class FrameBatch {
  readonly frames: number[] = [];
  readonly xs: number[] = [];
  readonly ws: number[] = [];
  readonly colors: string[] = [];
  /** Per color: indices into frames. */
  readonly byColor: number[][] = [];
  private readonly index = new Map<string, number>();

  colorIndex(color: string): number {
    let i = this.index.get(color);
    if (i === undefined) {
      i = this.colors.length;
      this.index.set(color, i);
      this.colors.push(color);
      this.byColor.push([]);
    }
    return i;
  }

  add(f: number, x: number, w: number, color: number): void {
    this.byColor[color]!.push(this.frames.length);
    this.frames.push(f);
    this.xs.push(x);
    this.ws.push(w);
  }
}

/**
 * Draws the view; returns the number of frames drawn. Frames are collected first and then drawn
 * one fill per color and one pass of labels: switching fillStyle (a CSS color string to parse)
 * for every frame cost more than the drawing itself.
 */
export function drawFlameGraph(ctx: CanvasRenderingContext2D, o: DrawOptions): number {
  const { tree, names, width, zoom } = o;
  const height = canvasHeight(tree);
  if (o.clear !== false) ctx.clearRect(0, 0, width, height);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  const charW = ctx.measureText('M').width || 6.6;
  const span = Math.abs(tree.total[zoom]!);
  if (span === 0 || tree.size === 0) return 0;
  const x0 = tree.start[zoom]!;
  const scale = width / span;

  // Which depths to draw: from..to, or (inside false) all but those.
  const dFrom = o.depths ? o.depths.from : 0;
  const dTo = o.depths ? o.depths.to : Infinity;
  const inside = o.depths ? o.depths.inside : true;
  const batch = new FrameBatch();
  const { frames, xs, ws } = batch;
  // Colored by package (or dimmed by a search), a frame's color is its node's: worked out once
  // per node drawn, not per frame (a color string built and hashed per frame was most of this
  // loop). A map, not an array per function: a draw shows thousands of frames of up to millions.
  const nodeColor = !o.diff && o.colorMode === 'package' ? new Map<number, number>() : undefined;
  const rootColor = batch.colorIndex(o.dark ? '#4a4f57' : '#c9cdd3');
  const mergedRects: number[] = []; // x, y, w of the merged remainders

  // Ancestors of the zoomed frame: full width, as a breadcrumb.
  const crumbColor = batch.colorIndex(o.dark ? '#2b3038' : '#d5d9df');
  for (let a = tree.parent[zoom]!; a >= 0; a = tree.parent[a]!) {
    const d = tree.depth[a]!;
    if ((d >= dFrom && d <= dTo) === inside) batch.add(a, 0, width, crumbColor);
  }
  // The zoomed frame and its subtree, pruned by width. Children are sorted largest first, so
  // the first one too narrow ends the loop; the rest is merged into one grey block.
  const stack: number[] = [zoom];
  while (stack.length > 0) {
    const f = stack.pop()!;
    const w = Math.abs(tree.total[f]!) * scale;
    const x = (tree.start[f]! - x0) * scale;
    const d = tree.depth[f]!;
    if ((d >= dFrom && d <= dTo) === inside) {
      let color: number;
      if (tree.node[f]! < 0) color = rootColor;
      else if (nodeColor) {
        const n = tree.node[f]!;
        let known = nodeColor.get(n);
        if (known === undefined) nodeColor.set(n, (known = batch.colorIndex(frameColor(o, f))));
        color = known;
      } else color = batch.colorIndex(frameColor(o, f));
      batch.add(f, x, w, color);
    }
    if (inside && d >= dTo) continue; // the rows below are not drawn this time
    const childShown = (d + 1 >= dFrom && d + 1 <= dTo) === inside;
    const endF = tree.end[f]!;
    for (let c = f + 1; c < endF; c = tree.end[c]!) {
      const cw = Math.abs(tree.total[c]!) * scale;
      if (cw < MIN_WIDTH) {
        const restStart = (tree.start[c]! - x0) * scale;
        const restEnd = x + w - Math.abs(tree.self[f]!) * scale;
        if (childShown && restEnd - restStart >= MIN_WIDTH) mergedRects.push(restStart, rowY(o, d + 1), restEnd - restStart);
        break;
      }
      stack.push(c);
    }
  }

  for (let c = 0; c < batch.colors.length; c++) {
    const list = batch.byColor[c]!;
    if (list.length === 0) continue;
    ctx.fillStyle = batch.colors[c]!;
    ctx.beginPath();
    for (const i of list) ctx.rect(xs[i]!, rowY(o, tree.depth[frames[i]!]!) + 0.5, Math.max(ws[i]! - 0.5, 0.5), ROW_HEIGHT - 1);
    ctx.fill();
  }
  if (mergedRects.length > 0) {
    ctx.fillStyle = o.dark ? '#555b63' : '#b9bec6';
    ctx.beginPath();
    for (let k = 0; k < mergedRects.length; k += 3)
      ctx.rect(mergedRects[k]!, mergedRects[k + 1]! + 0.5, mergedRects[k + 2]!, ROW_HEIGHT - 1);
    ctx.fill();
  }
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    const y = rowY(o, tree.depth[f]!);
    const x = xs[i]!;
    const w = ws[i]!;
    if (o.selectedNode !== undefined && tree.node[f] === o.selectedNode) {
      ctx.strokeStyle = o.dark ? '#ffffff' : '#000000';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x + 0.75, y + 1.25, Math.max(w - 2, 0.5), ROW_HEIGHT - 2.5);
    }
    if (f === o.focusFrame) {
      ctx.strokeStyle = '#1a73e8';
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, y + 1.5, Math.max(w - 2.5, 0.5), ROW_HEIGHT - 3);
    }
  }
  // Labels fit the frame (ellipsis, then nothing).
  ctx.fillStyle = labelColor(o.dark);
  const minLabel = charW * 3 + 6;
  for (let i = 0; i < frames.length; i++) {
    const w = ws[i]!;
    if (w < minLabel) continue;
    const f = frames[i]!;
    const name = frameName(tree, names, f);
    const fit = Math.floor((w - 6) / charW);
    const text = name.length <= fit ? name : fit > 1 ? name.slice(0, fit - 1) + '…' : '';
    if (text) ctx.fillText(text, xs[i]! + 3, rowY(o, tree.depth[f]!) + ROW_HEIGHT / 2, w - 6);
  }
  return frames.length;
}

/** A frame's label: its function, or "all" for the root of the whole profile (node -1). */
export function frameName(tree: FlameTree, names: string[], f: number): string {
  const n = tree.node[f]!;
  return n < 0 ? 'all' : (names[n] ?? '');
}

/**
 * The tree below the root's only child, with that child as its root: a sandwich's halves start
 * at the function itself (next to the other half), not at an "all" frame that means nothing there.
 */
export function withoutRoot(tree: FlameTree): FlameTree {
  if (tree.size < 2 || tree.end[1] !== tree.size) return tree; // the root has not exactly one child
  const minus1 = (a: Int32Array) => a.subarray(1).map((v) => v - 1);
  return {
    sampleIndex: tree.sampleIndex,
    size: tree.size - 1,
    node: tree.node.subarray(1),
    parent: minus1(tree.parent),
    depth: minus1(tree.depth),
    end: minus1(tree.end),
    total: tree.total.subarray(1),
    self: tree.self.subarray(1),
    start: tree.start.subarray(1),
    maxDepth: Math.max(0, tree.maxDepth - 1),
    otherSelf: tree.otherSelf?.subarray(1),
    otherTotal: tree.otherTotal?.subarray(1),
  };
}

/** The frame under a point (CSS px), or -1. */
export function frameAt(v: FlameView, x: number, y: number): number {
  const { tree, zoom, width } = v;
  const height = canvasHeight(tree);
  const row = v.flip ? Math.floor((height - y) / ROW_HEIGHT) : Math.floor(y / ROW_HEIGHT);
  if (row < 0 || row > tree.maxDepth || x < 0 || x > width) return -1;
  const zd = tree.depth[zoom]!;
  if (row < zd) {
    let a = zoom;
    while (tree.depth[a]! > row) a = tree.parent[a]!;
    return a;
  }
  const span = Math.abs(tree.total[zoom]!);
  if (span === 0) return -1;
  const value = tree.start[zoom]! + (x / width) * span;
  const minValue = (MIN_WIDTH / width) * span;
  let f = zoom;
  while (tree.depth[f]! < row) {
    let next = -1;
    for (let c = f + 1; c < tree.end[f]!; c = tree.end[c]!) {
      const t = Math.abs(tree.total[c]!);
      if (t < minValue) break;
      if (value >= tree.start[c]! && value < tree.start[c]! + t) {
        next = c;
        break;
      }
    }
    if (next < 0) return -1;
    f = next;
  }
  return f;
}

/** Frames along the zoom path, from the root's child down: node ids, stable across sample types. */
export function zoomPathOf(tree: FlameTree, frame: number): number[] {
  const path: number[] = [];
  for (let a = frame; a > 0; a = tree.parent[a]!) path.push(tree.node[a]!);
  return path.reverse();
}

/** The frame a zoom path leads to in a (possibly different) tree, or 0 if it no longer exists. */
export function frameOfPath(tree: FlameTree, path: number[]): number {
  let f = 0;
  for (const n of path) {
    let next = -1;
    for (let c = f + 1; c < tree.end[f]!; c = tree.end[c]!) {
      if (tree.node[c] === n) {
        next = c;
        break;
      }
    }
    if (next < 0) return 0;
    f = next;
  }
  return f;
}

/**
 * Where the frames of a function are drawn (CSS px, centre of each box, widest first): used by
 * the test/debug hook `window.__flamelens.frames[testId](name)`.
 */
export function locateFrames(v: FlameView, name: string): { x: number; y: number; width: number; frame: number }[] {
  const { tree, zoom, width, names } = v;
  const span = Math.abs(tree.total[zoom]!);
  if (span === 0) return [];
  const scale = width / span;
  const out: { x: number; y: number; width: number; frame: number }[] = [];
  const place = (f: number, x: number, w: number) => {
    if (tree.node[f]! >= 0 && names[tree.node[f]!] === name) {
      out.push({ x: x + w / 2, y: rowY(v, tree.depth[f]!) + ROW_HEIGHT / 2, width: w, frame: f });
    }
  };
  for (let a = tree.parent[zoom]!; a >= 0; a = tree.parent[a]!) place(a, 0, width);
  for (let f = zoom; f < tree.end[zoom]!; f++) {
    const w = Math.abs(tree.total[f]!) * scale;
    if (w >= 1) place(f, (tree.start[f]! - tree.start[zoom]!) * scale, w);
  }
  return out.sort((a, b) => b.width - a.width);
}
