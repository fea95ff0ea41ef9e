// Time ranges as Pyroscope and Grafana write them: relative ("now-1h", "now") or absolute
// (a unix timestamp; see src/common/time.ts for the grammar the server shares). Relative ranges
// stay relative in the URL and are resolved against "now" as of the screen's last question (see
// useTimeRange), so a shared link keeps meaning "the last hour".
import { resolveTime } from '../common/time';

export const PRESETS: { label: string; from: string }[] = [
  { label: '5m', from: 'now-5m' },
  { label: '15m', from: 'now-15m' },
  { label: '1h', from: 'now-1h' },
  { label: '6h', from: 'now-6h' },
  { label: '24h', from: 'now-24h' },
  { label: '7d', from: 'now-7d' },
];

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
