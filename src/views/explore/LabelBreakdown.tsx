import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { type LabelValueSeries, labelValueSeries, withMatcher } from '../../api/label-values';
import type { QuerierClient } from '../../api/querier';
import { formatValue } from '../../profile/reports/format';
import { stepFor } from '../../state/time-range';
import type { UrlState } from '../../state/url-state';
import { pickerLabelOrder } from './FilterPicker';

interface Props {
  client: QuerierClient;
  clientKey: string;
  state: UrlState;
  setState: (patch: Partial<UrlState>, how?: 'push' | 'replace') => void;
  /** The range the profile covers: the timeline selection, else the whole range. */
  start: number;
  end: number;
  average: boolean;
  unit: string;
  /** Label names of the query's series (`__` names left out). */
  labelNames: string[];
}

/** What belongs to one query's profile (as the query bar resets it); the time selection stays, so totals carry over. */
const PER_QUERY = { zoom: [], sandwich: '', fn: '' } satisfies Partial<UrlState>;

/**
 * The query broken down by the values of a series label (Pyroscope's Tag Explorer): per value its
 * total over the profile's range, share and sparkline, from SelectSeries with groupBy. A click
 * on a value filters the selector to it; "vs rest" diffs it against the other values.
 */
export function LabelBreakdown({ client, clientKey, state, setState, start, end, average, unit, labelNames }: Props) {
  const names = pickerLabelOrder(labelNames);
  const label = state.breakdown;
  // A label the query's series do not have (another service was picked): the first one offered.
  useEffect(() => {
    if (names.length > 0 && !names.includes(label)) setState({ breakdown: names[0] }, 'replace');
  }, [names, label, setState]);

  const rows = useQuery({
    queryKey: ['breakdown', clientKey, state.type, state.query, label, average, start, end],
    queryFn: ({ signal }) =>
      labelValueSeries(
        client,
        { profileTypeID: state.type, labelSelector: state.query, start, end, step: stepFor(start, end) },
        label,
        { average },
        signal,
      ),
    enabled: names.includes(label),
    // The last answer stays while the next loads (same backend and label).
    placeholderData: (prev, q) => (q?.queryKey[1] === clientKey && q.queryKey[4] === label ? prev : undefined),
  });

  const data = rows.data ?? [];
  const sum = data.reduce((a, r) => a + Math.abs(r.total), 0);
  const sorted = [...data].sort((a, b) => {
    const d = state.bdSort === 'value' ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.total - b.total;
    return state.bdAsc ? d : -d;
  });
  const sortBy = (col: UrlState['bdSort']) =>
    setState({ bdSort: col, bdAsc: state.bdSort === col ? !state.bdAsc : col === 'value' });
  const arrow = (col: UrlState['bdSort']) => (state.bdSort === col ? (state.bdAsc ? ' ▲' : ' ▼') : '');
  const matcher = (value: string, op: '=' | '!=') => ({ name: label, op, value });

  return (
    <section className="label-breakdown" data-testid="label-breakdown" aria-label="Breakdown by label">
      <div className="breakdown-head">
        <label>
          Breakdown by
          <select data-testid="breakdown-label" value={label} onChange={(e) => setState({ breakdown: e.target.value })}>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        {rows.isFetching && <span className="hint">Loading…</span>}
        {rows.error && (
          <span className="invalid" data-testid="error">
            {rows.error.message}
          </span>
        )}
        {names.length === 0 && <span className="hint">The query’s series have no labels to break down by.</span>}
      </div>
      {data.length > 0 && (
        <table className="breakdown-table">
          <thead>
            <tr>
              <th>
                <button type="button" data-testid="breakdown-sort-value" onClick={() => sortBy('value')}>
                  {label}
                  {arrow('value')}
                </button>
              </th>
              <th className="num">
                <button type="button" data-testid="breakdown-sort-total" onClick={() => sortBy('total')}>
                  {average ? 'Average' : 'Total'}
                  {arrow('total')}
                </button>
              </th>
              <th className="num">Share</th>
              <th>Over time</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.value} data-testid="breakdown-row" data-value={r.value} data-total={r.total}>
                <td>
                  <button
                    type="button"
                    className="link"
                    data-testid="breakdown-filter"
                    title={`Filter the selector to ${label}="${r.value}"`}
                    onClick={() =>
                      setState({
                        query: withMatcher(state.query, matcher(r.value, '='), { replace: true }),
                        ...PER_QUERY,
                      })
                    }
                  >
                    {r.value === '' ? `(no ${label})` : r.value}
                  </button>
                </td>
                <td className="num">{formatValue(r.total, unit)}</td>
                <td className="num">{sum > 0 ? `${((Math.abs(r.total) / sum) * 100).toFixed(1)}%` : ''}</td>
                <td>
                  <Sparkline points={r.points} start={start} end={end} />
                </td>
                <td>
                  <button
                    type="button"
                    data-testid="breakdown-diff"
                    title={`Compare ${label}="${r.value}" with the rest (baseline: ${label}!="${r.value}")`}
                    onClick={() =>
                      setState({
                        diff: true,
                        query: withMatcher(state.query, matcher(r.value, '=')),
                        bquery: withMatcher(state.query, matcher(r.value, '!=')),
                        bsel: state.sel,
                        ...PER_QUERY,
                      })
                    }
                  >
                    vs rest
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const SPARK_W = 120;
const SPARK_H = 20;

/** A value's points over the range, scaled to its own maximum. */
function Sparkline({ points, start, end }: { points: LabelValueSeries['points']; start: number; end: number }) {
  const max = points.reduce((m, p) => Math.max(m, p.value), 0);
  const span = Math.max(1, end - start);
  const x = (t: number) => (((t - start) / span) * SPARK_W).toFixed(1);
  const y = (v: number) => (SPARK_H - 1 - (max > 0 ? (v / max) * (SPARK_H - 2) : 0)).toFixed(1);
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.timestamp)},${y(p.value)}`).join('');
  return (
    <svg className="sparkline" data-testid="breakdown-spark" width={SPARK_W} height={SPARK_H} data-points={points.length}>
      <path d={d} fill="none" stroke="var(--accent)" strokeWidth={1.25} />
      {points.length === 1 && <circle cx={x(points[0]!.timestamp)} cy={y(points[0]!.value)} r={1.5} fill="var(--accent)" />}
    </svg>
  );
}
