import { useEffect, useState } from 'react';

/**
 * Passes values on to `apply`: `now` at once (dropping a pending one), `soon` at most once per
 * `intervalMs`, the last value given. For values that change faster than anyone reads them,
 * such as a load's progress: each change re-renders, and the renders compete with the work
 * being reported on for this machine's cores.
 */
export class Throttle<T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private latest!: T;

  constructor(
    private readonly apply: (v: T) => void,
    private readonly intervalMs: number,
  ) {}

  now(v: T): void {
    this.cancel();
    this.apply(v);
  }

  soon(v: T): void {
    this.latest = v;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.apply(this.latest);
    }, this.intervalMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * A state with a Throttle's two setters: [value, setNow, setSoon]. The setters, like useState's,
 * are the same functions for as long as the component lives.
 */
export function useThrottledState<T>(initial: T, intervalMs: number): [T, (v: T) => void, (v: T) => void] {
  const [value, setValue] = useState(initial);
  const [throttle] = useState(() => {
    const t = new Throttle<T>(setValue, intervalMs);
    return { cancel: () => t.cancel(), now: (v: T) => t.now(v), soon: (v: T) => t.soon(v) };
  });
  useEffect(() => () => throttle.cancel(), [throttle]);
  return [value, throttle.now, throttle.soon];
}
