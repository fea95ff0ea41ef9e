import type { MouseEvent } from 'react';
import { formatPercent, scaledLabel } from '../profile/reports/format';
import type { TagValue, TagsReport } from '../profile/reports/tags';
import type { ViewFilters } from '../worker/protocol';
import { useWorkerQuery } from './use-worker-query';

/** Values shown per key at most: a label such as a span id can have a value per sample. */
const MAX_VALUES = 500;

interface Props {
  profile: number;
  sampleIndex: number;
  filters?: ViewFilters;
  /** A value's tag filter ("key=…") picked: as tagfocus, or (Alt-click, "ignore") as tagignore. */
  onTag: (kind: 'tagFocus' | 'tagIgnore', filter: string) => void;
}

/**
 * pprof's `-tags` report as a table: each label key with its total, then its values by weight,
 * numbers in pprof's units. A click on a value keeps only its samples (tagfocus); Alt-click, or
 * its "ignore" button, drops them (tagignore). In a diff, each side's weight beside the change.
 */
export function TagsView({ profile, sampleIndex, filters, onTag }: Props) {
  // The report does not depend on the granularity: one fixed value keeps it from being asked again.
  const report = useWorkerQuery('tags', { profile, sampleIndex, granularity: 'functions', filters });
  if (report.error) {
    return (
      <div className="error" role="alert" data-testid="error">
        {report.error.message}
      </div>
    );
  }
  if (!report.data) return <p className="hint tags-view">Building the report…</p>;
  const r = report.data;
  if (r.keys.length === 0) {
    return (
      <p className="welcome" data-testid="tags-empty">
        No sample labels{filters?.tagShow || filters?.tagHide ? ' shown' : ''} in this profile.
      </p>
    );
  }
  const diff = r.keys.some((k) => k.values.some((v) => v.base !== undefined));
  return (
    <div className="tags-view">
      <p className="hint">
        Click a value to keep only its samples (tagfocus); Alt-click or “ignore” drops them (tagignore). Percentages are of{' '}
        {diff ? "the baseline's total" : 'the total'}, {fmt(r.total, r.unit)}.
      </p>
      <table className="tags-table" data-testid="tags-table">
        <thead>
          <tr>
            <th>Label</th>
            {diff && <th className="num">Baseline</th>}
            {diff && <th className="num">Comparison</th>}
            <th className="num">{diff ? 'Δ' : 'Weight'}</th>
            <th className="num">%</th>
            <th />
          </tr>
        </thead>
        {r.keys.map((k) => (
          <tbody key={k.key}>
            <tr className="tag-key" data-testid="tag-key" data-key={k.key}>
              <th>{k.key}</th>
              {diff && <td />}
              {diff && <td />}
              <td className="num">Total {fmt(k.total, r.unit)}</td>
              <td className="num">{pct(k.total, r.total)}</td>
              <td />
            </tr>
            {k.values.slice(0, MAX_VALUES).map((v) => (
              <TagRow key={v.name} tagKey={k.key} value={v} report={r} diff={diff} onTag={onTag} />
            ))}
            {k.values.length > MAX_VALUES && (
              <tr>
                <td colSpan={diff ? 6 : 4} className="hint">
                  … {k.values.length - MAX_VALUES} more values (tagfocus on {k.key} narrows them down)
                </td>
              </tr>
            )}
          </tbody>
        ))}
      </table>
    </div>
  );
}

function TagRow(p: { tagKey: string; value: TagValue; report: TagsReport; diff: boolean; onTag: Props['onTag'] }) {
  const { tagKey, value: v, report: r, diff, onTag } = p;
  const pick = (e: MouseEvent) => onTag(e.altKey ? 'tagIgnore' : 'tagFocus', v.filter);
  return (
    <tr
      className="tag-row"
      data-testid="tag-row"
      data-key={tagKey}
      data-value={v.name}
      data-weight={v.weight}
      title={`Click: tagfocus=${v.filter}\nAlt-click: tagignore`}
      onClick={pick}
    >
      <td className="tag-value">{v.name}</td>
      {diff && <td className="num">{fmt(v.base ?? 0, r.unit)}</td>}
      {diff && <td className="num">{fmt(v.next ?? 0, r.unit)}</td>}
      <td className="num">{fmt(v.weight, r.unit)}</td>
      <td className="num">{pct(v.weight, r.total)}</td>
      <td className="tag-actions">
        <button
          type="button"
          data-testid="tag-focus"
          onClick={(e) => {
            e.stopPropagation();
            onTag('tagFocus', v.filter);
          }}
        >
          focus
        </button>
        <button
          type="button"
          data-testid="tag-ignore"
          onClick={(e) => {
            e.stopPropagation();
            onTag('tagIgnore', v.filter);
          }}
        >
          ignore
        </button>
      </td>
    </tr>
  );
}

/** A weight as pprof's -tags prints it: each in its own best unit. */
const fmt = (v: number, unit: string) => scaledLabel(v, unit, 'minimum');
const pct = (v: number, total: number) => (total > 0 ? formatPercent(v, total).trim() : '');
