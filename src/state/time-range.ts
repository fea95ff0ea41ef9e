// Time ranges as Pyroscope and Grafana write them: relative ("now-1h", "now") or absolute
// (unix milliseconds). Relative ranges stay relative in the URL and are resolved against "now" as
// of the screen's last question (see useTimeRange), so a shared link keeps meaning "the last hour".

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

export const PRESETS: { label: string; from: string }[] = [
  { label: '5m', from: 'now-5m' },
  { label: '15m', from: 'now-15m' },
  { label: '1h', from: 'now-1h' },
  { label: '6h', from: 'now-6h' },
  { label: '24h', from: 'now-24h' },
  { label: '7d', from: 'now-7d' },
];

export function isValidTime(t: string): boolean {
  return /^now(-\d+[smhdw])?$/.test(t) || /^\d{10,16}$/.test(t);
}

/** Resolves "now", "now-<n><s|m|h|d|w>" or unix ms (or s, by digit count) to unix ms. */
export function resolveTime(t: string, now: number): number {
  if (t === 'now') return now;
  const rel = /^now-(\d+)([smhdw])$/.exec(t);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (/^\d{10}$/.test(t)) return Number(t) * 1000;
  if (/^\d{11,16}$/.test(t)) return Number(t);
  throw new Error(`invalid time ${JSON.stringify(t)}`);
}

/** A resolved range: unix ms. */
export interface TimeRange {
  start: number;
  end: number;
}

export function resolveRange(from: string, to: string, now: number): TimeRange {
  return { start: resolveTime(from, now), end: resolveTime(to, now) };
}

export function isRelative(t: string): boolean {
  return t.startsWith('now');
}

/** Step (seconds) for SelectSeries: about 100 points over the range, at least 15 s (Pyroscope's UI). */
export function stepFor(fromMs: number, toMs: number): number {
  return Math.max(15, Math.ceil((toMs - fromMs) / 1000 / 100));
}

export function formatInstant(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "Last 1h", or the absolute range that `from` and `to` resolved to. */
export function describeRange(from: string, to: string, range: TimeRange): string {
  if (to === 'now') {
    const m = /^now-(\d+)([smhdw])$/.exec(from);
    if (m) return `Last ${m[1]}${m[2]}`;
  }
  return `${formatInstant(range.start)} → ${formatInstant(range.end)}`;
}
