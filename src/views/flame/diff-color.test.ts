import { describe, expect, it } from 'vitest';
import { type DiffStyle, diffColor, relativeChange } from './flame-render';

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
