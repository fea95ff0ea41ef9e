import { describe, expect, it } from 'vitest';
import { type DiffStyle, diffColor, diffHsl, labelColor, relativeChange } from './flame-render';

const style = (absolute: boolean): DiffStyle => ({
  widthBy: 'comparison',
  baseTotal: 1000,
  nextTotal: 2000, // a comparison range twice as long
  absolute,
  colorBlind: false,
});

describe('diff normalisation', () => {
  it('a range twice as long with the same behaviour shows no change by default', () => {
    // Function at 30% of each side: 300 of 1000, 600 of 2000.
    expect(relativeChange(300, 600, style(false))).toBe(0);
    expect(diffColor(relativeChange(300, 600, style(false)), style(false), false)).toBe(diffColor(0, style(false), false));
  });

  it('and +100% in absolute mode', () => {
    expect(relativeChange(300, 600, style(true))).toBe(1);
  });

  it('marks new and gone frames, red for growth and green for shrinkage', () => {
    expect(relativeChange(0, 10, style(false))).toBe(Infinity);
    expect(relativeChange(10, 0, style(false))).toBe(-1);
    expect(diffColor(1, style(false), false)).toMatch(/^hsl\(0,/);
    expect(diffColor(-1, style(false), false)).toMatch(/^hsl\(125,/);
    const cb = { ...style(false), colorBlind: true };
    expect(diffColor(1, cb, false)).toMatch(/^hsl\(28,/);
    expect(diffColor(-1, cb, false)).toMatch(/^hsl\(212,/);
  });
});

/** WCAG 2 contrast ratio of two sRGB colors given as [r, g, b] in 0..1. */
function contrast(a: number[], b: number[]): number {
  const lum = (c: number[]) => {
    const [r, g, bl] = c.map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

function hslToRgb({ h, s, l }: { h: number; s: number; l: number }): number[] {
  const S = s / 100;
  const L = l / 100;
  const k = (n: number) => (n + h / 30) % 12;
  const a = S * Math.min(L, 1 - L);
  return [0, 8, 4].map((n) => L - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1)));
}

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16) / 255);

describe('diff palette', () => {
  it('keeps labels readable (contrast ≥ 4.5) on every color, extremes included, in both themes and palettes', () => {
    for (const dark of [false, true]) {
      for (const colorBlind of [false, true]) {
        for (let c = -1; c <= 1.0001; c += 0.05) {
          const ratio = contrast(hslToRgb(diffHsl(c, colorBlind, dark)), hex(labelColor(dark)));
          expect(ratio, `change ${c.toFixed(2)} dark ${dark} cb ${colorBlind}`).toBeGreaterThanOrEqual(4.5);
        }
      }
    }
  });

  it('makes the extremes clearly colored, not grey', () => {
    for (const dark of [false, true]) {
      expect(diffHsl(1, false, dark).s).toBeGreaterThanOrEqual(60);
      expect(diffHsl(-1, false, dark).s).toBeGreaterThanOrEqual(60);
      expect(diffHsl(0, false, dark).s).toBeLessThan(10);
    }
  });
});
