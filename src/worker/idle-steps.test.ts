import { describe, expect, it } from 'vitest';
import { runInSteps } from './idle-steps';

const run = (steps: (() => void)[], stop: () => boolean, completed: number[] = []) =>
  new Promise<number>((resolve) => {
    let finished = 0;
    runInSteps(steps, stop, (n) => {
      finished++;
      completed.push(n);
      setTimeout(() => resolve(finished), 20); // a second call would come within this
    });
  });

describe('runInSteps', () => {
  it('runs every step in order, one per task, then says it finished once', async () => {
    const log: string[] = [];
    const steps = ['a', 'b', 'c'].map((x) => () => void log.push(x));
    const between: string[] = [];
    setTimeout(() => between.push(log.join('')), 0); // a task queued before the second step
    const completed: number[] = [];
    expect(await run(steps, () => false, completed)).toBe(1);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(completed).toEqual([3]);
    expect(between[0]).toBe('a');
  });

  it('stops at the first step after stop() turns true, and after a step that throws', async () => {
    const log: string[] = [];
    let requested = false;
    const steps = [() => void log.push('a'), () => void (requested = true), () => void log.push('c')];
    expect(await run(steps, () => requested)).toBe(1);
    expect(log).toEqual(['a']);
    const after: string[] = [];
    const failing = [() => void after.push('a'), () => { throw new Error('no'); }, () => void after.push('c')];
    const completed: number[] = [];
    expect(await run(failing, () => false, completed)).toBe(1);
    expect(after).toEqual(['a']);
    expect(completed).toEqual([1]);
  });
});
