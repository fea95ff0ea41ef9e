// SelectSeries: profile totals bucketed by time step and grouped by labels.
import { Slicer } from '../slice';
import type { ProfileStore, SeriesRecord } from '../storage/store';

export interface SeriesOptions {
  stepMs: number;
  groupBy: string[];
  average: boolean;
  limit?: number;
}

export interface SeriesOut {
  labels: [string, string][];
  points: { timestamp: number; value: number }[];
  sum: number;
}

export async function selectSeries(
  store: ProfileStore,
  series: SeriesRecord[],
  startMs: number,
  endMs: number,
  o: SeriesOptions,
  slicer = new Slicer(),
): Promise<SeriesOut[]> {
  const groups = new Map<string, { labels: [string, string][]; buckets: Map<number, { sum: number; n: number }>; sum: number }>();
  const groupOf = new Map<number, string>();
  for (const s of series) {
    const labels = o.groupBy.filter((k) => s.label(k) !== undefined).map((k): [string, string] => [k, s.label(k)!]);
    const key = JSON.stringify(labels);
    groupOf.set(s.id, key);
    if (!groups.has(key)) groups.set(key, { labels, buckets: new Map(), sum: 0 });
  }
  for await (const p of store.readProfiles(series, startMs, endMs, false, slicer)) {
    const g = groups.get(groupOf.get(p.seriesId)!)!;
    const add = (timeMs: number, total: number, n: number) => {
      // Buckets are aligned to multiples of the step; every profile lands in exactly one.
      const ts = Math.floor(timeMs / o.stepMs) * o.stepMs;
      let b = g.buckets.get(ts);
      if (!b) g.buckets.set(ts, (b = { sum: 0, n: 0 }));
      b.sum += total;
      b.n += n;
      g.sum += total;
    };
    const bucket = (t: number) => Math.floor(t / o.stepMs);
    if (!p.spanMs || !p.profileTotals || bucket(p.timeMs) === bucket(p.timeMs + p.spanMs - 1)) add(p.timeMs, p.total, p.profiles);
    else {
      // A block across buckets: each of its profiles' time and total.
      const { times, totals } = p.profileTotals();
      for (let i = 0; i < times.length; i++) add(times[i]!, totals[i]!, 1);
    }
  }
  let out: SeriesOut[] = [...groups.values()]
    .filter((g) => g.buckets.size > 0)
    .map((g) => ({
      labels: g.labels,
      sum: g.sum,
      points: [...g.buckets.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([timestamp, b]) => ({ timestamp, value: o.average ? b.sum / b.n : b.sum })),
    }));
  if (o.limit !== undefined && o.limit > 0 && out.length > o.limit) out = out.sort((a, b) => b.sum - a.sum).slice(0, o.limit);
  return out.sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
}
