import { describe, expect, it } from 'vitest';
import { resolveTime } from '../../src/common/time';
import { parseAtTime } from '../time';

describe('parseAtTime', () => {
  const now = Date.UTC(2024, 0, 2, 3, 4, 5);

  it("reads from/until in the app's grammar: 16-digit timestamps are microseconds", () => {
    for (const t of ['1700000000', '1700000000123', '1700000000123456', '1700000000123456789', 'now-1h', '20240102']) {
      expect(parseAtTime(t, now), t).toBe(resolveTime(t, now));
    }
    expect(parseAtTime('1700000000123456', now)).toBe(1_700_000_000_123);
  });

  it('is undefined when empty, and throws for what the grammar refuses', () => {
    expect(parseAtTime(undefined, now)).toBeUndefined();
    expect(parseAtTime('  ', now)).toBeUndefined();
    expect(() => parseAtTime('yesterday', now)).toThrow(/invalid time/);
    expect(() => parseAtTime('9'.repeat(40), now)).toThrow(/out of range/);
  });
});
