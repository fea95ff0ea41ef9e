// Durations ("7d", "1h", "90s") for the server's settings, and Pyroscope's `from`/`until` query
// parameters, in the time grammar the app shares (src/common/time.ts).
import { UNIT_MS, resolveTime } from '../src/common/time';

/** "7d" → 604800000. Bare numbers are milliseconds. Throws on anything else. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)?\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}" (expected e.g. 7d, 12h, 30m, 90s)`);
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
  if (!(ms > 0)) throw new Error(`duration "${text}" must be positive`);
  return ms;
}

/** Pyroscope's `from`/`until` query parameter → unix milliseconds (see resolveTime); undefined when empty. */
export function parseAtTime(text: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (text == null || text.trim() === '') return undefined;
  return resolveTime(text, nowMs);
}

export const DAY_MS = UNIT_MS.d!;
