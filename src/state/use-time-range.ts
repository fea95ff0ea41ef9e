import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { type TimeRange, resolveRange } from './time-range';

/**
 * The URL's time range resolved to unix ms: the one place where relative ranges ("now-1h") are
 * resolved, against "now" as of the last refresh (the refresh button, or auto-refresh every
 * `refreshSeconds`). Everything fetched for the range is keyed by the resolved times.
 */
export function useTimeRange(from: string, to: string, refreshSeconds: number): { range: TimeRange; refresh: () => void } {
  const queryClient = useQueryClient();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!refreshSeconds) return;
    const t = setInterval(() => setNow(Date.now()), refreshSeconds * 1000);
    return () => clearInterval(t);
  }, [refreshSeconds]);
  // Also asks the backend again for an absolute range, whose keys do not move; the views of the
  // open profile are the worker's, not the backend's.
  const refresh = useCallback(() => {
    setNow(Date.now());
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'worker' });
  }, [queryClient]);
  return { range: resolveRange(from, to, now), refresh };
}
