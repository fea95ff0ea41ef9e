import { useState } from 'react';
import type { UrlState } from '../state/url-state';

export type FilterKind = 'focus' | 'ignore' | 'hide' | 'show' | 'showFrom';
export const FILTER_KINDS: { kind: FilterKind; label: string; help: string }[] = [
  { kind: 'focus', label: 'focus', help: 'keep samples with a matching frame' },
  { kind: 'ignore', label: 'ignore', help: 'drop samples with a matching frame' },
  { kind: 'hide', label: 'hide', help: 'remove matching frames from stacks' },
  { kind: 'show', label: 'show', help: 'keep only matching frames' },
  { kind: 'showFrom', label: 'show_from', help: 'drop the callers above the first matching frame' },
];

/** pprof's tag options, by their URL state keys, with pprof's names. */
export type TagKind = 'tagFocus' | 'tagIgnore' | 'tagShow' | 'tagHide' | 'tagRoot' | 'tagLeaf';
export const TAG_KINDS: { kind: TagKind; label: string; help: string; placeholder: string }[] = [
  {
    kind: 'tagFocus',
    label: 'tagfocus',
    help: 'keep samples with a matching label: key=regexp, or a numeric range such as bytes=1kb:64kb',
    placeholder: 'key=regexp or key=range',
  },
  {
    kind: 'tagIgnore',
    label: 'tagignore',
    help: 'drop samples with a matching label: key=regexp, or a numeric range',
    placeholder: 'key=regexp or key=range',
  },
  {
    kind: 'tagShow',
    label: 'tagshow',
    help: 'show only the label keys that match (label boxes, tags view)',
    placeholder: 'key regexp',
  },
  {
    kind: 'tagHide',
    label: 'taghide',
    help: 'hide the label keys that match (label boxes, tags view)',
    placeholder: 'key regexp',
  },
  {
    kind: 'tagRoot',
    label: 'tagroot',
    help: "each sample's values of these keys become frames at the root of its stack",
    placeholder: 'keys, comma-separated',
  },
  {
    kind: 'tagLeaf',
    label: 'tagleaf',
    help: "each sample's values of these keys become frames at the leaf of its stack",
    placeholder: 'keys, comma-separated',
  },
];

export type RefineKind = FilterKind | TagKind;
const REFINE_KINDS: { kind: RefineKind; label: string; help: string; placeholder?: string }[] = [...FILTER_KINDS, ...TAG_KINDS];

/** pprof's quoting of a function name into an exact-match regexp. */
export function quoteMeta(name: string): string {
  return `^${name.replace(/([\\.?+*[\](){}|^$])/g, '\\$1')}$`;
}

/** Applies a filter from a function name the way pprof's menus do: ignore and hide add, others replace. */
export function filterPatch(state: UrlState, kind: FilterKind, name: string): Partial<UrlState> {
  const re = quoteMeta(name);
  if (kind === 'ignore' || kind === 'hide') return { [kind]: state[kind] ? `${re}|${state[kind]}` : re };
  return { [kind]: re };
}

interface Props {
  state: UrlState;
  setState: (patch: Partial<UrlState>, how?: 'push' | 'replace') => void;
  warnings?: string[];
  error?: string;
}

/** The active refine filters as removable chips, and a form to add one. */
export function RefineBar({ state, setState, warnings, error }: Props) {
  const [kind, setKind] = useState<RefineKind>('focus');
  const [text, setText] = useState('');
  const active = REFINE_KINDS.filter((k) => state[k.kind]);
  const placeholder = REFINE_KINDS.find((k) => k.kind === kind)?.placeholder ?? 'regexp';
  return (
    <div className="refine-bar" data-testid="refine-bar">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (text) setState({ [kind]: text });
          setText('');
        }}
      >
        <select
          data-testid="refine-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as RefineKind)}
          aria-label="Filter"
        >
          {REFINE_KINDS.map((k) => (
            <option key={k.kind} value={k.kind} title={k.help}>
              {k.label}
            </option>
          ))}
        </select>
        <input
          type="text"
          data-testid="refine-input"
          placeholder={placeholder}
          aria-label="Filter regular expression"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" data-testid="refine-add">
          Refine
        </button>
      </form>
      {active.map((k) => (
        <span key={k.kind} className="chip" data-testid="filter-chip" data-kind={k.kind} title={k.help}>
          {k.label}={state[k.kind]}
          <button
            type="button"
            aria-label={`Remove ${k.label}`}
            data-testid="filter-chip-remove"
            onClick={() => setState({ [k.kind]: '' })}
          >
            ×
          </button>
        </span>
      ))}
      {active.length > 0 && (
        <label title="Percentages of the filtered profile instead of the whole one">
          <input
            type="checkbox"
            data-testid="relative-percentages"
            checked={state.rel}
            onChange={(e) => setState({ rel: e.target.checked })}
          />
          relative %
        </label>
      )}
      {error && (
        <span className="invalid" data-testid="filter-invalid">
          {error}
        </span>
      )}
      {warnings?.map((w) => (
        <span key={w} className="hint" data-testid="filter-warning">
          {w}
        </span>
      ))}
    </div>
  );
}
