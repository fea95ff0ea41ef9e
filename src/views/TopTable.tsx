import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { formatPercent, scaledLabel, selectOutputUnit } from '../profile/reports/format';
import type { TopColumns } from '../worker/protocol';
import { TableFilter } from './TableFilter';
import { fitColumns, gridTracks } from './table-layout';
import { useElementWidth } from './use-element-width';

export type TopSortKey = 'flat' | 'cum' | 'name';

interface Props {
  top: TopColumns;
  filter: string;
  onFilterChange: (filter: string) => void;
  sort: TopSortKey;
  /** true: ascending (names a→z, values small→large). */
  ascending: boolean;
  onSortChange: (sort: TopSortKey, ascending: boolean) => void;
  /** The selected function: its row is marked and scrolled into view. */
  selectedName?: string | null;
  onRowClick?: (name: string) => void;
  onRowHover?: (name: string | null) => void;
}

const ROW_HEIGHT = 22;

type TopColumn = 'flat' | 'flat-pct' | 'sum-pct' | 'cum' | 'cum-pct';
/**
 * pprof's columns, in pprof's order after Name. When the table is narrow, sum% goes first, then
 * the percentages; flat and cum stay.
 */
const COLUMNS: { key: TopColumn; label: string; width: number; rank: number }[] = [
  { key: 'flat', label: 'Flat', width: 84, rank: 1 },
  { key: 'flat-pct', label: 'Flat%', width: 60, rank: 3 },
  { key: 'sum-pct', label: 'Sum%', width: 60, rank: 5 },
  { key: 'cum', label: 'Cum', width: 84, rank: 2 },
  { key: 'cum-pct', label: 'Cum%', width: 60, rank: 4 },
];

/** Compiles the filter box's text; an invalid expression filters nothing and says why. */
export function compileFilter(filter: string): { re?: RegExp; error?: string } {
  if (filter === '') return {};
  try {
    return { re: new RegExp(filter) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'invalid regular expression' };
  }
}

/**
 * pprof's top table, virtualized: Name first (so that it can be read in a narrow pane), then
 * pprof's flat, flat%, sum%, cum, cum% as far as they fit (table-layout.ts). Values use one unit
 * for the whole table, chosen as pprof does; sum% runs in display order, as in pprof's web UI.
 */
export function TopTable({
  top,
  filter,
  onFilterChange,
  sort,
  ascending,
  onSortChange,
  selectedName,
  onRowClick,
  onRowHover,
}: Props) {
  // Compiled once per filter, so that `re` changes only with it.
  const { re, error } = useMemo(() => compileFilter(filter), [filter]);
  const order = useMemo(() => {
    const n = top.names.length;
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (!re || re.test(top.names[i]!)) idx.push(i);
    // The worker's order is pprof's flat order; other orders are computed here.
    const byName = (a: number, b: number) => (top.names[a]! < top.names[b]! ? -1 : top.names[a]! > top.names[b]! ? 1 : 0);
    if (sort === 'cum') {
      idx.sort(
        (a, b) =>
          Math.abs(top.cum[b]!) - Math.abs(top.cum[a]!) || byName(a, b) || Math.abs(top.flat[b]!) - Math.abs(top.flat[a]!),
      );
    } else if (sort === 'name') {
      idx.sort(byName);
    }
    const descendingByDefault = sort !== 'name';
    if (ascending === descendingByDefault) idx.reverse();
    return idx;
  }, [top, re, sort, ascending]);

  const unit = useMemo(() => {
    const rows = [];
    for (let i = 0; i < top.names.length; i++) rows.push({ flat: top.flat[i]!, cum: top.cum[i]! });
    return selectOutputUnit(rows, top.total, top.unit);
  }, [top]);

  const sums = useMemo(() => {
    const s = new Float64Array(order.length);
    let acc = 0;
    for (let k = 0; k < order.length; k++) {
      acc += top.flat[order[k]!]!;
      s[k] = acc;
    }
    return s;
  }, [order, top]);

  const [rootRef, width] = useElementWidth<HTMLDivElement>();
  const columns = fitColumns(COLUMNS, width, sort);
  const tracks = { gridTemplateColumns: gridTracks(columns) };

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  const selectedPos = useMemo(
    () => (selectedName ? order.findIndex((i) => top.names[i] === selectedName) : -1),
    [order, top, selectedName],
  );
  useEffect(() => {
    if (selectedPos >= 0) virtualizer.scrollToIndex(selectedPos, { align: 'auto' });
  }, [selectedPos, virtualizer]);

  const fmt = (v: number) => scaledLabel(v, top.unit, unit);
  const header = (key: TopSortKey, label: string, className = '') => (
    <button
      type="button"
      className={`${className} ${sort === key ? 'sorted' : ''} ${sort === key && ascending ? 'asc' : ''}`}
      data-testid={`sort-${key}`}
      aria-sort={sort === key ? (ascending ? 'ascending' : 'descending') : 'none'}
      onClick={() => onSortChange(key, sort === key ? !ascending : key === 'name')}
    >
      {label}
    </button>
  );

  const cell = (key: TopColumn, i: number, pos: number): string => {
    switch (key) {
      case 'flat':
        return fmt(top.flat[i]!);
      case 'flat-pct':
        return formatPercent(top.flat[i]!, top.total).trim();
      case 'sum-pct':
        return formatPercent(sums[pos]!, top.total).trim();
      case 'cum':
        return fmt(top.cum[i]!);
      case 'cum-pct':
        return formatPercent(top.cum[i]!, top.total).trim();
    }
  };

  return (
    <div className="top" ref={rootRef}>
      <div className="top-controls">
        <TableFilter
          filter={filter}
          onFilterChange={onFilterChange}
          error={error}
          shown={order.length}
          total={top.names.length}
        />
        <span className="hint">
          of{' '}
          <span data-testid="top-total" data-value={String(top.total)}>
            {fmt(top.total)}
          </span>{' '}
          total
        </span>
      </div>
      <div className="top-grid-row top-head" role="row" data-testid="table-head" style={tracks}>
        <span>{header('name', 'Name')}</span>
        {columns.map((c) => (
          <span key={c.key} className="num" data-col={c.key}>
            {c.key === 'flat' || c.key === 'cum' ? header(c.key, c.label) : c.label}
          </span>
        ))}
      </div>
      <div className="top-body" ref={scrollRef} data-testid="top-table">
        {order.length === 0 && <div className="empty-rows">No function matches.</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const i = order[v.index]!;
            const name = top.names[i]!;
            const inl = top.inline[i] === 1 ? ' (inline)' : top.inline[i] === 2 ? ' (partial-inline)' : '';
            return (
              <div
                key={i}
                className={`top-grid-row top-row${v.index === selectedPos ? ' selected' : ''}`}
                role="row"
                aria-selected={v.index === selectedPos}
                onClick={() => onRowClick?.(name)}
                onMouseEnter={() => onRowHover?.(name)}
                onMouseLeave={() => onRowHover?.(null)}
                style={{ ...tracks, top: v.start, height: ROW_HEIGHT }}
                data-testid="top-row"
                data-name={name}
                data-flat={String(top.flat[i])}
                data-cum={String(top.cum[i])}
              >
                <span className="name" data-testid="row-name" title={name}>
                  {name}
                  {inl && <span className="inl">{inl}</span>}
                </span>
                {columns.map((c) => (
                  <span key={c.key} className="num" data-col={c.key}>
                    {cell(c.key, i, v.index)}
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
