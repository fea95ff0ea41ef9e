import { describe, expect, it } from 'vitest';
import { isValidTime, resolveTime } from './time';

describe('resolveTime', () => {
  const now = Date.UTC(2024, 0, 2, 3, 4, 5);
  const ms = 1_700_000_000_123;

  it('reads a bare number in the unit its digit count gives: s, ms, µs, ns', () => {
    expect(resolveTime('1700000000', now)).toBe(1_700_000_000_000);
    expect(resolveTime('1700000000123', now)).toBe(ms);
    expect(resolveTime('1700000000123456', now)).toBe(ms);
    expect(resolveTime('1700000000123456789', now)).toBe(ms);
  });

  it('reads 16-digit timestamps as microseconds, not milliseconds', () => {
    expect(resolveTime('1700000000123999', now)).toBe(ms);
    expect(isValidTime('1700000000123456')).toBe(true);
  });

  it('reads now, now minus a duration, and dates', () => {
    expect(resolveTime('now', now)).toBe(now);
    expect(resolveTime(' now-1h ', now)).toBe(now - 3_600_000);
    expect(resolveTime('now-15m', now)).toBe(now - 900_000);
    expect(resolveTime('now-7d', now)).toBe(now - 7 * 86_400_000);
    expect(resolveTime('20240102', now)).toBe(Date.UTC(2024, 0, 2));
  });

  it('refuses anything else, and times a Date cannot hold', () => {
    for (const t of ['', 'yesterday', 'now-1', 'now+1h', '-5', '1.5', '9'.repeat(40), 'now-99999999999999999y']) {
      expect(() => resolveTime(t, now), t).toThrow();
      expect(isValidTime(t), t).toBe(false);
    }
  });
});
