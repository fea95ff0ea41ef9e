import { groupDigits } from '../profile/reports/format';
/** The regex filter box of the tables, with the row count or what is wrong with the expression. */
export function TableFilter(p: {
  filter: string;
  onFilterChange: (filter: string) => void;
  error?: string;
  shown: number;
  total: number;
}) {
  return (
    <>
      <input
        type="search"
        data-testid="top-filter"
        placeholder="Filter functions (regex)"
        aria-label="Filter functions by regular expression"
        value={p.filter}
        onChange={(e) => p.onFilterChange(e.target.value)}
      />
      {p.error ? (
        <span className="invalid" data-testid="filter-error">
          Invalid regular expression: {p.error}
        </span>
      ) : (
        <span className="hint" data-testid="top-count">
          {groupDigits(p.shown)} of {groupDigits(p.total)} rows
        </span>
      )}
    </>
  );
}
