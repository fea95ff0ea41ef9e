import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from './use-throttled-state';

describe('Throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies `now` at once and `soon` once per interval, with the last value', () => {
    const seen: number[] = [];
    const t = new Throttle<number>((v) => seen.push(v), 100);
    t.now(1);
    expect(seen).toEqual([1]);
    t.soon(2);
    t.soon(3);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(99);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([1, 3]);
    t.soon(4);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([1, 3, 4]);
  });

  it('drops a pending value when `now` comes first (a load that finished)', () => {
    const seen: (string | null)[] = [];
    const t = new Throttle<string | null>((v) => seen.push(v), 100);
    t.soon('decoding');
    t.now(null);
    vi.advanceTimersByTime(500);
    expect(seen).toEqual([null]);
  });

  it('applies nothing after cancel', () => {
    const seen: number[] = [];
    const t = new Throttle<number>((v) => seen.push(v), 100);
    t.soon(1);
    t.cancel();
    vi.advanceTimersByTime(500);
    expect(seen).toEqual([]);
  });
});
