import { describe, expect, it } from 'vitest';
import { formatPercent, groupDigits, scaledLabel, selectOutputUnit, toFixedGo } from './format';

describe('pprof number formatting', () => {
  it('formats percentages like measurement.Percentage', () => {
    expect(formatPercent(1120, 1120)).toBe('  100%');
    expect(formatPercent(100, 1120)).toBe(' 8.93%');
    expect(formatPercent(10, 1120)).toBe(' 0.89%');
    expect(formatPercent(9, 1000)).toBe('  0.9%');
    expect(formatPercent(9, 100000)).toBe('0.009%');
    expect(formatPercent(0, 100)).toBe('    0%');
    expect(formatPercent(1, 10000000)).toBe('1e-05%');
    expect(formatPercent(5, 0)).toBe('    0%');
  });

  it('rounds exact ties to even as Go does', () => {
    expect(toFixedGo(0.125, 2)).toBe('0.12');
    expect(toFixedGo(0.375, 2)).toBe('0.38');
    expect(toFixedGo(2.5, 0)).toBe('2');
    expect(toFixedGo(1.005, 2)).toBe('1.00'); // 1.005 is below the tie in binary
  });

  it('scales units like measurement.ScaledLabel', () => {
    expect(scaledLabel(1_100_000_000, 'nanoseconds', 's')).toBe('1.10s');
    expect(scaledLabel(1_000_000_000, 'nanoseconds', 's')).toBe('1s');
    expect(scaledLabel(0, 'nanoseconds', 's')).toBe('0');
    expect(scaledLabel(65_536_000, 'bytes', 'MB')).toBe('62.50MB');
    expect(scaledLabel(1_024_000, 'bytes', 'kB')).toBe('1000kB');
    expect(scaledLabel(42, 'count', 'count')).toBe('42');
    expect(scaledLabel(1500, 'microseconds', 'ms')).toBe('1.50ms');
  });

  it('selects the output unit from the smallest value and the total', () => {
    expect(selectOutputUnit([{ flat: 10_000_000, cum: 10_000_000 }], 1_120_000_000, 'nanoseconds')).toBe('s');
    expect(selectOutputUnit([{ flat: 0, cum: 1_000 * 1024 }], 98 * 1024 * 1024, 'bytes')).toBe('MB');
    expect(selectOutputUnit([{ flat: 3, cum: 3 }], 100, 'count')).toBe('count');
    // An empty report (filters that matched nothing) prints its total in the best unit.
    expect(scaledLabel(2_310_000_000, 'nanoseconds', selectOutputUnit([], 2_310_000_000, 'nanoseconds'))).toBe('2.31s');
  });
});

describe('groupDigits', () => {
  it('groups digits by thousands as toLocaleString("en-US") does', () => {
    for (const n of [0, 7, 999, 1000, 12345, 999999, 1000000, 5000000, 1234567890, -1234567]) {
      expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
