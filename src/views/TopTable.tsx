import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { formatPercent, scaledLabel, selectOutputUnit } from '../profile/format';
import type { TopColumns } from '../worker/protocol';
import { TableFilter } from './TableFilter';

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
 * pprof's top table (flat, flat%, sum%, cum, cum%, name), virtualized. Values use one unit for
 * the whole table, chosen as pprof does; sum% runs in display order, as in pprof's web UI.
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
  const { re, error } = compileFilter(filter);
  const order = useMemo(() => {
    const n = top.names.length;
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (!re || re.test(top.names[i]!)) idx.push(i);
    // The worker's order is pprof's flat order; other orders are computed here.
    const byName = (a: number, b: number) => (top.names[a]! < top.names[b]! ? -1 : top.names[a]! > top.names[b]! ? 1 : 0);
    if (sort === 'cum') {
      idx.sort((a, b) => Math.abs(top.cum[b]!) - Math.abs(top.cum[a]!) || byName(a, b) || Math.abs(top.flat[b]!) - Math.abs(top.flat[a]!));
    } else if (sort === 'name') {
      idx.sort(byName);
    }
    const descendingByDefault = sort !== 'name';
    if (ascending === descendingByDefault) idx.reverse();
    return idx;
    // `re` is derived from `filter`, a stable key for it.
  }, [top, filter, sort, ascending]);

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

  return (
    <div className="top">
      <div className="top-controls">
        <TableFilter filter={filter} onFilterChange={onFilterChange} error={error} shown={order.length} total={top.names.length} />
        <span className="hint">
          of <span data-testid="top-total" data-value={String(top.total)}>{fmt(top.total)}</span> total
        </span>
      </div>
      <div className="top-grid-row top-head" role="row">
        <span className="num">{header('flat', 'Flat')}</span>
        <span className="num">Flat%</span>
        <span className="num">Sum%</span>
        <span className="num">{header('cum', 'Cum')}</span>
        <span className="num">Cum%</span>
        <span>{header('name', 'Name')}</span>
      </div>
      <div className="top-body" ref={scrollRef} data-testid="top-table">
        {order.length === 0 && <div className="empty-rows">No function matches.</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const i = order[v.index]!;
            const flat = top.flat[i]!;
            const cum = top.cum[i]!;
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
                style={{ top: v.start, height: ROW_HEIGHT }}
                data-testid="top-row"
                data-name={name}
                data-flat={String(flat)}
                data-cum={String(cum)}
              >
                <span className="num">{fmt(flat)}</span>
                <span className="num">{formatPercent(flat, top.total).trim()}</span>
                <span className="num">{formatPercent(sums[v.index]!, top.total).trim()}</span>
                <span className="num">{fmt(cum)}</span>
                <span className="num">{formatPercent(cum, top.total).trim()}</span>
                <span className="name" title={name}>
                  {name}
                  {inl && <span className="inl">{inl}</span>}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
