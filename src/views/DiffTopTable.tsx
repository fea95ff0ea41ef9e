import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { scaledLabel, selectOutputUnit } from '../profile/reports/format';
import type { TopColumns } from '../worker/protocol';
import { compileFilter } from './TopTable';
import { TableFilter } from './TableFilter';

export type DiffSortKey = 'flat' | 'cum' | 'name';
const ROW_HEIGHT = 22;

interface Props {
  top: TopColumns;
  filter: string;
  onFilterChange: (f: string) => void;
  sort: DiffSortKey;
  ascending: boolean;
  onSortChange: (sort: DiffSortKey, ascending: boolean) => void;
  /** Compare raw values instead of each side's share of its own total. */
  absolute: boolean;
  selectedName?: string | null;
  onRowClick?: (name: string) => void;
}

function change(base: number, next: number, baseTotal: number, nextTotal: number, absolute: boolean): number {
  const b = absolute ? base : baseTotal ? base / baseTotal : 0;
  const n = absolute ? next : nextTotal ? next / nextTotal : 0;
  if (b === 0) return n === 0 ? 0 : Infinity;
  return (n - b) / Math.abs(b);
}

/**
 * The top table of a diff: baseline, comparison and difference (comparison − baseline, pprof's
 * -diff_base) for flat and cum; the default order is pprof's (by |Δ flat|).
 */
export function DiffTopTable(p: Props) {
  const { top } = p;
  const d = top.diff!;
  const { re, error } = compileFilter(p.filter);
  const order = useMemo(() => {
    const idx: number[] = [];
    for (let i = 0; i < top.names.length; i++) if (!re || re.test(top.names[i]!)) idx.push(i);
    const byName = (a: number, b: number) => (top.names[a]! < top.names[b]! ? -1 : top.names[a]! > top.names[b]! ? 1 : 0);
    if (p.sort === 'cum') idx.sort((a, b) => Math.abs(top.cum[b]!) - Math.abs(top.cum[a]!) || byName(a, b));
    else if (p.sort === 'name') idx.sort(byName);
    if (p.ascending === (p.sort !== 'name')) idx.reverse();
    return idx;
  }, [top, p.filter, p.sort, p.ascending]);

  const unit = useMemo(() => {
    const rows = [];
    for (let i = 0; i < top.names.length; i++) rows.push({ flat: d.nextFlat[i]! || d.baseFlat[i]!, cum: d.nextCum[i]! || d.baseCum[i]! });
    return selectOutputUnit(rows, Math.max(d.baseTotal, d.nextTotal), top.unit);
  }, [top]);
  const fmt = (v: number) => scaledLabel(v, top.unit, unit);
  const signed = (v: number) => (v > 0 ? '+' : '') + fmt(v);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const header = (key: DiffSortKey, label: string) => (
    <button
      type="button"
      data-testid={`diff-sort-${key}`}
      className={`${p.sort === key ? 'sorted' : ''} ${p.sort === key && p.ascending ? 'asc' : ''}`}
      onClick={() => p.onSortChange(key, p.sort === key ? !p.ascending : key === 'name')}
    >
      {label}
    </button>
  );

  return (
    <div className="top diff-table">
      <div className="top-controls">
        <TableFilter filter={p.filter} onFilterChange={p.onFilterChange} error={error} shown={order.length} total={top.names.length} />
        <span className="hint">
          baseline <span data-testid="diff-base-total">{fmt(d.baseTotal)}</span>, comparison{' '}
          <span data-testid="diff-next-total">{fmt(d.nextTotal)}</span>
        </span>
      </div>
      <div className="top-grid-row top-head" role="row">
        <span className="num">Base flat</span>
        <span className="num">Comp flat</span>
        <span className="num">{header('flat', 'Δ flat')}</span>
        <span className="num">Base cum</span>
        <span className="num">Comp cum</span>
        <span className="num">{header('cum', 'Δ cum')}</span>
        <span>{header('name', 'Name')}</span>
      </div>
      <div className="top-body" ref={scrollRef} data-testid="diff-table">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const i = order[v.index]!;
            const name = top.names[i]!;
            const onlyBase = d.nextCum[i] === 0 && d.baseCum[i] !== 0;
            const onlyNext = d.baseCum[i] === 0 && d.nextCum[i] !== 0;
            const c = change(d.baseCum[i]!, d.nextCum[i]!, d.baseTotal, d.nextTotal, p.absolute);
            return (
              <div
                key={i}
                className={`top-grid-row top-row${p.selectedName === name ? ' selected' : ''}`}
                role="row"
                style={{ top: v.start, height: ROW_HEIGHT }}
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
                <span className="num">{fmt(d.baseFlat[i]!)}</span>
                <span className="num">{fmt(d.nextFlat[i]!)}</span>
                <span className={`num ${top.flat[i]! > 0 ? 'pos' : top.flat[i]! < 0 ? 'neg' : ''}`}>{signed(top.flat[i]!)}</span>
                <span className="num">{fmt(d.baseCum[i]!)}</span>
                <span className="num">{fmt(d.nextCum[i]!)}</span>
                <span
                  className={`num ${top.cum[i]! > 0 ? 'pos' : top.cum[i]! < 0 ? 'neg' : ''}`}
                  title={Number.isFinite(c) ? `${(c * 100).toFixed(1)}% ${p.absolute ? '' : 'share '}change` : 'new'}
                >
                  {signed(top.cum[i]!)}
                </span>
                <span className="name" title={name}>
                  {name}
                  {onlyBase && <span className="only">removed</span>}
                  {onlyNext && <span className="only">new</span>}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
