import { beforeEach, describe, expect, it } from 'vitest';
import { averageDivisor, sumOfAverages } from './gauge';
import type { Series } from './querier';

let STEP = 36_000;
const pod = (name: string) => [{ name: 'pod', value: name }];

/**
 * What SelectSeries answers for one pod scraped every `interval` ms from `first` to `last`
 * (inclusive), each profile's total `value`: per step, the sum and the mean of its profiles.
 */
function scraped(name: string, first: number, last: number, interval: number, value = 10): { sum: Series; avg: Series } {
  const steps = new Map<number, number>();
  for (let t = first; t <= last; t += interval) {
    const step = Math.floor(t / STEP) * STEP;
    steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  const points = [...steps.entries()].sort((a, b) => a[0] - b[0]);
  return {
    sum: { labels: pod(name), points: points.map(([timestamp, n]) => ({ timestamp, value: n * value })) },
    avg: { labels: pod(name), points: points.map(([timestamp]) => ({ timestamp, value })) },
  };
}

function divisor(...pods: { sum: Series; avg: Series }[]): number {
  return averageDivisor(
    pods.map((p) => p.sum),
    pods.map((p) => p.avg),
    STEP,
  );
}

describe('averageDivisor', () => {
  beforeEach(() => {
    STEP = 36_000;
  });

  it('is the number of profiles of a single series', () => {
    expect(divisor(scraped('a', 0, 5 * 15_000, 15_000))).toBe(6);
  });

  it('is exact for pods scraped at the same interval, whatever their phases', () => {
    const hour = 3_600_000;
    const pods = [0, 4_000, 11_000, 14_999].map((phase, i) => scraped(`p${i}`, phase, phase + hour - 15_000, 15_000));
    expect(divisor(...pods)).toBe(240);
  });

  it('counts the old and the new pods of a rolling restart one after the other, not side by side', () => {
    const half = 1_800_000;
    const old = [scraped('old-1', 0, half - 15_000, 15_000), scraped('old-2', 5_000, half - 10_000, 15_000)];
    const fresh = [scraped('new-1', half, 2 * half - 15_000, 15_000), scraped('new-2', half + 5_000, 2 * half - 10_000, 15_000)];
    // 120 scrapes each; together they cover 240 scrape intervals.
    expect(divisor(...old, ...fresh)).toBeCloseTo(240, 0);
  });

  it('is exact, and counts a restart one generation after the other, when scrapes are further apart than steps', () => {
    STEP = 15_000;
    const window = 15 * 60_000;
    const pods = [0, 20_000, 41_000].map((phase, i) => scraped(`p${i}`, phase, phase + window - 60_000, 60_000));
    expect(divisor(...pods)).toBe(15);
    const half = window / 2;
    const restart = [
      scraped('old-1', 0, half - 60_000, 60_000),
      scraped('old-2', 30_000, half - 30_000, 60_000),
      scraped('new-1', half, window - 60_000, 60_000),
      scraped('new-2', half + 30_000, window - 30_000, 60_000),
    ];
    expect(divisor(...restart)).toBeCloseTo(15, 0);
  });

  it('counts a pod added part-way for the time it existed', () => {
    const hour = 3_600_000;
    const d = divisor(scraped('a', 0, hour - 15_000, 15_000), scraped('b', hour / 2, hour - 15_000, 15_000));
    expect(d).toBeGreaterThan(239);
    expect(d).toBeLessThan(241);
  });

  it('counts steps of empty profiles once and is at least 1', () => {
    const empty: Series[] = [{ labels: pod('a'), points: [{ timestamp: 0, value: 0 }] }];
    expect(averageDivisor(empty, empty, STEP)).toBe(1);
    expect(averageDivisor([], [], STEP)).toBe(1);
  });
});

describe('sumOfAverages', () => {
  it('sums the series means per step, in one line or one per value of the split label', () => {
    const avgs: Series[] = [
      {
        labels: [...pod('a'), { name: 'zone', value: 'x' }],
        points: [
          { timestamp: 0, value: 8 },
          { timestamp: STEP, value: 6 },
        ],
      },
      { labels: [...pod('b'), { name: 'zone', value: 'x' }], points: [{ timestamp: 0, value: 2 }] },
      { labels: [...pod('c'), { name: 'zone', value: 'y' }], points: [{ timestamp: STEP, value: 5 }] },
    ];
    expect(sumOfAverages(avgs, '')).toEqual([
      {
        labels: [],
        points: [
          { timestamp: 0, value: 10 },
          { timestamp: STEP, value: 11 },
        ],
      },
    ]);
    expect(sumOfAverages(avgs, 'zone')).toEqual([
      {
        labels: [{ name: 'zone', value: 'x' }],
        points: [
          { timestamp: 0, value: 10 },
          { timestamp: STEP, value: 6 },
        ],
      },
      { labels: [{ name: 'zone', value: 'y' }], points: [{ timestamp: STEP, value: 5 }] },
    ]);
  });
});
