// A query broken down by the values of one series label, from SelectSeries with `groupBy` (and,
// for the flame graph grouped by a label, one SelectMergeProfile per value): only what Grafana
// Pyroscope answers as our server does.
import { type Matcher, formatSelector, parseSelector } from '../common/selector';
import type { QuerierClient, Series } from './querier';
import { type SeriesQuery, averageDivisor, perSeries, sumOfAverages } from './gauge';

/** More values than this are not grouped in one flame graph: the page asks to filter first. */
export const MAX_GROUPS = 50;

/** One value of the label: its points over the range and their sum ('' = series without the label). */
export interface LabelValueSeries {
  value: string;
  total: number;
  points: Series['points'];
}

/**
 * Each value of `label` among the query's series with profiles in the range, largest total first.
 * Summed, a value's total is its merged profile's; averaged (a gauge), it is that profile divided
 * as the flame graph divides it (src/api/gauge.ts), and its points are the sum of its series' means.
 */
export async function labelValueSeries(
  client: QuerierClient,
  q: SeriesQuery,
  label: string,
  o: { average: boolean },
  signal?: AbortSignal,
): Promise<LabelValueSeries[]> {
  const valueOf = (s: Series) => s.labels.find((l) => l.name === label)?.value ?? '';
  let out: LabelValueSeries[];
  if (!o.average) {
    const series = await client.selectSeries({ ...q, groupBy: [label] }, signal);
    out = groupByValue(series, valueOf).map(([value, list]) => {
      const points = list.flatMap((s) => s.points).sort((a, b) => a.timestamp - b.timestamp);
      return { value, total: points.reduce((a, p) => a + p.value, 0), points };
    });
  } else {
    const { averages, sums } = await perSeries(client, q, signal);
    const meansOf = new Map(groupByValue(averages, valueOf));
    out = groupByValue(sums, valueOf).map(([value, list]) => {
      const means = meansOf.get(value) ?? [];
      const sum = list.reduce((a, s) => a + s.points.reduce((b, p) => b + p.value, 0), 0);
      const total = sum / averageDivisor(list, means, q.step * 1000);
      return { value, total, points: sumOfAverages(means, '')[0]?.points ?? [] };
    });
  }
  return out.filter((v) => v.points.length > 0).sort((a, b) => b.total - a.total || cmp(a.value, b.value));
}

function groupByValue(series: Series[], valueOf: (s: Series) => string): [string, Series[]][] {
  const m = new Map<string, Series[]>();
  for (const s of series) m.set(valueOf(s), [...(m.get(valueOf(s)) ?? []), s]);
  return [...m.entries()];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The selector with a matcher added. `replace` drops the selector's other matchers on that label
 * first (a value picked from the query's own series satisfies them anyway).
 */
export function withMatcher(selector: string, m: Matcher, o: { replace?: boolean } = {}): string {
  const matchers = parseSelector(selector).filter((x) => !(o.replace && x.name === m.name));
  return formatSelector([...matchers, m]);
}

/** Runs `work` over the items, at most `limit` at a time, results in the items' order. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
