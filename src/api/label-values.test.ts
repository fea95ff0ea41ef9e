import { describe, expect, it } from 'vitest';
import { labelValueSeries, mapLimit, withMatcher } from './label-values';
import type { QuerierClient, Series } from './querier';

const q = { profileTypeID: 't', labelSelector: '{service_name="s"}', start: 0, end: 600_000, step: 60 };
const series = (labels: Record<string, string>, points: [number, number][]): Series => ({
  labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
  points: points.map(([timestamp, value]) => ({ timestamp, value })),
});

/** A client answering SelectSeries from fixed series, grouped as the server groups them. */
function fakeClient(all: Series[], means?: Series[]): QuerierClient {
  const group = (list: Series[], by: string[]) => {
    const m = new Map<string, Series>();
    for (const s of list) {
      const labels = s.labels.filter((l) => by.includes(l.name));
      const key = JSON.stringify(labels);
      const g = m.get(key) ?? { labels, points: [] };
      g.points.push(...s.points);
      m.set(key, g);
    }
    return [...m.values()];
  };
  return {
    labelNames: async () => ['pod', 'service_name'],
    selectSeries: async (r: { groupBy: string[]; average?: boolean }) => group(r.average ? means! : all, r.groupBy),
  } as unknown as QuerierClient;
}

describe('labelValueSeries', () => {
  it('sums each value’s points, series without the label as "", largest first', async () => {
    const client = fakeClient([
      series({ pod: 'a' }, [[0, 5]]),
      series({ pod: 'b' }, [
        [0, 7],
        [60_000, 8],
      ]),
      series({}, [[0, 1]]),
    ]);
    const rows = await labelValueSeries(client, q, 'pod', { average: false });
    expect(rows.map((r) => [r.value, r.total, r.points.length])).toEqual([
      ['b', 15, 2],
      ['a', 5, 1],
      ['', 1, 1],
    ]);
  });

  it('averaged (a gauge): a value’s total is its sum over its scrapes per series, as the flame graph divides it', async () => {
    // pod a: two series scraped 3 times each (10 then 20 per scrape); pod b: one series, 2 scrapes of 4.
    const sums = [
      series({ pod: 'a', i: '1' }, [[0, 30]]),
      series({ pod: 'a', i: '2' }, [[0, 60]]),
      series({ pod: 'b', i: '3' }, [[0, 8]]),
    ];
    const means = [
      series({ pod: 'a', i: '1' }, [[0, 10]]),
      series({ pod: 'a', i: '2' }, [[0, 20]]),
      series({ pod: 'b', i: '3' }, [[0, 4]]),
    ];
    const client = fakeClient(sums, means);
    (client as unknown as { labelNames: () => Promise<string[]> }).labelNames = async () => ['pod', 'i'];
    const rows = await labelValueSeries(client, q, 'pod', { average: true });
    expect(rows.map((r) => [r.value, r.total])).toEqual([
      ['a', 30],
      ['b', 4],
    ]);
  });
});

describe('withMatcher', () => {
  it('adds a matcher, or replaces the label’s own', () => {
    const sel = '{service_name="s", pod=~"a|b"}';
    expect(withMatcher(sel, { name: 'pod', op: '!=', value: 'a' })).toBe('{service_name="s", pod=~"a|b", pod!="a"}');
    expect(withMatcher(sel, { name: 'pod', op: '=', value: 'a"b' }, { replace: true })).toBe('{service_name="s", pod="a\\"b"}');
  });
});

it('mapLimit keeps the order and runs at most `limit` at once', async () => {
  let running = 0;
  let most = 0;
  const out = await mapLimit([1, 2, 3, 4, 5], 2, async (x) => {
    most = Math.max(most, ++running);
    await Promise.resolve();
    running--;
    return x * 10;
  });
  expect(out).toEqual([10, 20, 30, 40, 50]);
  expect(most).toBe(2);
});
