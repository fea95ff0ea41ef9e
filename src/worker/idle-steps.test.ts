import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInSteps } from './idle-steps';

// Fake timers: every task the run queues is run explicitly, so "once" means once, however slow
// the machine is.
beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const run = (steps: (() => void)[], stop: () => boolean) => {
  const completed: number[] = [];
  runInSteps(steps, stop, (n) => completed.push(n));
  vi.runAllTimers();
  return completed;
};

describe('runInSteps', () => {
  it('runs every step in order, one per task, then says it finished once', () => {
    const log: string[] = [];
    const steps = ['a', 'b', 'c'].map((x) => () => void log.push(x));
    const between: string[] = [];
    setTimeout(() => between.push(log.join('')), 0); // a task queued before the second step
    expect(run(steps, () => false)).toEqual([3]);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(between).toEqual(['a']);
  });

  it('stops at the first step after stop() turns true, and after a step that throws', () => {
    const log: string[] = [];
    let requested = false;
    const steps = [() => void log.push('a'), () => void (requested = true), () => void log.push('c')];
    expect(run(steps, () => requested)).toEqual([2]);
    expect(log).toEqual(['a']);
    const after: string[] = [];
    const failing = [
      () => void after.push('a'),
      () => {
        throw new Error('no');
      },
      () => void after.push('c'),
    ];
    expect(run(failing, () => false)).toEqual([1]);
    expect(after).toEqual(['a']);
  });
});
