import { formatPercent, scaledLabel, selectOutputUnit } from '../../src/profile/reports/format';
import type { TopTable } from './top-table';

/** The body of `go tool pprof -top`, byte for byte: a summary line, the header and one line per row. */
export function formatTopText(table: TopTable, sampleUnit: string): string[] {
  const unit = selectOutputUnit(table.rows, table.total, sampleUnit);
  const fmt = (v: number) => scaledLabel(v, sampleUnit, unit);
  let shown = 0;
  for (const r of table.rows) shown += r.flat;
  const lines = [
    `Showing nodes accounting for ${fmt(shown)}, ${formatPercent(shown, table.total).trim()} of ${fmt(table.total)} total`,
    '      flat  flat%   sum%        cum   cum%',
  ];
  let sum = 0;
  for (const r of table.rows) {
    sum += r.flat;
    const mark = r.inline ? ` (${r.inline})` : '';
    lines.push(
      `${fmt(r.flat).padStart(10)} ${formatPercent(r.flat, table.total)} ${formatPercent(sum, table.total)} ${fmt(r.cum).padStart(10)} ${formatPercent(r.cum, table.total)}  ${r.name}${mark}`,
    );
  }
  return lines;
}
