// pprof's `-tags` output, byte for byte, from the model's tags report: the golden tests compare
// it with pprof's own. The app shows the same report as a table (src/views/TagsView.tsx).
import { formatPercent, scaledLabel } from '../../src/profile/reports/format';
import type { TagsReport } from '../../src/profile/reports/tags';

// Go's tabwriter counts runes, not UTF-16 units.
const width = (s: string) => [...s].length;
const pad = (s: string, w: number) => ' '.repeat(Math.max(0, w - width(s))) + s;

/**
 * printTags through Go's tabwriter (right-aligned cells, padding 1): per key, a "key: Total …"
 * line and a line per value, then an empty line that ends the tabwriter's column blocks.
 */
export function formatTagsText(report: TagsReport, outputUnit = 'minimum'): string {
  const fmt = (v: number) => scaledLabel(v, report.unit, outputUnit);
  const total = report.total;
  let out = '';
  for (const k of report.keys) {
    const pct = (v: number) => (total > 0 ? ` (${formatPercent(v, total)})` : '');
    const head = `${k.key}:`;
    const cells = k.values.map((v) => `${fmt(v.weight)}${pct(v.weight)}:`);
    const w0 = Math.max(width(head), 1) + 1;
    const w1 = Math.max(0, ...cells.map(width)) + 1;
    out += `${pad(head, w0)} Total ${fmt(k.total)} of ${fmt(total)}${pct(k.total)}\n`;
    k.values.forEach((v, i) => {
      out += `${pad(' ', w0)}${pad(cells[i]!, w1)} ${v.name}\n`;
    });
    out += '\n';
  }
  return out;
}
