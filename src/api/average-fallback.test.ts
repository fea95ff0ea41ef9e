import { describe, expect, it } from 'vitest';
import { averageIgnored, fineStepOf, meansFromFineSteps } from './average-fallback';
import { averageDivisor, perSeries } from './gauge';
import type { QuerierClient, Series } from './querier';

const S = 1000;
const pod = (name: string) => [{ name: 'pod', value: name }];
const series = (name: string, points: [number, number][]): Series => ({
  labels: pod(name),
  points: points.map(([timestamp, value]) => ({ timestamp, value })),
});

/**
 * Profiles (pod, time ms, total), answered the way Grafana Pyroscope 2.2.1 does: every point
 * summed, stamped by the end of its step counted from `start - step` (so a point at T holds the
 * profiles in (T - step, T]) from `start - step` to `end`, whatever `average` asks.
 */
function pyroscope(profiles: [string, number, number][]): QuerierClient {
  return {
    labelNames: async () => ['pod'],
    selectSeries: async (r: { start: number; end: number; step: number }) => {
      const step = r.step * S;
      const out = new Map<string, Map<number, number>>();
      for (const [name, t, v] of profiles) {
        if (t < r.start - step || t > r.end) continue;
        const stamp = r.start + Math.max(0, Math.ceil((t - r.start) / step)) * step;
        const points = out.get(name) ?? new Map<number, number>();
        points.set(stamp, (points.get(stamp) ?? 0) + v);
        out.set(name, points);
      }
      return [...out].map(([name, points]) =>
        series(
          name,
          [...points].sort((a, b) => a[0] - b[0]),
        ),
      );
    },
  } as unknown as QuerierClient;
}

/** One hour from 0; a 36 s step, as stepFor gives it. */
const Q = { profileTypeID: 'goroutine:goroutine:count:goroutine:count', labelSelector: '{}', start: 0, end: 3_600 * S, step: 36 };

describe('averageIgnored', () => {
  it('is true when every mean equals its sum, false when the backend averaged', () => {
    const sums = [series('a', [[36 * S, 30]])];
    expect(averageIgnored(sums, [series('a', [[36 * S, 30]])])).toBe(true);
    expect(averageIgnored(sums, [series('a', [[36 * S, 10]])])).toBe(false);
    expect(averageIgnored([], [])).toBe(false);
  });
});

describe('fineStepOf', () => {
  it('is 1 s up to a range of 10,000 s, then the largest divisor of the step within range / 10,000', () => {
    expect(fineStepOf(36, 3_600 * S)).toBe(1);
    expect(fineStepOf(864, 86_400 * S)).toBe(8); // 24 h: 8.64 s at most, dividing 864 s
    expect(fineStepOf(6_048, 604_800 * S)).toBe(56); // 7 d
  });
});

describe('meansFromFineSteps', () => {
  it('divides each coarse sum by the profiles counted in it, one per fine step', () => {
    // Pod a: 3 profiles in the step ending at 36 s (10, 20, 30 goroutines), 1 in the next (40).
    const sums = [
      series('a', [
        [36 * S, 60],
        [72 * S, 40],
      ]),
    ];
    const fine = [
      series('a', [
        [5 * S, 10],
        [20 * S, 20],
        [35 * S, 30],
        [50 * S, 40],
      ]),
    ];
    expect(meansFromFineSteps(sums, fine, 36 * S, S)).toEqual({
      averages: [
        series('a', [
          [36 * S, 20],
          [72 * S, 40],
        ]),
      ],
      from: 'counted',
    });
  });

  it("counts a coarse point without fine points (before the fine steps start) as the series' median step", () => {
    const sums = [
      series('a', [
        [0, 90],
        [36 * S, 60],
        [72 * S, 30],
      ]),
    ];
    const fine = [
      series('a', [
        [10 * S, 20],
        [30 * S, 40],
        [50 * S, 10],
        [70 * S, 20],
      ]),
    ];
    expect(meansFromFineSteps(sums, fine, 36 * S, S).averages).toEqual([
      series('a', [
        [0, 45],
        [36 * S, 30],
        [72 * S, 15],
      ]),
    ]);
  });

  it('reads steps stamped by their start too (our server), and says "estimated" when fine steps touch', () => {
    const sums = [series('a', [[0, 60]])];
    const fine = [
      series('a', [
        [0, 10],
        [1 * S, 20],
        [2 * S, 30],
      ]),
    ];
    expect(meansFromFineSteps(sums, fine, 36 * S, S)).toEqual({ averages: [series('a', [[0, 20]])], from: 'estimated' });
  });
});

describe('perSeries', () => {
  it('keeps the means of a backend that averages (our server), with one request less', async () => {
    const calls: boolean[] = [];
    const client = {
      labelNames: async () => ['pod'],
      selectSeries: async (r: { average?: boolean }) => {
        calls.push(r.average === true);
        return [series('a', [[36 * S, r.average ? 20 : 60]])];
      },
    } as unknown as QuerierClient;
    expect(await perSeries(client, Q)).toEqual({
      averages: [series('a', [[36 * S, 20]])],
      sums: [series('a', [[36 * S, 60]])],
      meansFrom: 'backend',
    });
    expect(calls.sort()).toEqual([false, true]);
  });

  it('counts the profiles per step of a backend that sums (Pyroscope): the average, not the sum per step', async () => {
    // Pod a: 10, 20 and 30 goroutines 15 s apart in one step, then 40; pod b: 100 once.
    const client = pyroscope([
      ['a', 1 * S, 10],
      ['a', 16 * S, 20],
      ['a', 31 * S, 30],
      ['a', 46 * S, 40],
      ['b', 10 * S, 100],
    ]);
    const { averages, sums, meansFrom } = await perSeries(client, Q);
    expect(meansFrom).toBe('counted');
    expect(averages).toEqual([
      series('a', [
        [36 * S, 20],
        [72 * S, 40],
      ]),
      series('b', [[36 * S, 100]]),
    ]);
    // The merged profile is divided by pod a's 4 profiles, as with a backend that averages.
    expect(averageDivisor(sums, averages, Q.step * S)).toBe(4);
  });

  /** Pod a scraped every 15 s (10 goroutines each) from `from` to `to` (s). */
  const scrapes = (from: number, to: number): [string, number, number][] =>
    Array.from({ length: Math.floor((to - from) / 15) + 1 }, (_, i) => ['a', (from + 15 * i) * S, 10]);
  const day = { ...Q, end: 86_400 * S, step: 864 };
  const week = { ...Q, end: 604_800 * S, step: 6_048 };

  it('counts exactly at a fine step of 8 s (24 h) when a sample shows profiles 15 s apart', async () => {
    const { averages, meansFrom } = await perSeries(pyroscope(scrapes(79_200, 86_400)), day);
    expect(meansFrom).toBe('counted');
    expect(new Set(averages[0]!.points.map((p) => p.value))).toEqual(new Set([10]));
  });

  it('estimates from the sampled interval when profiles share fine steps (56 s over a week)', async () => {
    const { averages, meansFrom } = await perSeries(pyroscope(scrapes(597_600, 604_800)), week);
    expect(meansFrom).toBe('estimated');
    for (const p of averages[0]!.points) expect(Math.abs(p.value - 10)).toBeLessThan(1);
  });

  it('counts profiles of one series within one fine step as one, which it cannot tell', async () => {
    // Two processes sharing their labels push to one series, 400 ms apart every 15 s: each pair
    // shares a 1 s fine step, so it counts as one profile of 20 goroutines (both processes').
    const profiles = scrapes(0, 600).flatMap(([name, t, v]): [string, number, number][] => [
      [name, t + 100, v],
      [name, t + 500, v],
    ]);
    const { averages, meansFrom } = await perSeries(pyroscope(profiles), Q);
    expect(meansFrom).toBe('counted');
    expect(averages[0]!.points[1]!.value).toBe(20);
  });
});
