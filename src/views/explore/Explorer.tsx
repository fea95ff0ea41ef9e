import { type Query, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { isGaugeType, perSeries, sumOfAverages } from '../../api/gauge';
import { parseProfileTypeId } from '../../common/profile-types';
import { ApiError, QuerierClient } from '../../api/querier';
import { backendConfig, storeTenant, storedBackendUrl } from '../../state/backend';
import { selectorError } from '../../state/profile-request';
import { type TimeRange, stepFor } from '../../state/time-range';
import { type Aggregation, type UrlState, aggregationOf } from '../../state/url-state';
import { QueryBar, defaultProfileType } from './QueryBar';
import { TimeRangePicker } from './TimeRangePicker';
import { Timeline } from './Timeline';
import { CopyLink } from './CopyLink';
import { pickerLabelOrder } from './FilterPicker';
import { LabelBreakdown } from './LabelBreakdown';

/** How often an empty screen asks again, with "now" moved (data may arrive any moment on a fresh server). */
export const EMPTY_POLL_MS = 5000;

/** While the next answer loads, the last one for the same backend stays on screen. */
function sameBackend(clientKey: string) {
  return <T,>(prev: T | undefined, prevQuery: Query<T, Error, T, readonly unknown[]> | undefined) =>
    prevQuery?.queryKey[1] === clientKey ? prev : undefined;
}

interface Props {
  state: UrlState;
  setState: (patch: Partial<UrlState>, how?: 'push' | 'replace') => void;
  /** The URL's time range, resolved (see useTimeRange), and what refreshes it. */
  range: TimeRange;
  onRefresh: () => void;
}

/** The backend explorer: query bar, time range, timeline (the profile itself is the app's to load). */
export function Explorer({ state, setState, range, onRefresh }: Props) {
  const [brushTarget, setBrushTarget] = useState<'comparison' | 'baseline'>('baseline');
  const { baseUrl, tenant } = backendConfig(state.tenant);
  const clientKey = `${baseUrl}|${tenant ?? ''}`;
  const client = useMemo(() => new QuerierClient({ baseUrl, tenant }), [baseUrl, tenant]);
  const { start, end } = range;

  const services = useQuery({
    queryKey: ['services', clientKey, start, end],
    queryFn: async ({ signal }) => {
      const sets = await client.series([], ['service_name', '__profile_type__'], range, signal);
      const m = new Map<string, string[]>();
      for (const labels of sets) {
        const svc = labels.find((l) => l.name === 'service_name')?.value;
        const type = labels.find((l) => l.name === '__profile_type__')?.value;
        if (!svc || !type) continue;
        const list = m.get(svc) ?? [];
        if (!list.includes(type)) list.push(type);
        m.set(svc, list);
      }
      for (const l of m.values()) l.sort();
      return m;
    },
    placeholderData: sameBackend(clientKey),
  });

  // With no query yet, start on the first service (CPU if it has it).
  useEffect(() => {
    if (state.query || !services.data || services.data.size === 0) return;
    const first = [...services.data.keys()].sort()[0]!;
    setState({ query: `{service_name="${first}"}`, type: defaultProfileType(services.data.get(first)!) }, 'replace');
  }, [services.data, state.query, setState]);

  const queryError = selectorError(state.query);
  const ready = state.query !== '' && state.type !== '' && !queryError;
  const sampleUnit = parseProfileTypeId(state.type)?.sampleUnit ?? '';

  // The total over time, or for an average (a gauge's default) the sum across series of each
  // series' average per step, so that a step holding several scrapes counts each pod once.
  const average = aggregationOf(state) === 'average';
  const series = useQuery({
    queryKey: ['series-points', clientKey, state.type, state.query, state.groupBy, average, start, end],
    queryFn: async ({ signal }) => {
      const q = { profileTypeID: state.type, labelSelector: state.query, start, end, step: stepFor(start, end) };
      if (!average) return client.selectSeries({ ...q, groupBy: state.groupBy ? [state.groupBy] : [] }, signal);
      const { averages } = await perSeries(client, q, signal);
      return sumOfAverages(averages, state.groupBy);
    },
    enabled: ready,
    placeholderData: sameBackend(clientKey),
  });

  const labelNames = useQuery({
    queryKey: ['labelNames-groupBy', clientKey, state.query, start, end],
    queryFn: ({ signal }) => client.labelNames([state.query], range, signal),
    enabled: ready,
    placeholderData: sameBackend(clientKey),
  });

  // An empty screen (no profiles at all, or none for the query) asks again every few seconds with
  // "now" moved, so that it fills in by itself once profiles arrive.
  const noServices = services.data?.size === 0 && !services.error;
  const noPoints = ready && !series.isPlaceholderData && series.data?.every((s) => s.points.length === 0) === true;
  useEffect(() => {
    if (!noServices && !noPoints) return;
    const t = setInterval(onRefresh, EMPTY_POLL_MS);
    return () => clearInterval(t);
  }, [noServices, noPoints, onRefresh]);

  // Diff mode: the baseline is the same query (or its own selector) over its own sub-range.
  const baseQueryError = state.bquery ? selectorError(state.bquery) : '';

  const errors = [services.error, series.error, labelNames.error].filter(Boolean) as Error[];
  const needsTenant = errors.some((e) => e instanceof ApiError && e.needsTenant);

  return (
    <div className="explorer">
      <div className="explore-bar">
        <QueryBar
          client={client}
          clientKey={clientKey}
          range={range}
          services={services.data ?? new Map()}
          profileType={state.type}
          query={state.query}
          onChange={(patch) => {
            // Another type starts on its own default aggregation.
            const agg = patch.type && patch.type !== state.type ? { agg: '' as const } : {};
            setState({ ...patch, ...agg, sel: null, zoom: [], sandwich: '', fn: '' });
          }}
        />
        {(isGaugeType(state.type) || state.agg) && <AggregationPicker state={state} onChange={(agg) => setState({ agg })} />}
        <span className="spacer" />
        <TimeRangePicker
          from={state.from}
          to={state.to}
          range={range}
          refresh={state.refresh}
          // A preset clicked again asks again as of now (a relative range means "the last N minutes").
          onRange={(from, to) => (from === state.from && to === state.to ? onRefresh() : setState({ from, to, sel: null }))}
          onRefresh={onRefresh}
          onAutoRefresh={(refresh) => setState({ refresh })}
        />
        <button
          type="button"
          data-testid="diff-toggle"
          aria-pressed={state.diff}
          onClick={() => setState({ diff: !state.diff, bsel: null, bquery: '' })}
          title="Compare a baseline with the comparison"
        >
          {state.diff ? 'Stop comparing' : 'Compare'}
        </button>
        <CopyLink state={state} range={range} />
      </div>
      {state.diff && (
        <div className="diff-sides" data-testid="diff-sides">
          <span>Drag on the timeline to choose the</span>
          <label>
            <input
              type="radio"
              name="brush-target"
              data-testid="brush-target-baseline"
              checked={brushTarget === 'baseline'}
              onChange={() => setBrushTarget('baseline')}
            />
            baseline
          </label>
          <label>
            <input
              type="radio"
              name="brush-target"
              data-testid="brush-target-comparison"
              checked={brushTarget === 'comparison'}
              onChange={() => setBrushTarget('comparison')}
            />
            comparison
          </label>
          <BaselineQuery value={state.bquery} onApply={(bquery) => setState({ bquery })} />
          {baseQueryError && <span className="invalid">{baseQueryError}</span>}
        </div>
      )}
      {needsTenant && <TenantPrompt onTenant={(t) => (storeTenant(t), setState({ tenant: t }))} />}
      {queryError && (
        <div className="error" role="alert" data-testid="error">
          {queryError}
        </div>
      )}
      {!needsTenant &&
        errors.map((e, i) => (
          <div key={i} className="error" role="alert" data-testid="error">
            <span>Backend error: {e.message}</span>
          </div>
        ))}
      {noServices && (
        <div className="welcome" data-testid="no-data">
          <p>
            No profiles in this range{storedBackendUrl() ? '' : ' yet'}. The embedded demo pushes its first profiles about 15
            seconds after the server starts; or ingest your own with <code>POST /ingest</code>.
          </p>
        </div>
      )}
      {ready && (
        <div className="timeline-row">
          <div className="timeline-controls">
            <label className="group-by">
              Split by
              <select data-testid="group-by" value={state.groupBy} onChange={(e) => setState({ groupBy: e.target.value })}>
                <option value="">—</option>
                {(labelNames.data ?? []).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <label className="group-by" title="One merged profile per value of the label, each under a root frame of its own">
              Flame graph by
              <select
                data-testid="flame-group-by"
                value={state.flameBy}
                onChange={(e) => setState({ flameBy: e.target.value, zoom: [], sandwich: '', fn: '' })}
              >
                <option value="">—</option>
                {pickerLabelOrder([...(labelNames.data ?? []), ...(state.flameBy ? [state.flameBy] : [])])
                  .filter((n, i, all) => all.indexOf(n) === i)
                  .map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
              </select>
            </label>
            <button
              type="button"
              data-testid="breakdown-toggle"
              aria-pressed={state.breakdown !== ''}
              // Until the query's label names are known there is nothing to break down by.
              disabled={!state.breakdown && !labelNames.data?.length}
              title="Break the query down by the values of a label"
              onClick={() => setState({ breakdown: state.breakdown ? '' : (pickerLabelOrder(labelNames.data ?? [])[0] ?? '') })}
            >
              Breakdown
            </button>
          </div>
          <Timeline
            series={series.data ?? []}
            start={start}
            end={end}
            unit={sampleUnit}
            selection={state.sel}
            loading={series.isFetching}
            onSelect={(sel) => setState({ sel })}
            baseSelection={state.diff ? state.bsel : undefined}
            onSelectBase={state.diff ? (bsel) => setState({ bsel }) : undefined}
            target={state.diff ? brushTarget : 'comparison'}
          />
        </div>
      )}
      {ready && state.breakdown && (
        <LabelBreakdown
          client={client}
          clientKey={clientKey}
          state={state}
          setState={setState}
          start={state.sel?.[0] ?? start}
          end={state.sel?.[1] ?? end}
          average={average}
          unit={sampleUnit}
          labelNames={labelNames.data ?? []}
        />
      )}
    </div>
  );
}

/** Average or sum of the profiles over time; the type's default is left out of the link. */
function AggregationPicker({ state, onChange }: { state: UrlState; onChange: (agg: UrlState['agg']) => void }) {
  const byDefault = aggregationOf({ type: state.type, agg: '' });
  return (
    <label title="How the profiles of the time range are combined: a gauge (memory in use, goroutines) is averaged">
      Over time
      <select
        data-testid="aggregation"
        value={aggregationOf(state)}
        onChange={(e) => onChange(e.target.value === byDefault ? '' : (e.target.value as Aggregation))}
      >
        <option value="average">average</option>
        <option value="sum">sum</option>
      </select>
    </label>
  );
}

/** The baseline's own selector, for comparing two queries (pod A vs pod B); empty = the same. */
function BaselineQuery({ value, onApply }: { value: string; onApply: (q: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <label>
      Baseline selector
      <input
        type="text"
        data-testid="baseline-query"
        placeholder="same as the comparison"
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text !== value && onApply(text)}
        onKeyDown={(e) => e.key === 'Enter' && onApply(text)}
      />
    </label>
  );
}

function TenantPrompt({ onTenant }: { onTenant: (t: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="tenant-prompt"
      data-testid="tenant-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onTenant(value.trim());
      }}
    >
      This backend serves several tenants (it answered “no org id”). Tenant ID:{' '}
      <input data-testid="tenant-input" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit">Use tenant</button>
    </form>
  );
}
