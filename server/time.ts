// Parsing of durations ("7d", "1h", "90s") and of Pyroscope's `from`/`until` times.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** "7d" → 604800000. Bare numbers are milliseconds. Throws on anything else. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)?\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}" (expected e.g. 7d, 12h, 30m, 90s)`);
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms'];
  if (!(ms > 0)) throw new Error(`duration "${text}" must be positive`);
  return ms;
}

/**
 * Pyroscope's `from`/`until` query parameter → unix milliseconds.
 * Accepts `now`, `now-<n><unit>`, `YYYYMMDD`, and unix time in s / ms / µs / ns chosen by digit
 * count (10 / 13 / 16 / 19 digits). Returns undefined when the text is empty.
 */
export function parseAtTime(text: string | null | undefined, nowMs = Date.now()): number | undefined {
  const ms = parseAtTimeUnchecked(text, nowMs);
  // Dates JavaScript can represent (±8.64e15 ms): anything else is no time at all.
  if (ms !== undefined && !(Math.abs(ms) <= 8.64e15)) throw new Error(`time "${text}" is out of range`);
  return ms;
}

function parseAtTimeUnchecked(text: string | null | undefined, nowMs: number): number | undefined {
  if (text == null || text.trim() === '') return undefined;
  const t = text.trim();
  if (t === 'now') return nowMs;
  const rel = /^now-(\d+)(ms|s|m|h|d|w|y)$/.exec(t);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]];
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
  throw new Error(`invalid time "${text}" (expected now, now-1h, YYYYMMDD or a unix timestamp)`);
}

export const DAY_MS = UNIT_MS.d;
