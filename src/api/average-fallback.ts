// Per-step means of each series for a backend that ignores SelectSeries `aggregation: AVERAGE`.
// Grafana Pyroscope 2.2.1's v2 read path always sums per step, so its "means" are sums, and a step
// holding several profiles of a series would count as one profile (averages too high). There, the
// number of profiles per series and per step is counted from a second SelectSeries (summed) with a
// fine step instead: each non-empty fine step is one profile (meansFromFineSteps says when that is
// an estimate). Pure, so that it can be tested on readable series.
import type { Series } from './querier';

/** At most this many fine steps over the range: their points are bounded by the profiles anyway. */
const MAX_FINE_STEPS = 10_000;

/** The resolution of the sample taken when fine steps touch (see meansFromFineSteps). */
export const SAMPLE_STEP_S = 1;
/** How much time that sample covers, at most. */
const SAMPLE_SPAN_MS = 3_600_000;

/** How the means were found. */
export type MeansFrom =
  /** The backend's own means (it honours AVERAGE, or no step holds more than one profile). */
  | 'backend'
  /** Counted from fine steps, each holding one profile of a series (see meansFromFineSteps). */
  | 'counted'
  /** Counted from fine steps that may hold several profiles of a series, scaled by the interval
   * between its profiles where a sample gives it: estimates. */
  | 'estimated';

/**
 * Whether the backend ignored AVERAGE: some point was asked for and every mean equals its sum.
 * When every step holds one profile that is true too, and the fine count changes nothing.
 */
export function averageIgnored(sums: Series[], averages: Series[]): boolean {
  const sumOf = new Map<string, Map<number, number>>();
  for (const s of sums) sumOf.set(keyOf(s), new Map(s.points.map((p) => [p.timestamp, p.value])));
  let points = 0;
  for (const s of averages) {
    const byStep = sumOf.get(keyOf(s));
    for (const p of s.points) {
      if (byStep?.get(p.timestamp) !== p.value) return false;
      points++;
    }
  }
  return points > 0;
}

/**
 * The fine step (whole seconds, dividing `stepS` so that, asked from the same start, fine steps
 * nest in the coarse ones; an earlier start would make a 24 h range longer than Pyroscope's
 * default max_query_length): the largest such divisor of at most max(1 s, range / 10,000). Two
 * profiles at least one fine step apart never share one, and scrapes and SDK pushes are usually
 * 10 to 60 s apart; ranges over 10,000 s trade resolution for a bounded answer.
 */
export function fineStepOf(stepS: number, rangeMs: number): number {
  const target = Math.max(1, rangeMs / 1000 / MAX_FINE_STEPS);
  if (!Number.isInteger(stepS)) return stepS / Math.ceil(stepS / target);
  for (let f = Math.min(stepS, Math.floor(target)); f > 1; f--) if (stepS % f === 0) return f;
  return 1;
}

/**
 * The hour to sample when some series' fine steps touch (see meansFromFineSteps): the one ending
 * at the last fine point of such a series, so that it holds their profiles even if they stopped
 * before the end of the range. Undefined when no fine steps touch.
 */
export function sampleWindow(fine: Series[], fineMs: number, rangeStart: number): { start: number; end: number } | undefined {
  let end = -Infinity;
  for (const s of fine) {
    const t = s.points.map((p) => p.timestamp).sort((a, b) => a - b);
    if (t.some((x, i) => i > 0 && x - t[i - 1]! <= fineMs)) end = Math.max(end, t[t.length - 1]!);
  }
  return end === -Infinity ? undefined : { start: Math.max(rangeStart, end - SAMPLE_SPAN_MS), end };
}

/** Where a fine point at `t` falls among a series' sorted coarse stamps, for points stamped by the end (or the start) of their step. */
function coarseOf(coarse: number[], t: number, stepMs: number, byEnd: boolean): number | undefined {
  let [lo, hi] = [0, coarse.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (coarse[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  // coarse[lo] is the first stamp >= t.
  if (byEnd) return coarse[lo] !== undefined && coarse[lo]! - t < stepMs ? coarse[lo] : undefined;
  const c = coarse[lo] === t ? t : coarse[lo - 1];
  return c !== undefined && t - c < stepMs ? c : undefined;
}

/** Per series: per coarse stamp, the number of fine points in it and their sum. */
function tally(sums: Series[], fineOf: Map<string, Series['points']>, stepMs: number, byEnd: boolean) {
  let matching = 0;
  const perSeries = sums.map((s) => {
    const coarse = s.points.map((p) => p.timestamp).sort((a, b) => a - b);
    const counts = new Map<number, { n: number; sum: number }>();
    for (const p of fineOf.get(keyOf(s)) ?? []) {
      const c = coarseOf(coarse, p.timestamp, stepMs, byEnd);
      if (c === undefined) continue;
      const x = counts.get(c) ?? { n: 0, sum: 0 };
      counts.set(c, { n: x.n + 1, sum: x.sum + p.value });
    }
    for (const p of s.points)
      if (Math.abs((counts.get(p.timestamp)?.sum ?? NaN) - p.value) <= 1e-9 * Math.abs(p.value)) matching++;
    return counts;
  });
  return { perSeries, matching };
}

/** Per series of a sample at SAMPLE_STEP_S: the mean interval between its profiles and the smallest gap (ms). */
export function sampledSpacing(sample: Series[]): Map<string, { interval: number; minGap: number }> {
  const out = new Map<string, { interval: number; minGap: number }>();
  for (const s of sample) {
    const t = s.points.map((p) => p.timestamp).sort((a, b) => a - b);
    if (t.length < 2) continue;
    const minGap = t.slice(1).reduce((m, x, i) => Math.min(m, x - t[i]!), Infinity);
    out.set(keyOf(s), { interval: (t[t.length - 1]! - t[0]!) / (t.length - 1), minGap });
  }
  return out;
}

/**
 * Each series' means per coarse step: its coarse sum divided by the number of its profiles in
 * that step (at least 1). `sums` are the coarse SelectSeries (summed, step `stepMs`), `fine` the
 * same series summed with step `fineMs`: one profile per non-empty fine step. Pyroscope stamps a
 * point by the end of its step, our server by its start: the way under which the fine sums add up
 * to the coarse ones for more points is taken.
 *
 * Adjacent non-empty fine steps of a series are the sign that its profiles may come closer than
 * one fine step (scrapes denser than the fine step of a long range), so that some share one.
 * For those series `sample` (an hour at SAMPLE_STEP_S, when the fine step is coarser: sampleWindow)
 * gives the interval between their profiles (theirs, else the median of the sampled series), and
 * each non-empty fine step counts fine step ÷ interval profiles when that is more than one. The
 * means are 'counted' when the sample shows every such series' profiles at least one fine step
 * apart, 'estimated' otherwise. Profiles of one series within one fine step and far from others
 * (two processes sharing labels, pushing together) count as one, their sum: that cannot be told.
 */
export function meansFromFineSteps(
  sums: Series[],
  fine: Series[],
  stepMs: number,
  fineMs: number,
  sample?: Series[],
): { averages: Series[]; from: MeansFrom } {
  const fineOf = new Map(fine.map((s) => [keyOf(s), [...s.points].sort((a, b) => a.timestamp - b.timestamp)]));
  const [byEnd, byStart] = [tally(sums, fineOf, stepMs, true), tally(sums, fineOf, stepMs, false)];
  const { perSeries } = byEnd.matching >= byStart.matching ? byEnd : byStart;
  const dense = new Set(
    [...fineOf].filter(([, pts]) => pts.some((p, i) => i > 0 && p.timestamp - pts[i - 1]!.timestamp <= fineMs)).map(([k]) => k),
  );
  const spacing = sampledSpacing(sample ?? []);
  const median = [...spacing.values()].map((x) => x.interval).sort((a, b) => a - b)[spacing.size >> 1];
  const perFineStep = (key: string) => {
    const interval = dense.has(key) ? (spacing.get(key)?.interval ?? median) : undefined;
    return interval ? Math.max(1, fineMs / interval) : 1;
  };
  const exact = [...dense].every((k) => (spacing.get(k)?.minGap ?? 0) >= fineMs + SAMPLE_STEP_S * 1000);
  const averages = sums.map((s, i): Series => {
    const k = perFineStep(keyOf(s));
    const counts = perSeries[i]!;
    // A coarse point without fine points (Pyroscope's first step, (start - step, start], which
    // the fine steps from `start` do not reach) counts as the series' median step.
    const typical = [...counts.values()].map((c) => c.n).sort((a, b) => a - b)[counts.size >> 1] ?? 1;
    return {
      labels: s.labels,
      points: s.points.map((p) => ({
        timestamp: p.timestamp,
        value: p.value / Math.max(1, (counts.get(p.timestamp)?.n ?? typical) * k),
      })),
    };
  });
  return { averages, from: exact ? 'counted' : 'estimated' };
}

/** A series' identity: its labels, in any order. */
export const keyOf = (s: Series) => JSON.stringify(s.labels.map((l) => [l.name, l.value]).sort());
