// How the top and diff tables lay out their columns. Name comes first and keeps at least 40% of
// the table's width; the numeric columns that fit beside it are shown, and when the table is
// narrow (the "Both" view, a small window) the ones that matter least give way first. Without
// this, fixed numeric columns pushed Name out of a 400px-wide table.

export interface NumericColumn {
  /** Also the cell's `data-col`. */
  key: string;
  /** Track width in CSS px: room for the widest value the column prints, and its header. */
  width: number;
  /** Lower ranks stay longer; columns of equal rank come and go together (a baseline/comparison pair). */
  rank: number;
}

/** The smallest share of the table's width that Name keeps. */
export const NAME_SHARE = 0.4;
export const COLUMN_GAP = 8;
/** The rows' padding (12px a side) and the body's scrollbar gutter, reserved in CSS (`scrollbar-gutter`). */
const CHROME = 24 + 16;

/**
 * The columns to show, in their display order, at `tableWidth` CSS px. `keep` (the column the
 * table is sorted by) is always shown, so that the order of the rows can be seen. The most
 * important group is shown even when nothing fits, and only then can Name be narrower than 40%.
 */
export function fitColumns<C extends NumericColumn>(columns: readonly C[], tableWidth: number, keep?: string): C[] {
  const budget = tableWidth * (1 - NAME_SHARE) - CHROME;
  const rankOf = (c: C) => (c.key === keep ? -Infinity : c.rank);
  const ranks = [...new Set(columns.map(rankOf))].sort((a, b) => a - b);
  const shown = new Set<string>();
  let used = 0;
  for (const r of ranks) {
    const group = columns.filter((c) => rankOf(c) === r);
    const cost = group.reduce((s, c) => s + c.width + COLUMN_GAP, 0);
    if (shown.size > 0 && used + cost > budget) break;
    for (const c of group) shown.add(c.key);
    used += cost;
  }
  return columns.filter((c) => shown.has(c.key));
}

/** The CSS grid tracks of a row: Name, then the shown columns. */
export function gridTracks(columns: readonly NumericColumn[]): string {
  return ['minmax(0, 1fr)', ...columns.map((c) => `${c.width}px`)].join(' ');
}
