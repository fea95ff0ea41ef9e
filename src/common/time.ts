// Times as Pyroscope and Grafana write them, one grammar for the app's URL (from, to) and the
// server's query parameters (from, until): `now`, `now-<n><unit>`, `YYYYMMDD`, or a unix
// timestamp whose unit its digit count tells.

/** Milliseconds per unit, for relative times (and the server's durations). */
export const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * `text` → unix milliseconds, a relative time counted back from `nowMs`. A bare number is unix
 * time in the unit its digit count says, as Pyroscope's clients send it: up to 10 digits seconds,
 * 11–13 milliseconds, 14–16 microseconds, more nanoseconds (8 digits that form a date are
 * YYYYMMDD, UTC). Throws for anything else, and for times a JavaScript Date cannot hold.
 */
export function resolveTime(text: string, nowMs: number): number {
  const ms = parse(text.trim(), nowMs);
  if (ms === undefined) throw new Error(`invalid time "${text}" (expected now, now-1h, YYYYMMDD or a unix timestamp)`);
  if (!(Math.abs(ms) <= 8.64e15)) throw new Error(`time "${text}" is out of range`);
  return ms;
}

/** Whether resolveTime accepts `text`. */
export function isValidTime(text: string): boolean {
  try {
    resolveTime(text, Date.now());
    return true;
  } catch {
    return false;
  }
}

function parse(t: string, nowMs: number): number | undefined {
  if (t === 'now') return nowMs;
  const rel = /^now-(\d+)(ms|s|m|h|d|w|y)$/.exec(t);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (/^\d{8}$/.test(t)) {
    const ms = Date.UTC(Number(t.slice(0, 4)), Number(t.slice(4, 6)) - 1, Number(t.slice(6, 8)));
    if (Number.isFinite(ms)) return ms;
  }
  if (/^\d+$/.test(t)) {
    const n = BigInt(t);
    if (t.length <= 10) return Number(n) * 1000;
    if (t.length <= 13) return Number(n);
    if (t.length <= 16) return Number(n / 1000n);
    return Number(n / 1_000_000n);
  }
  return undefined;
}
