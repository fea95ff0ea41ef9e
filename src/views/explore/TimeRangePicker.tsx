import { useEffect, useState } from 'react';
import { PRESETS, describeRange, isRelative } from '../../state/time-range';
import { resolveTime } from '../../common/time';

interface Props {
  from: string;
  to: string;
  anchor: number;
  refresh: number;
  onRange: (from: string, to: string) => void;
  onRefresh: () => void;
  onAutoRefresh: (seconds: number) => void;
}

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

/** Presets, absolute from/to, refresh and auto-refresh. */
export function TimeRangePicker(p: Props) {
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  useEffect(() => {
    setFrom(toLocalInput(resolveTime(p.from, p.anchor)));
    setTo(toLocalInput(resolveTime(p.to, p.anchor)));
  }, [p.from, p.to, p.anchor, open]);

  return (
    <div className="time-range">
      {PRESETS.map((r) => (
        <button
          key={r.label}
          type="button"
          data-testid={`range-${r.label}`}
          aria-pressed={p.from === r.from && p.to === 'now'}
          onClick={() => p.onRange(r.from, 'now')}
        >
          {r.label}
        </button>
      ))}
      <button type="button" data-testid="range-custom" onClick={() => setOpen(!open)} title="Absolute range">
        <span data-testid="range-label">{describeRange(p.from, p.to, p.anchor)}</span>
      </button>
      {open && (
        <form
          className="range-form"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new Date(from).getTime();
            const t = new Date(to).getTime();
            if (Number.isFinite(f) && Number.isFinite(t) && f < t) {
              p.onRange(String(f), String(t));
              setOpen(false);
            }
          }}
        >
          <input type="datetime-local" step={1} data-testid="range-from" value={from} onChange={(e) => setFrom(e.target.value)} />
          →
          <input type="datetime-local" step={1} data-testid="range-to" value={to} onChange={(e) => setTo(e.target.value)} />
          <button type="submit" data-testid="range-apply">
            Apply
          </button>
        </form>
      )}
      <button
        type="button"
        data-testid="refresh"
        onClick={p.onRefresh}
        title={isRelative(p.from) || isRelative(p.to) ? 'Refresh (moves "now")' : 'Refresh'}
      >
        ⟳
      </button>
      <select
        data-testid="auto-refresh"
        aria-label="Auto-refresh"
        value={p.refresh}
        onChange={(e) => p.onAutoRefresh(Number(e.target.value))}
      >
        <option value={0}>Auto-refresh off</option>
        <option value={15}>Every 15s</option>
        <option value={60}>Every 1m</option>
        <option value={300}>Every 5m</option>
      </select>
    </div>
  );
}
