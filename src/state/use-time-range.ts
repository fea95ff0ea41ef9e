import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { type TimeRange, isRelative, resolveRange } from './time-range';

export interface TimeRangeControl {
  range: TimeRange;
  /** Asks the backend again: moves "now" for a relative range, refetches an absolute one. */
  refresh: () => void;
}

/**
 * The URL's time range resolved to unix ms: the one place where relative ranges ("now-1h") are
 * resolved. "Now" is taken again whenever the screen asks something new of the backend (`from`,
 * `to` or `queryIdentity` change: a preset, back/forward, another service or type), at every
 * refresh (the button, auto-refresh every `refreshSeconds`, the empty screen's polling), and
 * kept otherwise, so that views of one answer agree. Everything fetched for the range is keyed by
 * the resolved times, so a new "now" is a new question and never a cached answer.
 */
export function useTimeRange(from: string, to: string, refreshSeconds: number, queryIdentity: string): TimeRangeControl {
  const queryClient = useQueryClient();
  const key = JSON.stringify([from, to, queryIdentity]);
  const [anchor, setAnchor] = useState(() => ({ key, now: Date.now() }));
  let now = anchor.now;
  if (anchor.key !== key) {
    // A new question: resolved against the present, in this very render (React re-renders at once).
    now = Date.now();
    setAnchor({ key, now });
  }
  const relative = isRelative(from) || isRelative(to);
  const refresh = useCallback(() => {
    setAnchor((a) => ({ ...a, now: Date.now() }));
    // An absolute range's keys do not move: ask again for them. The views of the open profile are
    // the worker's, not the backend's.
    if (!relative) void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'worker' });
  }, [queryClient, relative]);
  useEffect(() => {
    if (!refreshSeconds) return;
    const t = setInterval(refresh, refreshSeconds * 1000);
    return () => clearInterval(t);
  }, [refreshSeconds, refresh]);
  return { range: resolveRange(from, to, now), refresh };
}
