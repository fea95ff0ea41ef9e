/** Small helpers for benchmark statistics and plain-text tables. */

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 2 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function mib(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  return `${(bytes / 2 ** 20).toFixed(Math.abs(bytes) < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

/** Renders rows as an aligned text table (first column left-aligned, the rest right-aligned). */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders rows as a Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** Median, 95th percentile and maximum of the finite values. */
export interface Stats {
  n: number;
  median: number;
  p95: number;
  max: number;
}

export function stats(xs: number[]): Stats {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!);
  return { n: s.length, median: median(s), p95: q(0.95), max: s.length ? s[s.length - 1]! : NaN };
}
