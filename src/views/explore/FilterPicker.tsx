import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { QuerierClient, RangeRequest } from '../../api/querier';
import { MATCH_OPS, type MatchOp, type Matcher } from '../../common/selector';

interface Props {
  client: QuerierClient;
  clientKey: string;
  range: RangeRequest;
  /** The service's selector, for the label values offered ('' = all series). */
  serviceSelector: string;
  /** Label names of the service's series (service_name excluded here). */
  labelNames: string[];
  onAdd: (m: Matcher) => void;
  onCancel: () => void;
}

/** Label names in the order a picker offers them: `pod` first when present (what people filter by most), then by name. */
export function pickerLabelOrder(names: string[]): string[] {
  const rest = names.filter((n) => n !== 'service_name' && n !== 'pod').sort();
  return names.includes('pod') ? ['pod', ...rest] : rest;
}

/**
 * "+ Filter": a label name, then a value (typed, or one of the label's values in the range).
 * Nothing is applied until a value is chosen: a half-made filter would match no series.
 */
export function FilterPicker(p: Props) {
  const names = pickerLabelOrder(p.labelNames);
  const [chosen, setName] = useState('');
  const name = chosen || names[0] || '';
  const [op, setOp] = useState<MatchOp>('=');
  const [value, setValue] = useState('');
  const values = useQuery({
    queryKey: ['labelValues', p.clientKey, name, p.serviceSelector, p.range.start, p.range.end],
    queryFn: ({ signal }) => p.client.labelValues(name, p.serviceSelector ? [p.serviceSelector] : [], p.range, signal),
    enabled: name !== '',
    placeholderData: (prev, q) => (q?.queryKey[2] === name ? prev : undefined),
  });
  const add = (v: string) => {
    if (name && v !== '') p.onAdd({ name, op, value: v });
  };
  const listId = `picker-values-${name}`;
  return (
    <span
      className="filter-picker"
      data-testid="filter-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') p.onCancel();
      }}
    >
      <select data-testid="filter-label" aria-label="Label" value={name} onChange={(e) => setName(e.target.value)} autoFocus>
        {names.length === 0 && <option value="">no labels</option>}
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <select data-testid="filter-op" aria-label="Operator" value={op} onChange={(e) => setOp(e.target.value as MatchOp)}>
        {MATCH_OPS.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      <input
        type="text"
        data-testid="filter-value"
        aria-label="Value"
        list={listId}
        placeholder={values.data && values.data.length > 0 ? `${values.data.length} values` : 'value'}
        value={value}
        spellCheck={false}
        onChange={(e) => {
          setValue(e.target.value);
          // A suggestion picked from the list is a choice made: applied at once (typing is not).
          if ((e.nativeEvent as InputEvent).inputType === 'insertReplacementText') add(e.target.value);
        }}
        onKeyDown={(e) => e.key === 'Enter' && add(value)}
      />
      <datalist id={listId}>
        {(values.data ?? []).map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      <button type="button" data-testid="filter-apply" disabled={!name || value === ''} onClick={() => add(value)}>
        Add
      </button>
      <button type="button" data-testid="filter-cancel" aria-label="Cancel" onClick={p.onCancel}>
        ×
      </button>
    </span>
  );
}
