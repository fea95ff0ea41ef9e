import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { formatPercent, scaledLabel, selectOutputUnit } from '../profile/reports/format';
import type { TopColumns } from '../worker/protocol';
import { relativeChange } from './flame/flame-render';
import { compileFilter } from './TopTable';
import { TableFilter } from './TableFilter';
import { fitColumns, gridTracks } from './table-layout';
import { useElementWidth } from './use-element-width';

export type DiffSortKey = 'flat' | 'cum' | 'name';
const ROW_HEIGHT = 22;

interface Props {
  top: TopColumns;
  filter: string;
  onFilterChange: (f: string) => void;
  sort: DiffSortKey;
  ascending: boolean;
  onSortChange: (sort: DiffSortKey, ascending: boolean) => void;
  /** Compare raw values instead of each side's share of its own total (the flame graph's "Absolute"). */
  absolute: boolean;
  /** When given, the table has its own "Absolute" box (when no flame graph is beside it). */
  onAbsoluteChange?: (absolute: boolean) => void;
  /** Orange/blue instead of red/green, as the flame graph. */
  colorBlind: boolean;
  /** List the functions whose flat and cum both net to 0, which pprof -diff_base leaves out. */
  showUnchanged: boolean;
  onShowUnchangedChange: (show: boolean) => void;
  selectedName?: string | null;
  onRowClick?: (name: string) => void;
}

type Side = 'flat' | 'cum';
type DiffColumn = Side | `${Side}-base-pct` | `${Side}-next-pct` | `${Side}-change`;
interface Column {
  key: DiffColumn;
  side: Side;
  label: string;
  title: string;
  width: number;
  rank: number;
}

/**
 * Per side (flat, cum): pprof's raw difference, each profile's share of its own total, and the
 * change of that share (what the diff flame graph colors by). When narrow, the cum change (the
 * flame graph's color), pprof's Δ flat (its default order) and the cum shares stay longest.
 */
function columnsOf(absolute: boolean): Column[] {
  const of = (side: Side, rank: { delta: number; pct: number; change: number }): Column[] => [
    { key: side, side, label: 'Δ', title: 'comparison − baseline, as go tool pprof -diff_base', width: 84, rank: rank.delta },
    { key: `${side}-base-pct`, side, label: 'base%', title: "share of the baseline's total", width: 56, rank: rank.pct },
    { key: `${side}-next-pct`, side, label: 'comp%', title: "share of the comparison's total", width: 56, rank: rank.pct },
    {
      key: `${side}-change`,
      side,
      label: 'change',
      title: absolute
        ? 'relative change of the raw value (Absolute)'
        : "relative change of the share of each side's total, as the flame graph colors frames",
      width: 76,
      rank: rank.change,
    },
  ];
  return [...of('flat', { delta: 2, pct: 6, change: 5 }), ...of('cum', { delta: 4, pct: 3, change: 1 })];
}

/** As the flame graph's tooltip: +12.50%, new, gone. */
function changeText(c: number): string {
  if (!Number.isFinite(c)) return 'new';
  if (c === -1) return 'gone';
  return `${c > 0 ? '+' : ''}${(c * 100).toFixed(2)}%`;
}

/** A row whose flat and cum both net to 0. */
function unchanged(top: TopColumns, i: number): boolean {
  return top.flat[i] === 0 && top.cum[i] === 0;
}

/** Colored as the flame graph: changes under 2% are grey there, and plain here. */
function changeClass(c: number): string {
  return c >= 0.02 ? 'grew' : c <= -0.02 ? 'shrank' : '';
}

/**
 * The top table of a diff (pprof's -diff_base: comparison − baseline). Name first; per flat and
 * cum the raw difference, each side's share of its own total and the change of that share, so a
 * longer comparison range does not make every row look worse. The default order is pprof's (by
 * |Δ flat|), and, as pprof, rows whose flat and cum both net to 0 are left out unless asked for.
 */
export function DiffTopTable(p: Props) {
  const { top } = p;
  const d = top.diff!;
  // Compiled once per filter, so that `re` changes only with it.
  const { re, error } = useMemo(() => compileFilter(p.filter), [p.filter]);
  const unchangedCount = useMemo(() => {
    let n = 0;
    for (let i = 0; i < top.names.length; i++) if (unchanged(top, i)) n++;
    return n;
  }, [top]);
  const order = useMemo(() => {
    const idx: number[] = [];
    for (let i = 0; i < top.names.length; i++) {
      if ((p.showUnchanged || !unchanged(top, i)) && (!re || re.test(top.names[i]!))) idx.push(i);
    }
    const byName = (a: number, b: number) => (top.names[a]! < top.names[b]! ? -1 : top.names[a]! > top.names[b]! ? 1 : 0);
    if (p.sort === 'cum') idx.sort((a, b) => Math.abs(top.cum[b]!) - Math.abs(top.cum[a]!) || byName(a, b));
    else if (p.sort === 'name') idx.sort(byName);
    if (p.ascending === (p.sort !== 'name')) idx.reverse();
    return idx;
  }, [top, re, p.sort, p.ascending, p.showUnchanged]);

  // pprof's unit for a diff report: from the differences, against the baseline's total.
  const unit = useMemo(() => {
    const rows = [];
    for (let i = 0; i < top.names.length; i++) rows.push({ flat: top.flat[i]!, cum: top.cum[i]! });
    return selectOutputUnit(rows, top.total, top.unit);
  }, [top]);
  const fmt = (v: number) => scaledLabel(v, top.unit, unit);
  const signed = (v: number) => (v > 0 ? '+' : '') + fmt(v);
  const style = {
    absolute: p.absolute,
    baseTotal: d.baseTotal,
    nextTotal: d.nextTotal,
    widthBy: 'comparison',
    colorBlind: p.colorBlind,
  } as const;

  const [rootRef, width] = useElementWidth<HTMLDivElement>();
  const columns = fitColumns(columnsOf(p.absolute), width, p.sort === 'name' ? undefined : p.sort);
  const tracks = { gridTemplateColumns: gridTracks(columns) };
  // Header groups: "Flat" and "Cum" over the columns of each that are shown.
  const groups = (['flat', 'cum'] as const)
    .map((side) => ({
      side,
      start: columns.findIndex((c) => c.side === side),
      span: columns.filter((c) => c.side === side).length,
    }))
    .filter((g) => g.span > 0);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const sortButton = (key: DiffSortKey, label: string, title: string) => (
    <button
      type="button"
      data-testid={`diff-sort-${key}`}
      title={title}
      className={`${p.sort === key ? 'sorted' : ''} ${p.sort === key && p.ascending ? 'asc' : ''}`}
      aria-sort={p.sort === key ? (p.ascending ? 'ascending' : 'descending') : 'none'}
      onClick={() => p.onSortChange(key, p.sort === key ? !p.ascending : key === 'name')}
    >
      {label}
    </button>
  );

  const cell = (c: Column, i: number): { text: string; title?: string; className?: string } => {
    const base = c.side === 'flat' ? d.baseFlat[i]! : d.baseCum[i]!;
    const next = c.side === 'flat' ? d.nextFlat[i]! : d.nextCum[i]!;
    const raw = { title: `baseline ${fmt(base)}, comparison ${fmt(next)}` };
    switch (c.key) {
      case 'flat':
      case 'cum':
        return { ...raw, text: signed(c.side === 'flat' ? top.flat[i]! : top.cum[i]!) };
      case 'flat-base-pct':
      case 'cum-base-pct':
        return { ...raw, text: formatPercent(base, d.baseTotal).trim() };
      case 'flat-next-pct':
      case 'cum-next-pct':
        return { ...raw, text: formatPercent(next, d.nextTotal).trim() };
      default: {
        if (base === 0 && next === 0) return { text: '' };
        const change = relativeChange(base, next, style);
        return { text: changeText(change), className: changeClass(change) };
      }
    }
  };

  return (
    <div className={`top diff-table${p.colorBlind ? ' cb' : ''}`} ref={rootRef}>
      <div className="top-controls">
        <TableFilter
          filter={p.filter}
          onFilterChange={p.onFilterChange}
          error={error}
          shown={order.length}
          total={top.names.length - (p.showUnchanged ? 0 : unchangedCount)}
        />
        <label className="hint" title="Functions whose flat and cum both net to 0; go tool pprof -diff_base leaves them out">
          <input
            type="checkbox"
            data-testid="show-unchanged"
            checked={p.showUnchanged}
            onChange={(e) => p.onShowUnchangedChange(e.target.checked)}
          />
          Show unchanged ({unchangedCount})
        </label>
        {p.onAbsoluteChange && (
          <label className="hint" title="Compare raw values instead of each side's share of its own total">
            <input
              type="checkbox"
              data-testid="table-absolute"
              checked={p.absolute}
              onChange={(e) => p.onAbsoluteChange!(e.target.checked)}
            />
            Absolute
          </label>
        )}
        <span className="hint">
          baseline <span data-testid="diff-base-total">{fmt(d.baseTotal)}</span>, comparison{' '}
          <span data-testid="diff-next-total">{fmt(d.nextTotal)}</span>
        </span>
      </div>
      <div className="top-grid-row top-head diff-head" role="row" data-testid="table-head" style={tracks}>
        <span className="name-head" style={{ gridRow: '1 / span 2' }}>
          {sortButton('name', 'Name', 'Sort by name')}
        </span>
        {groups.map((g) => (
          <span key={g.side} className="group" style={{ gridRow: 1, gridColumn: `${g.start + 2} / span ${g.span}` }}>
            {g.side === 'flat' ? 'Flat' : 'Cum'}
          </span>
        ))}
        {columns.map((c, k) => (
          <span key={c.key} className="num" data-col={c.key} title={c.title} style={{ gridRow: 2, gridColumn: k + 2 }}>
            {c.key === 'flat' || c.key === 'cum' ? sortButton(c.key, c.label, `${c.title}; sort by |Δ ${c.key}|`) : c.label}
          </span>
        ))}
      </div>
      <div className="top-body" ref={scrollRef} data-testid="diff-table">
        {order.length === 0 && (
          <div className="empty-rows">{top.names.length === 0 || p.filter ? 'No function matches.' : 'No function changed.'}</div>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const i = order[v.index]!;
            const name = top.names[i]!;
            const onlyBase = d.nextCum[i] === 0 && d.baseCum[i] !== 0;
            const onlyNext = d.baseCum[i] === 0 && d.nextCum[i] !== 0;
            return (
              <div
                key={i}
                className={`top-grid-row top-row${p.selectedName === name ? ' selected' : ''}`}
                role="row"
                style={{ ...tracks, top: v.start, height: ROW_HEIGHT }}
                onClick={() => p.onRowClick?.(name)}
                data-testid="diff-row"
                data-name={name}
                data-base-flat={String(d.baseFlat[i])}
                data-next-flat={String(d.nextFlat[i])}
                data-flat={String(top.flat[i])}
                data-base-cum={String(d.baseCum[i])}
                data-next-cum={String(d.nextCum[i])}
                data-cum={String(top.cum[i])}
                data-only={onlyBase ? 'baseline' : onlyNext ? 'comparison' : ''}
              >
                <span className="name" data-testid="row-name" title={name}>
                  {name}
                  {onlyBase && <span className="only">removed</span>}
                  {onlyNext && <span className="only">new</span>}
                </span>
                {columns.map((c) => {
                  const { text, title, className } = cell(c, i);
                  return (
                    <span key={c.key} className={`num ${className ?? ''}`} data-col={c.key} title={title}>
                      {text}
                    </span>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
