import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { friendlyProfileType } from '../../common/profile-types';
import type { QuerierClient, RangeRequest } from '../../api/querier';
import { MATCH_OPS, type MatchOp, type Matcher, formatSelector, parseSelector, serviceOf } from '../../common/selector';
import { FilterPicker } from './FilterPicker';

interface Props {
  client: QuerierClient;
  clientKey: string;
  range: RangeRequest;
  /** service → its profile type IDs */
  services: Map<string, string[]>;
  profileType: string;
  query: string;
  onChange: (patch: { type?: string; query?: string }) => void;
}

/** Prefer CPU, then memory, when a service is picked. */
export function defaultProfileType(types: string[]): string {
  const pref = ['process_cpu:cpu:', 'wall:', 'memory:inuse_space:', 'memory:alloc_space:'];
  for (const p of pref) {
    const t = types.find((x) => x.startsWith(p));
    if (t) return t;
  }
  return types[0] ?? '';
}

function safeParse(query: string): Matcher[] {
  try {
    return parseSelector(query);
  } catch {
    return [];
  }
}

/** Service, profile type and label filters, or the whole selector as text. */
export function QueryBar(p: Props) {
  const matchers = safeParse(p.query);
  const service = serviceOf(matchers) ?? '';
  const filters = matchers.filter((m) => !(m.name === 'service_name' && m.op === '='));
  const [textMode, setTextMode] = useState(false);
  const [text, setText] = useState(p.query);
  const [textError, setTextError] = useState('');
  const [picking, setPicking] = useState(false);
  useEffect(() => setText(p.query), [p.query]);

  const serviceSelector = service ? formatSelector([{ name: 'service_name', op: '=', value: service }]) : '';
  const labelNames = useQuery({
    queryKey: ['labelNames', p.clientKey, serviceSelector, p.range.start, p.range.end],
    queryFn: ({ signal }) => p.client.labelNames(serviceSelector ? [serviceSelector] : [], p.range, signal),
    enabled: service !== '',
    // "Now" moves at every refresh: the names stay while they are asked again.
    placeholderData: (prev, q) => (q?.queryKey[1] === p.clientKey && q.queryKey[2] === serviceSelector ? prev : undefined),
  });

  const setFilters = (next: Matcher[]) => {
    const all = service ? [{ name: 'service_name', op: '=' as MatchOp, value: service }, ...next] : next;
    p.onChange({ query: formatSelector(all) });
  };
  const types = p.services.get(service) ?? [];

  return (
    <div className="query-bar">
      <label>
        Service
        <select
          data-testid="service"
          value={service}
          onChange={(e) => {
            const s = e.target.value;
            p.onChange({
              query: formatSelector([{ name: 'service_name', op: '=', value: s }]),
              type: defaultProfileType(p.services.get(s) ?? []),
            });
          }}
        >
          {!service && <option value="">Choose a service…</option>}
          {[...p.services.keys()].sort().map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          {service && !p.services.has(service) && <option value={service}>{service} (no data in range)</option>}
        </select>
      </label>
      <label>
        Profile
        <select data-testid="profile-type-select" value={p.profileType} onChange={(e) => p.onChange({ type: e.target.value })}>
          {types.length === 0 && (
            <option value={p.profileType}>{p.profileType ? friendlyProfileType(p.profileType) : '—'}</option>
          )}
          {types.map((t) => (
            <option key={t} value={t} title={t}>
              {friendlyProfileType(t)}
            </option>
          ))}
        </select>
      </label>
      {textMode ? (
        <form
          className="selector-text"
          onSubmit={(e) => {
            e.preventDefault();
            try {
              const m = parseSelector(text);
              setTextError('');
              p.onChange({ query: formatSelector(m) });
            } catch (err) {
              setTextError(err instanceof Error ? err.message : String(err));
            }
          }}
        >
          <input
            type="text"
            data-testid="selector-text"
            aria-label="Label selector"
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
          />
          <button type="submit" data-testid="selector-apply">
            Apply
          </button>
          {textError && (
            <span className="invalid" data-testid="selector-error">
              {textError}
            </span>
          )}
        </form>
      ) : (
        <div className="filters">
          {filters.map((m, i) => (
            <LabelFilter
              key={i}
              client={p.client}
              clientKey={p.clientKey}
              range={p.range}
              matcher={m}
              labelNames={labelNames.data ?? []}
              serviceSelector={serviceSelector}
              onChange={(next) => setFilters(filters.map((f, k) => (k === i ? next : f)))}
              onRemove={() => setFilters(filters.filter((_, k) => k !== i))}
            />
          ))}
          {picking ? (
            <FilterPicker
              client={p.client}
              clientKey={p.clientKey}
              range={p.range}
              serviceSelector={serviceSelector}
              labelNames={labelNames.data ?? []}
              onAdd={(m) => {
                setPicking(false);
                setFilters([...filters, m]);
              }}
              onCancel={() => setPicking(false)}
            />
          ) : (
            <button type="button" data-testid="add-filter" disabled={!service} onClick={() => setPicking(true)}>
              + Filter
            </button>
          )}
        </div>
      )}
      <button type="button" data-testid="selector-mode" onClick={() => setTextMode(!textMode)}>
        {textMode ? 'Builder' : 'Text'}
      </button>
    </div>
  );
}

function LabelFilter(
  p: Pick<Props, 'client' | 'clientKey' | 'range'> & {
    matcher: Matcher;
    labelNames: string[];
    serviceSelector: string;
    onChange: (m: Matcher) => void;
    onRemove: () => void;
  },
) {
  const { matcher: m } = p;
  const values = useQuery({
    queryKey: ['labelValues', p.clientKey, m.name, p.serviceSelector, p.range.start, p.range.end],
    queryFn: ({ signal }) => p.client.labelValues(m.name, p.serviceSelector ? [p.serviceSelector] : [], p.range, signal),
    placeholderData: (prev, q) => (q?.queryKey[2] === m.name ? prev : undefined),
  });
  const [value, setValue] = useState(m.value);
  useEffect(() => setValue(m.value), [m.value]);
  const listId = `values-${m.name}`;
  return (
    <span className="label-filter" data-testid="label-filter">
      <select
        data-testid="filter-label"
        value={m.name}
        onChange={(e) => p.onChange({ ...m, name: e.target.value })}
        aria-label="Label"
      >
        {[...new Set([m.name, ...p.labelNames.filter((n) => n !== 'service_name')])].map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <select
        data-testid="filter-op"
        value={m.op}
        onChange={(e) => p.onChange({ ...m, op: e.target.value as MatchOp })}
        aria-label="Operator"
      >
        {MATCH_OPS.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      <input
        type="text"
        data-testid="filter-value"
        list={listId}
        aria-label="Value"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => value !== m.value && p.onChange({ ...m, value })}
        onKeyDown={(e) => e.key === 'Enter' && p.onChange({ ...m, value })}
      />
      <datalist id={listId}>
        {(values.data ?? []).map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      <button type="button" aria-label="Remove filter" data-testid="filter-remove" onClick={p.onRemove}>
        ×
      </button>
    </span>
  );
}
