import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatValue } from '../../profile/reports/format';
import { diffColor } from '../flame/flame-render';
import type { Granularity } from '../../profile/model/nodes';
import type { GraphLayout, GraphOptions, ViewFilters } from '../../worker/protocol';
import { downloadBlob, exportName } from '../download';
import type { FilterKind } from '../RefineBar';
import { useWorkerQuery } from '../use-worker-query';
import { recolorGraph } from './graph-colors';

interface Props {
  profile: number;
  profileName: string;
  sampleIndex: number;
  granularity: Granularity;
  options: GraphOptions;
  onOptions: (o: GraphOptions) => void;
  filters?: ViewFilters;
  onRefine?: (kind: FilterKind, name: string) => void;
  /** Opens the Source view on a node's function (from the node menu). */
  onShowSource?: (name: string) => void;
  dark: boolean;
  /** The profile is a diff: nodes are colored by their change. */
  diff: boolean;
  /** Blue/orange instead of green/red for a diff (shared with the flame graph). */
  colorBlind: boolean;
  onColorBlind: (on: boolean) => void;
}

/**
 * Turns Graphviz's SVG text into DOM nodes without ever interpreting it as HTML: parsed as XML,
 * with scripts, foreign objects, event handlers and links removed. Profile strings inside are
 * text nodes (Graphviz escapes them), so they can only ever be shown as text.
 */
export function sanitizeSvg(svgText: string): SVGSVGElement {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length > 0) {
    throw new Error('Graphviz produced no SVG');
  }
  for (const el of Array.from(svg.querySelectorAll('script, foreignObject, iframe, image'))) el.remove();
  for (const el of Array.from(svg.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) el.removeAttribute(attr.name);
    }
  }
  return document.importNode(svg, true) as unknown as SVGSVGElement;
}

interface View {
  x: number;
  y: number;
  k: number;
}

/** Room left around a fitted graph (px), so that its outer nodes do not touch the edges. */
const FIT_MARGIN = 8;

/** pprof's call graph, laid out by Graphviz in the worker, with pan, zoom and node selection. */
export function CallGraphView(p: Props) {
  const { profile, sampleIndex, granularity, options, filters } = p;
  const layout = useWorkerQuery('graph', { profile, sampleIndex, granularity, options, filters });
  const host = useRef<HTMLDivElement>(null);
  const viewport = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const [selected, setSelected] = useState<number | null>(null);
  const [menu, setMenu] = useState<{ node: number; x: number; y: number } | null>(null);
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean } | null>(null);
  /** The graph is as Fit left it (not panned or zoomed since): it fits again when the viewport resizes. */
  const fitted = useRef(true);
  const data = layout.data;

  // Put the SVG into the page (as sanitized DOM) and fit it.
  useLayoutEffect(() => {
    const el = host.current;
    if (!el || !data) return;
    el.replaceChildren();
    try {
      el.appendChild(sanitizeSvg(data.svg));
    } catch {
      return;
    }
    setSelected(null);
    fit();
  }, [data]);

  // Whether each layout is a diff's, as it was when the layout came: the previous profile's
  // graph stays on screen until the next one's is laid out, and keeps its own colors meanwhile.
  const [diffLayouts] = useState(() => new WeakMap<GraphLayout, boolean>());
  if (data && !diffLayouts.has(data)) diffLayouts.set(data, p.diff);
  const diff = data ? diffLayouts.get(data)! : false;

  // The page's colors (the downloads keep pprof's): see graph-colors.ts.
  const { dark, colorBlind } = p;
  useLayoutEffect(() => {
    const svg = host.current?.querySelector('svg');
    if (svg && data) recolorGraph(svg, { dark, diff, colorBlind, total: data.total, cums: data.nodes.map((n) => n.cum) });
  }, [data, dark, diff, colorBlind]);

  useEffect(() => {
    const box = viewport.current;
    if (!box) return;
    const onResize = new ResizeObserver(() => fitted.current && fit());
    onResize.observe(box);
    return () => onResize.disconnect();
  }, []);

  // Selection: the node and its edges stand out, the rest fades.
  useEffect(() => {
    const svg = host.current?.querySelector('svg');
    if (!svg) return;
    svg.classList.toggle('has-selection', selected !== null);
    const id = selected === null ? '' : `N${selected + 1}`;
    for (const g of Array.from(svg.querySelectorAll('g.node, g.edge'))) {
      const title = g.querySelector('title')?.textContent ?? '';
      const on = g.classList.contains('node')
        ? title === id
        : title
            .split('->')
            .map((s) => s.trim())
            .includes(id);
      g.classList.toggle('selected', selected !== null && on);
    }
  }, [selected, data]);

  /** The whole graph in the viewport, centred, at most at its natural size. */
  const fit = () => {
    const svg = host.current?.querySelector('svg');
    const box = viewport.current;
    if (!svg || !box) return;
    fitted.current = true;
    const w = svg.width.baseVal.value || 1;
    const h = svg.height.baseVal.value || 1;
    const width = box.clientWidth;
    const height = box.clientHeight;
    const k = Math.max(0.01, Math.min((width - 2 * FIT_MARGIN) / w, (height - 2 * FIT_MARGIN) / h, 1));
    setView({ k, x: (width - w * k) / 2, y: (height - h * k) / 2 });
  };

  const nodeOf = (target: EventTarget | null): number | null => {
    const g = (target as Element | null)?.closest?.('g.node');
    const title = g?.querySelector('title')?.textContent ?? '';
    const m = /^N(\d+)$/.exec(title);
    return m ? Number(m[1]) - 1 : null;
  };

  if (layout.error) {
    return (
      <div className="error" role="alert" data-testid="error">
        {layout.error.message}
      </div>
    );
  }
  const base = exportName(p.profileName);
  const set = (patch: Partial<GraphOptions>) => p.onOptions({ ...p.options, ...patch });
  return (
    <div className="graph-view">
      <div className="flame-toolbar">
        <label>
          Nodes
          <input
            type="number"
            min={0}
            data-testid="graph-nodecount"
            value={p.options.nodeCount}
            onChange={(e) => set({ nodeCount: Math.max(0, Number(e.target.value) || 0) })}
          />
        </label>
        <label>
          Node fraction
          <input
            type="number"
            step={0.001}
            min={0}
            max={1}
            data-testid="graph-nodefraction"
            value={p.options.nodeFraction}
            onChange={(e) => set({ nodeFraction: Math.min(1, Math.max(0, Number(e.target.value) || 0)) })}
          />
        </label>
        <label>
          Edge fraction
          <input
            type="number"
            step={0.001}
            min={0}
            max={1}
            data-testid="graph-edgefraction"
            value={p.options.edgeFraction}
            onChange={(e) => set({ edgeFraction: Math.min(1, Math.max(0, Number(e.target.value) || 0)) })}
          />
        </label>
        <button type="button" data-testid="graph-fit" onClick={fit}>
          Fit
        </button>
        {diff && data && (
          <GraphDiffLegend
            largest={largestChange(data.nodes)}
            unit={data.unit}
            dark={dark}
            colorBlind={colorBlind}
            onColorBlind={p.onColorBlind}
          />
        )}
        <span className="spacer" />
        {data && (
          <>
            <button
              type="button"
              data-testid="download-dot"
              onClick={() => downloadBlob(new Blob([data.dot], { type: 'text/vnd.graphviz' }), `${base}.dot`)}
            >
              Download DOT
            </button>
            <button
              type="button"
              data-testid="download-svg"
              onClick={() => downloadBlob(new Blob([data.svg], { type: 'image/svg+xml' }), `${base}.svg`)}
            >
              Download SVG
            </button>
          </>
        )}
      </div>
      {data && (
        <div className="graph-legend" data-testid="graph-legend">
          {data.legend.map((l, i) => (
            <div key={i}>{l}</div>
          ))}
        </div>
      )}
      <div
        className="graph-viewport"
        ref={viewport}
        data-testid="callgraph"
        data-nodes={data?.nodes.length ?? ''}
        onWheel={(e) => {
          const r = viewport.current!.getBoundingClientRect();
          const mx = e.clientX - r.left;
          const my = e.clientY - r.top;
          const f = e.deltaY < 0 ? 1.1 : 1 / 1.1;
          fitted.current = false;
          setView((v) => {
            const k = Math.min(10, Math.max(0.05, v.k * f));
            return { k, x: mx - ((mx - v.x) * k) / v.k, y: my - ((my - v.y) * k) / v.k };
          });
        }}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          if (Math.abs(e.clientX - d.x) + Math.abs(e.clientY - d.y) > 2) d.moved = true;
          if (d.moved) fitted.current = false;
          if (d.moved) setView((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
        }}
        onPointerUp={(e) => {
          const d = drag.current;
          drag.current = null;
          if (d?.moved) return;
          const n = nodeOf(e.target);
          setSelected(n);
          setMenu(n === null ? null : { node: n, x: e.clientX, y: e.clientY });
        }}
      >
        {!data && <div className="progress">Laying out the call graph…</div>}
        <div className="graph-host" ref={host} style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.k})` }} />
      </div>
      {menu && data && (
        <div className="context-menu" style={{ left: menu.x, top: menu.y }} data-testid="graph-node-menu" role="menu">
          <div className="menu-title" data-testid="graph-node-name">
            {data.nodes[menu.node]!.name}
          </div>
          <div className="hint">
            flat {formatValue(data.nodes[menu.node]!.flat, data.unit)}, cum {formatValue(data.nodes[menu.node]!.cum, data.unit)}
          </div>
          {(
            [
              ['Focus', 'focus'],
              ['Ignore', 'ignore'],
              ['Hide', 'hide'],
              ['Show', 'show'],
            ] as [string, FilterKind][]
          ).map(([label, kind]) => (
            <button
              key={kind}
              type="button"
              role="menuitem"
              onClick={() => {
                setMenu(null);
                p.onRefine?.(kind, data.nodes[menu.node]!.name);
              }}
            >
              {label}
            </button>
          ))}
          {p.onShowSource && (
            <button
              type="button"
              role="menuitem"
              onClick={() => {
                setMenu(null);
                p.onShowSource!(data.nodes[menu.node]!.name);
              }}
            >
              Show source
            </button>
          )}
          <button type="button" onClick={() => setMenu(null)}>
            Close
          </button>
        </div>
      )}
    </div>
  );
}

/** The node whose change is largest (a diff's nodes have comparison − baseline as cum). */
function largestChange(nodes: { cum: number }[]): number {
  return nodes.reduce((m, n) => Math.max(m, Math.abs(n.cum)), 0);
}

/** A diff graph's color scale, and the color-blind palette switch it shares with the flame graph. */
function GraphDiffLegend(p: {
  largest: number;
  unit: string;
  dark: boolean;
  colorBlind: boolean;
  onColorBlind: (on: boolean) => void;
}) {
  const stops = [-1, -0.6, -0.25, 0, 0.25, 0.6, 1];
  return (
    <span className="diff-controls">
      <label title="Blue/orange instead of red/green">
        <input
          type="checkbox"
          data-testid="graph-colorblind"
          checked={p.colorBlind}
          onChange={(e) => p.onColorBlind(e.target.checked)}
        />
        Color-blind palette
      </label>
      <span className="diff-legend" data-testid="graph-diff-legend">
        <span>shrank</span>
        {stops.map((c) => (
          <span key={c} className="diff-swatch" style={{ background: diffColor(c, p, p.dark) }} />
        ))}
        <span>grew</span>
        <span className="hint">(full color = ±{formatValue(p.largest, p.unit)}, the largest change shown)</span>
      </span>
    </span>
  );
}
