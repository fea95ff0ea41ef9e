import { type DependencyList, useEffect, useState } from 'react';

export interface AsyncState<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

/**
 * Runs `fn` whenever `deps` change and keeps the latest settled result; a result that arrives
 * after the deps changed again is dropped. The previous data stays while the next is loading,
 * so views do not flash empty.
 */
export function useAsync<T>(fn: () => Promise<T> | undefined, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ loading: false });
  useEffect(() => {
    const p = fn();
    if (!p) {
      setState({ loading: false });
      return;
    }
    let current = true;
    setState((s) => ({ data: s.data, loading: true }));
    p.then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) =>
        current && setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    );
    return () => {
      current = false;
    };
    // The caller lists what `fn` depends on.
  }, deps);
  return state;
}
