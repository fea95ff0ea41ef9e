// What a scrape target is, and how /targets reports it.
import type { ProfileKind } from './profiles';

/** One profile of one endpoint: the unit that is scheduled, scraped and reported. */
export interface TargetSpec {
  job: string;
  source: 'static' | 'kubernetes';
  /** scheme://host:port */
  address: string;
  profile: ProfileKind;
  /** Path (and query) of the profile, e.g. /debug/pprof/heap. */
  path: string;
  /** Series labels: service_name, job, instance, and static labels or namespace/pod/container/node. */
  labels: Record<string, string>;
}

export type TargetHealth = 'unknown' | 'up' | 'down';

/** One entry of GET /targets. */
export interface TargetStatus {
  job: string;
  source: 'static' | 'kubernetes';
  profile: ProfileKind;
  /** The URL scraped, with ?seconds=N for process_cpu. */
  url: string;
  labels: Record<string, string>;
  tenant: string;
  health: TargetHealth;
  /** ISO time the last scrape started; null before the first one ended. */
  lastScrape: string | null;
  lastScrapeDurationMs: number | null;
  lastError: string | null;
  intervalMs: number;
  timeoutMs: number;
  scrapes: number;
  failures: number;
}
