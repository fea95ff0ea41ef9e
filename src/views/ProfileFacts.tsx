import type { QuerySide } from '../app/load-profile';
import { isGaugeType } from '../api/gauge';
import { formatValue, groupDigits } from '../profile/reports/format';
import { formatInstant } from '../state/time-range';
import type { ProfileSummary } from '../worker/protocol';

interface Props {
  name: string;
  summary: ProfileSummary;
  sampleIndex: number;
  /** For a backend query's profile: what each side asked for (else it is a file). */
  query?: { next: QuerySide; base?: QuerySide };
}

function formatDuration(ns: number): string {
  if (ns <= 0) return '—';
  return formatValue(ns, 'nanoseconds');
}

function formatTime(ns: number): string {
  if (ns <= 0) return '—';
  const d = new Date(ns / 1e6);
  return Number.isNaN(d.getTime())
    ? '—'
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A span of time as people say it: "1h", "15m", "2h 30m", "45s". */
export function formatSpan(ms: number): string {
  let s = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (s >= size) parts.push(`${Math.floor(s / size)}${unit}`);
    s %= size;
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.slice(0, 2).join(' ');
}

/** "2026-12-07 12:00:05 → 13:00:05 (1h)": the end's date only when it is another day. */
export function formatRange(start: number, end: number): string {
  const [a, b] = [formatInstant(start), formatInstant(end)];
  const to = a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b;
  return `${a} → ${to} (${formatSpan(end - start)})`;
}

/**
 * What a total is: "Total" (a file, or a query of a cumulative type summed over time), "Sum over
 * time" (a gauge summed on request), "Average over time (240 scrapes)" (see src/api/gauge.ts).
 */
function totalLabel(query: Props['query'], side: 'next' | 'base', typeIsGauge: boolean): string {
  const s = query?.[side];
  if (!s?.query.average) return typeIsGauge && s ? 'Sum over time' : 'Total';
  const over = s.averagedOver === undefined ? '' : ` (${Math.round(s.averagedOver * 10) / 10} scrapes)`;
  return `Average over time${over}`;
}

/** Why an average is marked "estimated" (see src/api/average-fallback.ts). */
const ESTIMATE_TITLE =
  'The backend does not average per step (Grafana Pyroscope sums), so the profiles were counted from a finer step. ' +
  'Some series have profiles closer together than that step: their count is scaled by the interval between their ' +
  "profiles over the range's last hour, so the average is an estimate (a shorter range counts at a finer step).";

/**
 * The profile's facts, as pprof's header lists them: what it is (a file, or a query over a time
 * range), type, total (or average), duration, time, samples.
 */
export function ProfileFacts({ name, summary, sampleIndex, query }: Props) {
  const st = summary.sampleTypes[sampleIndex];
  const total = summary.totals[sampleIndex] ?? 0;
  const gauge = query !== undefined && isGaugeType(query.next.query.type);
  const [nextLabel, baseLabel] = [totalLabel(query, 'next', gauge), totalLabel(query, 'base', gauge)];
  const estimated =
    (query?.next.query.average && query.next.averageEstimated) || (query?.base?.query.average && query.base.averageEstimated);
  return (
    <dl className="facts" data-testid="profile-facts">
      <div>
        <dt>{query ? 'Query' : 'File'}</dt>
        <dd className="file-name" title={query ? query.next.query.selector : name} data-testid="profile-name">
          {name}
        </dd>
      </div>
      {query && (
        <>
          <div>
            <dt>{query.base ? 'Comparison range' : 'Range'}</dt>
            <dd data-testid="profile-range">{formatRange(query.next.query.start, query.next.query.end)}</dd>
          </div>
          {query.base && (
            <div>
              <dt>Baseline range</dt>
              <dd data-testid="profile-base-range">{formatRange(query.base.query.start, query.base.query.end)}</dd>
            </div>
          )}
        </>
      )}
      <div>
        <dt>Sample type</dt>
        <dd data-testid="profile-type">{st ? `${st.type}/${st.unit}` : '—'}</dd>
      </div>
      <div>
        <dt data-testid="profile-aggregation">{summary.baseTotals ? `Comparison ${lower(nextLabel)}` : nextLabel}</dt>
        <dd data-testid="profile-total" data-value={String(total)}>
          {st ? formatValue(total, st.unit) : '—'}
        </dd>
        {estimated && (
          <dd className="facts-note" data-testid="average-estimate" title={ESTIMATE_TITLE}>
            estimated
          </dd>
        )}
      </div>
      {summary.baseTotals && st && (
        <div>
          <dt>Baseline {lower(baseLabel)}</dt>
          <dd data-testid="profile-base-total" data-value={String(summary.baseTotals[sampleIndex] ?? 0)}>
            {formatValue(summary.baseTotals[sampleIndex] ?? 0, st.unit)}
          </dd>
        </div>
      )}
      {!query && (
        <>
          <div>
            <dt>Duration</dt>
            <dd data-testid="profile-duration">{formatDuration(summary.durationNanos)}</dd>
          </div>
          <div>
            <dt>Time</dt>
            <dd data-testid="profile-time">{formatTime(summary.timeNanos)}</dd>
          </div>
        </>
      )}
      <div>
        <dt>Samples</dt>
        <dd data-testid="profile-samples" data-value={String(summary.sampleCount)}>
          {groupDigits(summary.sampleCount)}
        </dd>
      </div>
    </dl>
  );
}
