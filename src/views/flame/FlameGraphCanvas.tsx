import { useEffect, useRef, useState } from 'react';
import { useElementWidth } from '../use-element-width';
import type { FlameTree } from '../../profile/transforms/flame-tree';
import { formatValue } from '../../profile/reports/format';
import {
  type ColorMode,
  type DiffStyle,
  canvasHeight,
  depthsInView,
  drawFlameGraph,
  drawOptions,
  frameAt,
  frameName,
  frameSides,
  locateFrames,
  relativeChange,
} from './flame-render';

export interface FlameCanvasProps {
  tree: FlameTree;
  names: string[];
  files?: string[];
  unit: string;
  /** The value that percentages "of the profile" divide by. */
  profileTotal: number;
  zoom: number;
  flip: boolean;
  colorMode: ColorMode;
  dark: boolean;
  matched?: Uint8Array;
  selectedNode?: number;
  focusFrame?: number;
  testId?: string;
  onFrameClick?: (frame: number) => void;
  onFrameContextMenu?: (frame: number, clientX: number, clientY: number) => void;
  onHoverNode?: (node: number | undefined) => void;
  diff?: DiffStyle;
  /** False while a menu is open over the graph: the tooltip would sit in its way. */
  tooltip?: boolean;
}

interface Hover {
  frame: number;
  x: number;
  y: number;
}

/** The second part of a canvas's draw, while it is pending (see the draw effect). */
const restOfDraw = new WeakMap<HTMLCanvasElement, () => void>();

/** Finishes a canvas's draw now if part of it is pending: before reading its pixels. */
export function finishDraw(c: HTMLCanvasElement): void {
  restOfDraw.get(c)?.();
}

/**
 * Where the canvas's top is, relative to the top of the part of the window in which it can be
 * seen (its scrolling ancestors clip it), and how tall that part is.
 */
function visibleSpan(c: HTMLCanvasElement): [number, number] {
  let top = 0;
  let bottom = window.innerHeight;
  for (let el = c.parentElement; el; el = el.parentElement) {
    if (getComputedStyle(el).overflowY === 'visible') continue;
    const r = el.getBoundingClientRect();
    top = Math.max(top, r.top);
    bottom = Math.min(bottom, r.bottom);
  }
  return [c.getBoundingClientRect().top - top, bottom - top];
}

function pct(v: number, total: number): string {
  return total === 0 ? '0%' : `${((Math.abs(v) / Math.abs(total)) * 100).toFixed(2)}%`;
}

/**
 * A flame tree on a canvas. Redraws only when what it shows changes; `data-draws` counts
 * completed draws so that tests and benchmarks can wait for one.
 */
export function FlameGraphCanvas(p: FlameCanvasProps) {
  const [wrap, width] = useElementWidth<HTMLDivElement>(0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const draws = useRef(0);
  const drawnTree = useRef<FlameTree | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const height = canvasHeight(p.tree);

  useEffect(() => {
    const c = canvas.current;
    if (!c || width === 0) return;
    // A draw does the rows in view first and the rest in the next frame (or at the first scroll,
    // or before an export), so that what the person looks at shows sooner: at 10k stacks the rows
    // in a 800 px window are half the frames.
    const inView = depthsInView(p.tree, p.flip, ...visibleSpan(c));
    const dpr = window.devicePixelRatio || 1;
    // Setting a canvas's size, even to the same one, gives it a new bitmap: only when it changes.
    const [pw, ph] = [Math.round(width * dpr), Math.round(height * dpr)];
    if (c.width !== pw || c.height !== ph) {
      c.width = pw;
      c.height = ph;
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const options = {
      tree: p.tree,
      names: p.names,
      width,
      flip: p.flip,
      zoom: p.zoom,
      colorMode: p.colorMode,
      dark: p.dark,
      matched: p.matched,
      selectedNode: p.selectedNode,
      focusFrame: p.focusFrame,
      diff: p.diff,
    };
    drawFlameGraph(ctx, drawOptions({ ...options, depths: inView }));
    draws.current++;
    c.dataset.draws = String(draws.current);
    if (drawnTree.current !== p.tree) performance.mark('flamelens:page:drawn'); // a new tree's first draw
    drawnTree.current = p.tree;
    if (!inView) return;
    // The rest of this draw (not counted as another: tests and benchmarks wait for draws).
    let frame = 0;
    const rest = () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', rest, true);
      restOfDraw.delete(c);
      drawFlameGraph(ctx, drawOptions({ ...options, depths: { ...inView, inside: false }, clear: false }));
    };
    frame = requestAnimationFrame(rest);
    window.addEventListener('scroll', rest, { capture: true, passive: true });
    restOfDraw.set(c, rest);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', rest, true);
      restOfDraw.delete(c);
    };
  }, [p.tree, p.names, width, height, p.flip, p.zoom, p.colorMode, p.dark, p.matched, p.selectedNode, p.focusFrame, p.diff]);

  const view = { tree: p.tree, names: p.names, width, flip: p.flip, zoom: p.zoom };
  const testId = p.testId ?? 'flamegraph';
  // Test/debug hook: where a function's frames are drawn, so that tests can hover them.
  useEffect(() => {
    const w = window as unknown as { __flamelens?: { frames: Record<string, (name: string) => unknown> } };
    w.__flamelens ??= { frames: {} };
    const v = { tree: p.tree, names: p.names, width, flip: p.flip, zoom: p.zoom };
    w.__flamelens.frames[testId] = (name: string) => locateFrames(v, name);
    return () => {
      delete w.__flamelens?.frames[testId];
    };
  }, [testId, p.tree, p.names, width, p.flip, p.zoom]);
  const at = (e: React.MouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { frame: frameAt(view, e.clientX - r.left, e.clientY - r.top), x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const t = p.tree;
  const h = hover && hover.frame >= 0 && p.tooltip !== false ? hover.frame : -1;
  const parent = h >= 0 ? t.parent[h]! : -1;
  const isFunction = (f: number) => t.node[f]! >= 0; // not the root of the whole profile
  return (
    <div className="flame-canvas-wrap" ref={wrap}>
      <canvas
        ref={canvas}
        data-testid={testId}
        data-draws="0"
        data-zoom-frame={p.zoom}
        onMouseMove={(e) => {
          const a = at(e);
          setHover(a.frame >= 0 ? a : null);
          p.onHoverNode?.(a.frame >= 0 && isFunction(a.frame) ? t.node[a.frame]! : undefined);
        }}
        onMouseLeave={() => {
          setHover(null);
          p.onHoverNode?.(undefined);
        }}
        onClick={(e) => {
          const a = at(e);
          if (a.frame >= 0) p.onFrameClick?.(a.frame);
        }}
        onContextMenu={(e) => {
          const a = at(e);
          if (a.frame >= 0 && isFunction(a.frame) && p.onFrameContextMenu) {
            e.preventDefault();
            p.onFrameContextMenu(a.frame, e.clientX, e.clientY);
          }
        }}
      />
      {h >= 0 && hover && (
        <div
          className="flame-tooltip"
          data-testid="flame-tooltip"
          style={{ left: Math.min(hover.x + 14, Math.max(0, width - 380)), top: hover.y + 16 }}
        >
          <div className="tt-name" data-testid="tooltip-name">
            {frameName(t, p.names, h)}
          </div>
          {isFunction(h) && p.files?.[t.node[h]!] && <div className="tt-file">{p.files[t.node[h]!]}</div>}
          {p.diff ? (
            <DiffTooltipTable tree={t} frame={h} diff={p.diff} unit={p.unit} />
          ) : (
            <table>
              <tbody>
                <tr>
                  <th>Self</th>
                  <td data-testid="tooltip-self" data-value={String(t.self[h])}>
                    {formatValue(t.self[h]!, p.unit)}
                  </td>
                  <td>{pct(t.self[h]!, p.profileTotal)}</td>
                </tr>
                <tr>
                  <th>Total</th>
                  <td data-testid="tooltip-total" data-value={String(t.total[h])}>
                    {formatValue(t.total[h]!, p.unit)}
                  </td>
                  <td data-testid="tooltip-total-pct">{pct(t.total[h]!, p.profileTotal)} of profile</td>
                </tr>
                {parent >= 0 && (
                  <tr>
                    <th />
                    <td />
                    <td data-testid="tooltip-parent-pct">{pct(t.total[h]!, t.total[parent]!)} of parent</td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}

function changeText(c: number): string {
  if (!Number.isFinite(c)) return 'new';
  if (c === -1) return 'gone';
  return `${c > 0 ? '+' : ''}${(c * 100).toFixed(2)}%`;
}

/** Baseline, comparison, difference and relative change, for self and total. */
function DiffTooltipTable({ tree, frame, diff, unit }: { tree: FlameTree; frame: number; diff: DiffStyle; unit: string }) {
  const { base, next } = frameSides(tree, diff, frame);
  const row = (label: string, key: 'self' | 'total') => (
    <tr>
      <th>{label}</th>
      <td data-testid={`tooltip-base-${key}`} data-value={String(base[key])}>
        {formatValue(base[key], unit)}
      </td>
      <td data-testid={`tooltip-next-${key}`} data-value={String(next[key])}>
        {formatValue(next[key], unit)}
      </td>
      <td data-testid={`tooltip-diff-${key}`} data-value={String(next[key] - base[key])}>
        {next[key] - base[key] > 0 ? '+' : ''}
        {formatValue(next[key] - base[key], unit)}
      </td>
      <td data-testid={`tooltip-change-${key}`}>{changeText(relativeChange(base[key], next[key], diff))}</td>
    </tr>
  );
  return (
    <table>
      <thead>
        <tr>
          <th />
          <th>Baseline</th>
          <th>Comparison</th>
          <th>Diff</th>
          <th>{diff.absolute ? 'Change' : 'Share change'}</th>
        </tr>
      </thead>
      <tbody>
        {row('Self', 'self')}
        {row('Total', 'total')}
      </tbody>
    </table>
  );
}
