import { describe, expect, it } from 'vitest';
import { GrowableInt32, releaseArray } from './growable';

describe('releaseArray', () => {
  it('detaches the buffer, so that a later use of the array reads nothing', () => {
    const a = new Float64Array(1000).fill(1);
    releaseArray(a);
    expect(a.length).toBe(0);
    expect(a[0]).toBeUndefined();
    releaseArray(a); // twice is harmless
  });

  it('leaves copies alone', () => {
    const g = new GrowableInt32(4);
    for (let i = 0; i < 10; i++) g.push(i);
    const exact = g.trimmed();
    releaseArray(g.data);
    expect([...exact]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
