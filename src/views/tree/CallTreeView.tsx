import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatValue } from '../../profile/reports/format';
import type { FlameData } from '../../worker/protocol';

const ROW_HEIGHT = 22;
const INDENT = 14;

interface Props {
  data: FlameData;
  /** Bottom-up: rows are functions with self time, children their callers. */
  inverted: boolean;
  testId?: string;
}

function pct(v: number, total: number): string {
  return total === 0 ? '0%' : `${((v / total) * 100).toFixed(2)}%`;
}

/**
 * An expandable call tree (top-down, or inverted), virtualized: the frames of the flame tree in
 * depth-first order, children largest first. Arrows move and open/close, `*` expands everything
 * below the selected row, and a breadcrumb shows the selected path.
 */
export function CallTreeView({ data, inverted, testId = 'call-tree' }: Props) {
  const t = data.tree;
  const total = t.total[0]!;
  // A diff: the tree's own values are the comparison's (or the baseline's), otherTotal the other side.
  const diff = data.diff && t.otherTotal ? data.diff : undefined;
  const sides = (f: number) => {
    const w = t.total[f]!;
    const o = t.otherTotal![f]!;
    return diff!.widthBy === 'comparison' ? { base: o, next: w } : { base: w, next: o };
  };
  const [expanded, setExpanded] = useState(() => {
    const e = new Uint8Array(t.size);
    e[0] = 1;
    return e;
  });
  const [selected, setSelected] = useState(1 < t.size ? 1 : 0);
  useEffect(() => {
    const e = new Uint8Array(t.size);
    e[0] = 1;
    setExpanded(e);
    setSelected(1 < t.size ? 1 : 0);
  }, [t]);

  // Visible rows: depth-first, skipping the subtrees of collapsed frames (the root is implicit).
  const rows = useMemo(() => {
    const out = new Int32Array(t.size);
    let n = 0;
    let f = 1;
    while (f < t.size) {
      if (t.total[f] !== 0) out[n++] = f;
      f = expanded[f] ? f + 1 : t.end[f]!;
    }
    return out.subarray(0, n);
  }, [t, expanded]);
  const position = useMemo(() => {
    for (let i = 0; i < rows.length; i++) if (rows[i] === selected) return i;
    return -1;
  }, [rows, selected]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  useEffect(() => {
    if (position >= 0) virtualizer.scrollToIndex(position, { align: 'auto' });
  }, [position, virtualizer]);

  const hasChildren = (f: number) => t.end[f]! > f + 1;
  // `expanded` is replaced by a changed copy, never changed in place (a copy costs no more than
  // the visible rows it makes `rows` recompute).
  const toggle = (f: number, open?: boolean) =>
    setExpanded((prev) => {
      const e = prev.slice();
      e[f] = (open ?? !prev[f]) ? 1 : 0;
      return e;
    });
  const expandAll = (f: number) =>
    setExpanded((prev) => {
      const e = prev.slice();
      for (let g = f; g < t.end[f]!; g++) if (hasChildren(g)) e[g] = 1;
      return e;
    });

  const onKeyDown = (e: React.KeyboardEvent) => {
    const f = selected;
    if (e.key === 'ArrowDown' && position + 1 < rows.length) setSelected(rows[position + 1]!);
    else if (e.key === 'ArrowUp' && position > 0) setSelected(rows[position - 1]!);
    else if (e.key === 'ArrowRight') {
      if (hasChildren(f) && !expanded[f]) toggle(f, true);
      else if (hasChildren(f)) setSelected(f + 1);
    } else if (e.key === 'ArrowLeft') {
      if (expanded[f] && hasChildren(f)) toggle(f, false);
      else if (t.parent[f]! > 0) setSelected(t.parent[f]!);
    } else if (e.key === '*') expandAll(f);
    else if (e.key === 'Enter' || e.key === ' ') toggle(f);
    else return;
    e.preventDefault();
  };

  const path: number[] = [];
  for (let a = selected; a > 0; a = t.parent[a]!) path.unshift(a);

  return (
    <div className="call-tree" data-testid={testId}>
      <div className="tree-breadcrumb" data-testid="tree-breadcrumb">
        {path.map((f, i) => (
          <span key={f}>
            {i > 0 && <span className="sep">{inverted ? ' ← ' : ' → '}</span>}
            <button type="button" onClick={() => setSelected(f)}>
              {data.names[t.node[f]!]}
            </button>
          </span>
        ))}
      </div>
      <div className="tree-grid-row top-head" role="row">
        <span className="num">{diff ? 'Baseline' : 'Total'}</span>
        <span className="num">{diff ? 'Comparison' : 'Total%'}</span>
        <span className="num">{diff ? 'Δ total' : 'Self'}</span>
        <span className="num">{diff ? 'Δ %' : 'Self%'}</span>
        <span>{inverted ? 'Function ← callers' : 'Function → callees'}</span>
        <button
          type="button"
          className="expand-all"
          data-testid="tree-expand-all"
          onClick={() => expandAll(position >= 0 ? selected : 0)}
        >
          Expand all below (*)
        </button>
      </div>
      <div
        className="top-body"
        ref={scrollRef}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid={`${testId}-body`}
        data-rows={rows.length}
        aria-label={inverted ? 'Inverted call tree' : 'Call tree'}
        role="tree"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const f = rows[v.index]!;
            const depth = t.depth[f]! - 1;
            // In the inverted tree, "self" is the function's own time: its roots' totals.
            const self = inverted ? (depth === 0 ? t.total[f]! : 0) : t.self[f]!;
            const name = data.names[t.node[f]!]!;
            return (
              <div
                key={f}
                className={`tree-grid-row top-row${f === selected ? ' selected' : ''}`}
                role="treeitem"
                aria-expanded={hasChildren(f) ? Boolean(expanded[f]) : undefined}
                aria-level={depth + 1}
                aria-selected={f === selected}
                style={{ top: v.start, height: ROW_HEIGHT }}
                data-testid="tree-row"
                data-name={name}
                data-total={String(t.total[f])}
                data-diff={diff ? String(sides(f).next - sides(f).base) : undefined}
                data-self={String(self)}
                data-depth={depth}
                onClick={() => {
                  setSelected(f);
                  if (hasChildren(f)) toggle(f);
                }}
              >
                {diff ? (
                  <DiffCells {...sides(f)} unit={data.unit} baseTotal={diff.baseTotal} />
                ) : (
                  <>
                    <span className="num">{formatValue(t.total[f]!, data.unit)}</span>
                    <span className="num">{pct(t.total[f]!, total)}</span>
                    <span className="num">{self ? formatValue(self, data.unit) : ''}</span>
                    <span className="num">{self ? pct(self, total) : ''}</span>
                  </>
                )}
                <span className="name" data-testid="row-name" style={{ paddingLeft: depth * INDENT }} title={name}>
                  <span className="twisty">{hasChildren(f) ? (expanded[f] ? '▾' : '▸') : ' '}</span>
                  {name}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Baseline, comparison and difference (pprof -diff_base: % of the baseline's total). */
function DiffCells({ base, next, unit, baseTotal }: { base: number; next: number; unit: string; baseTotal: number }) {
  const d = next - base;
  return (
    <>
      <span className="num">{formatValue(base, unit)}</span>
      <span className="num">{formatValue(next, unit)}</span>
      <span className={`num ${d > 0 ? 'pos' : d < 0 ? 'neg' : ''}`}>
        {d > 0 ? '+' : ''}
        {formatValue(d, unit)}
      </span>
      <span className="num">{pct(d, baseTotal)}</span>
    </>
  );
}
