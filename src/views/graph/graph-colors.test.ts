import { describe, expect, it } from 'vitest';
import { dotColor } from '../../profile/reports/dot';
import { nodeStrengths, parseColor, pprofStrength } from './graph-colors';

describe('call graph colors on screen', () => {
  it("follow pprof's dotColor curve: grey near 0, pushed away from it above", () => {
    expect(pprofStrength(0)).toBe(0);
    expect(pprofStrength(1)).toBe(1);
    expect(pprofStrength(-1)).toBe(-1);
    expect(pprofStrength(3)).toBe(1); // clamped, as pprof does
    // pprof's background color strays from grey by saturation × shifted score: the same curve.
    for (const s of [0.01, 0.1, 0.2, 0.5, 0.9]) {
      const bg = parseColor(dotColor(s, true))!;
      const grey = parseColor(dotColor(0, true))!;
      expect(bg.l).toBeLessThanOrEqual(grey.l);
      expect(pprofStrength(s)).toBeCloseTo(Math.min(1, s / 0.2) * s ** 0.3, 10);
    }
    expect(pprofStrength(0.5)).toBeGreaterThan(pprofStrength(0.1));
  });

  it("score a diff's nodes against its largest change, so that it is in full color", () => {
    // Baseline total 2.46s; the largest change, −0.67s, is 27% of it (pprof: pale green).
    const s = nodeStrengths({ diff: true, total: 2.46, cums: [-0.67, 0.62, 0.01, 0] });
    expect(s[0]).toBe(-1);
    expect(s[1]).toBeGreaterThan(0.9);
    expect(s[2]).toBeGreaterThan(0);
    expect(s[2]).toBeLessThan(0.1);
    expect(s[3]).toBe(0);
    // A graph's nodes are scored by their share of the total, as pprof does.
    expect(nodeStrengths({ diff: false, total: 10, cums: [10, 1] })).toEqual([1, pprofStrength(0.1)]);
    expect(nodeStrengths({ diff: true, total: 10, cums: [0, 0] })).toEqual([0, 0]);
  });

  it('read the colors Graphviz writes', () => {
    expect(parseColor('black')).toEqual({ h: 0, s: 0, l: 0 });
    expect(parseColor('#b20000')).toMatchObject({ h: 0, s: 100 });
    expect(parseColor('none')).toBeUndefined();
    expect(parseColor(null)).toBeUndefined();
  });
});
