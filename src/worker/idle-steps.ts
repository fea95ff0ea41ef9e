/**
 * Runs background work one step per task, so that a request arriving meanwhile waits for one step
 * at most, and stops at the first step for which `stop()` says a request has come. A step that
 * throws ends the run: background work reports nothing (the request that needs it will).
 * `finished` is called once the run ends, however it ends, with the number of steps that completed.
 */
export function runInSteps(steps: (() => void)[], stop: () => boolean, finished?: (completed: number) => void): void {
  const next = (i: number) => {
    if (i >= steps.length || stop()) {
      finished?.(i);
      return;
    }
    try {
      steps[i]!();
    } catch {
      finished?.(i);
      return;
    }
    setTimeout(() => next(i + 1), 0);
  };
  next(0);
}
