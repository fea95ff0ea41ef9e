// The Go net/http/pprof profiles pull mode collects, and which of their sample types are
// cumulative (counted since the process started) and so stored as deltas between scrapes.
export type ProfileKind = 'process_cpu' | 'memory' | 'goroutine' | 'mutex' | 'block';

export interface ProfileKindInfo {
  name: ProfileKind;
  defaultPath: string;
  /**
   * `__name__` of the stored series. Scraped profiles are named after the profile, as Grafana
   * Alloy's pyroscope.scrape names what it pushes (Go's mutex and block profiles have the same
   * sample types, so the name cannot be derived from the data).
   */
  metricName: string;
  /** Sample types whose values are cumulative; undefined = none. */
  cumulative?: (sampleType: string) => boolean;
  /** Append `seconds=N` (the CPU profile runs for N seconds before it answers). */
  timed?: boolean;
}

export const PROFILE_KINDS: readonly ProfileKindInfo[] = [
  { name: 'process_cpu', defaultPath: '/debug/pprof/profile', metricName: 'process_cpu', timed: true },
  { name: 'memory', defaultPath: '/debug/pprof/heap', metricName: 'memory', cumulative: (t) => t.startsWith('alloc_') },
  { name: 'goroutine', defaultPath: '/debug/pprof/goroutine', metricName: 'goroutine' },
  { name: 'mutex', defaultPath: '/debug/pprof/mutex', metricName: 'mutex', cumulative: () => true },
  { name: 'block', defaultPath: '/debug/pprof/block', metricName: 'block', cumulative: () => true },
];

export const PROFILE_KIND: Record<ProfileKind, ProfileKindInfo> = Object.fromEntries(
  PROFILE_KINDS.map((k) => [k.name, k]),
) as Record<ProfileKind, ProfileKindInfo>;
