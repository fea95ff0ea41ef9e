// Gauge profile types (memory in use, goroutines) over a time range. Every profile is a snapshot,
// so their sum over time means nothing; what is shown is the average over time of the total across
// series. What is counted comes from LabelNames and SelectSeries, which works against Grafana
// Pyroscope too (whose SelectSeries ignores AVERAGE: see perSeries).
//
// The average profile is the merged profile (SelectMergeProfile: every profile of every series in
// the range, summed) divided by one number D, the number of scrapes "per series" (averageDivisor):
// - When every series has profiles from the start to the end of the data (within a scrape
//   interval), D is the largest number of profiles of one series. Exact in the common case, pods
//   scraped at the same interval through the range whatever their phases: the result is the sum
//   over series of each series' average (a series that has one profile fewer than another at an
//   edge of the range counts as that much less).
// - Otherwise (pods started, stopped or were replaced part-way), time is cut in windows of one
//   scrape interval (at least the step), and D is the sum over windows of the mean number of
//   profiles per series present in the window. The old and the new pods of a rolling restart are
//   then counted one after the other, not side by side (which would double the memory), and a pod
//   added part-way counts for the time it existed: the average over time of the total, as the
//   timeline shows it. Windows without any profile do not count.
//
// Per series and per step, SelectSeries gives the sum and (with aggregation AVERAGE) the mean of
// the profiles' totals (or, from a backend that ignores AVERAGE, the mean counted from a finer
// step): their ratio is the number of profiles, whatever the step; the scrape
// interval is estimated from each series' first and last step and its number of profiles.
import { parseProfileTypeId } from '../common/profile-types';
import type { QuerierClient, Series, RangeRequest } from './querier';
import {
  type MeansFrom,
  SAMPLE_STEP_S,
  averageIgnored,
  fineStepOf,
  keyOf,
  meansFromFineSteps,
  sampleWindow,
} from './average-fallback';

/**
 * Whether a profile type is a gauge: each profile is a snapshot (memory in use, goroutines alive),
 * so profiles over time are averaged rather than summed. These are the sample types Pyroscope's
 * default sample type config marks `aggregation: average` (not cumulative): `inuse_objects`,
 * `inuse_space` (and any other `inuse_*`) and `goroutine(s)`.
 */
export function isGaugeType(id: string): boolean {
  const t = parseProfileTypeId(id);
  if (!t) return false;
  return /^inuse_/.test(t.sampleType) || /^goroutines?$/.test(t.sampleType) || /^goroutines?$/.test(t.name);
}

export interface SeriesQuery extends RangeRequest {
  profileTypeID: string;
  labelSelector: string;
  /** Seconds, as SelectSeries takes it. */
  step: number;
}

/**
 * Per series (grouped by every label name the selector's series have) and per step: the mean of
 * its profiles' totals and their sum. A backend that ignores AVERAGE (Pyroscope 2.2.1's v2 read
 * path answers sums) has its means counted from a finer SelectSeries (src/api/average-fallback.ts);
 * `meansFrom` says how they were found.
 */
export async function perSeries(
  client: QuerierClient,
  q: SeriesQuery,
  signal?: AbortSignal,
): Promise<{ averages: Series[]; sums: Series[]; meansFrom: MeansFrom }> {
  const groupBy = await client.labelNames([q.labelSelector], q, signal);
  const [averages, sums] = await Promise.all([
    client.selectSeries({ ...q, groupBy, average: true }, signal),
    client.selectSeries({ ...q, groupBy }, signal),
  ]);
  if (!averageIgnored(sums, averages)) return { averages, sums, meansFrom: 'backend' };
  const fineS = fineStepOf(q.step, q.end - q.start);
  const fine = await client.selectSeries({ ...q, step: fineS, groupBy }, signal);
  // Profiles of a series in adjacent fine steps may share one: how far apart they are is asked of
  // an hour of them at a finer step (a fine step of 1 s is that step already).
  const window = fineS > SAMPLE_STEP_S ? sampleWindow(fine, fineS * 1000, q.start) : undefined;
  const sample = window && (await client.selectSeries({ ...q, ...window, step: SAMPLE_STEP_S, groupBy }, signal));
  const counted = meansFromFineSteps(sums, fine, q.step * 1000, fineS * 1000, sample);
  return { averages: counted.averages, sums, meansFrom: counted.from };
}

/**
 * The number a merged gauge profile of this query is divided by (averageDivisor of its series),
 * and whether it is an estimate (see perSeries).
 */
export async function averageDivisorOf(
  client: QuerierClient,
  q: SeriesQuery,
  signal?: AbortSignal,
): Promise<{ divisor: number; estimated: boolean }> {
  const { averages, sums, meansFrom } = await perSeries(client, q, signal);
  return { divisor: averageDivisor(sums, averages, q.step * 1000), estimated: meansFrom === 'estimated' };
}

interface Counted {
  /** Steps (unix ms) with profiles and how many. */
  steps: [number, number][];
  n: number;
  first: number;
  last: number;
}

/** Each series' profiles per step: sum ÷ mean. Profiles that are all empty (sum and mean 0) count as one. */
function countProfiles(sums: Series[], averages: Series[]): Counted[] {
  const meanOf = new Map<string, Map<number, number>>();
  for (const s of averages) meanOf.set(keyOf(s), new Map(s.points.map((p) => [p.timestamp, p.value])));
  const out: Counted[] = [];
  for (const s of sums) {
    if (s.points.length === 0) continue;
    const means = meanOf.get(keyOf(s));
    const steps = s.points.map((p): [number, number] => {
      const mean = means?.get(p.timestamp) ?? 0;
      return [p.timestamp, mean !== 0 ? Math.max(1, Math.round(p.value / mean)) : 1];
    });
    let [n, first, last] = [0, Infinity, -Infinity];
    for (const [t, c] of steps) [n, first, last] = [n + c, Math.min(first, t), Math.max(last, t)];
    out.push({ steps, n, first, last });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The number D a merged gauge profile is divided by (see the top of this file); at least 1.
 * `sums` and `averages` are SelectSeries of the same series with the same step (`stepMs`).
 */
export function averageDivisor(sums: Series[], averages: Series[], stepMs: number): number {
  const series = countProfiles(sums, averages);
  if (series.length === 0) return 1;
  const intervals = series.filter((s) => s.n > 1).map((s) => (s.last - s.first) / (s.n - 1));
  const window = Math.max(stepMs, intervals.length > 0 ? median(intervals) : 0);
  const t0 = series.reduce((t, s) => Math.min(t, s.first), Infinity);
  const t1 = series.reduce((t, s) => Math.max(t, s.last), -Infinity);
  if (series.every((s) => s.first - t0 <= window && t1 - s.last <= window)) return series.reduce((n, s) => Math.max(n, s.n), 0);
  const perWindow = new Map<number, Map<number, number>>();
  series.forEach((s, i) => {
    for (const [t, c] of s.steps) {
      const w = Math.floor((t - t0) / window);
      const counts = perWindow.get(w) ?? new Map<number, number>();
      counts.set(i, (counts.get(i) ?? 0) + c);
      perWindow.set(w, counts);
    }
  });
  let d = 0;
  for (const counts of perWindow.values()) d += [...counts.values()].reduce((a, b) => a + b, 0) / counts.size;
  return Math.max(1, d);
}

/**
 * A gauge's timeline: per step, the sum across series of each series' mean (one line, or one per
 * value of `groupBy`), so that a step holding several scrapes of a pod counts that pod once.
 */
export function sumOfAverages(averages: Series[], groupBy: string): Series[] {
  const groups = new Map<string, Map<number, number>>();
  for (const s of averages) {
    const value = groupBy ? s.labels.find((l) => l.name === groupBy)?.value : undefined;
    const key = value === undefined ? '' : value;
    const points = groups.get(key) ?? new Map<number, number>();
    for (const p of s.points) points.set(p.timestamp, (points.get(p.timestamp) ?? 0) + p.value);
    groups.set(key, points);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, points]) => ({
      labels: groupBy && value !== '' ? [{ name: groupBy, value }] : [],
      points: [...points.entries()].sort((a, b) => a[0] - b[0]).map(([timestamp, v]) => ({ timestamp, value: v })),
    }));
}
