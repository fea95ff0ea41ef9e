import { formatValue, groupDigits } from '../profile/reports/format';
import type { ProfileSummary } from '../worker/protocol';

interface Props {
  name: string;
  summary: ProfileSummary;
  sampleIndex: number;
}

function formatDuration(ns: number): string {
  if (ns <= 0) return '—';
  return formatValue(ns, 'nanoseconds');
}

function formatTime(ns: number): string {
  if (ns <= 0) return '—';
  const d = new Date(ns / 1e6);
  return Number.isNaN(d.getTime()) ? '—' : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** The profile's facts, as pprof's header lists them: type, total, duration, time, samples. */
export function ProfileFacts({ name, summary, sampleIndex }: Props) {
  const st = summary.sampleTypes[sampleIndex];
  const total = summary.totals[sampleIndex] ?? 0;
  return (
    <dl className="facts" data-testid="profile-facts">
      <div>
        <dt>File</dt>
        <dd className="file-name" title={name} data-testid="profile-name">
          {name}
        </dd>
      </div>
      <div>
        <dt>Sample type</dt>
        <dd data-testid="profile-type">{st ? `${st.type}/${st.unit}` : '—'}</dd>
      </div>
      <div>
        <dt>{summary.baseTotals ? 'Comparison total' : 'Total'}</dt>
        <dd data-testid="profile-total" data-value={String(total)}>
          {st ? formatValue(total, st.unit) : '—'}
        </dd>
      </div>
      {summary.baseTotals && st && (
        <div>
          <dt>Baseline total</dt>
          <dd data-testid="profile-base-total" data-value={String(summary.baseTotals[sampleIndex] ?? 0)}>
            {formatValue(summary.baseTotals[sampleIndex] ?? 0, st.unit)}
          </dd>
        </div>
      )}
      <div>
        <dt>Duration</dt>
        <dd data-testid="profile-duration">{formatDuration(summary.durationNanos)}</dd>
      </div>
      <div>
        <dt>Time</dt>
        <dd data-testid="profile-time">{formatTime(summary.timeNanos)}</dd>
      </div>
      <div>
        <dt>Samples</dt>
        <dd data-testid="profile-samples" data-value={String(summary.sampleCount)}>
          {groupDigits(summary.sampleCount)}
        </dd>
      </div>
    </dl>
  );
}
