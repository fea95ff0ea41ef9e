import { useState } from 'react';
import { useElementWidth } from '../use-element-width';
import type { Series } from '../../api/querier';
import { formatValue } from '../../profile/reports/format';
import { formatInstant } from '../../state/time-range';
import { seriesColor } from './series-colors';

interface Props {
  series: Series[];
  start: number;
  end: number;
  unit: string;
  /** Selected sub-range (unix ms), or null. */
  selection: [number, number] | null;
  onSelect: (range: [number, number] | null) => void;
  loading?: boolean;
  /** Diff mode: the baseline's sub-range, and which range a drag sets. */
  baseSelection?: [number, number] | null;
  onSelectBase?: (range: [number, number] | null) => void;
  target?: 'comparison' | 'baseline';
}

const HEIGHT = 110;
const PAD_TOP = 8;
const PAD_BOTTOM = 18;

/**
 * The query's total over time, one line per series; dragging across it selects a sub-range. The
 * SVG carries data-start/data-end (unix ms at its left and right edges) for tests.
 */
export function Timeline({
  series,
  start,
  end,
  unit,
  selection,
  onSelect,
  loading,
  baseSelection,
  onSelectBase,
  target = 'comparison',
}: Props) {
  const [wrap, width] = useElementWidth<HTMLDivElement>(600);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);

  const span = Math.max(1, end - start);
  const x = (t: number) => ((t - start) / span) * width;
  const t = (px: number) => Math.round(start + (Math.min(Math.max(px, 0), width) / width) * span);
  let max = 0;
  for (const s of series) for (const p of s.points) max = Math.max(max, p.value);
  const plotH = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const y = (v: number) => PAD_TOP + plotH - (max > 0 ? (v / max) * plotH : 0);
  const color = (i: number) => (series.length === 1 ? 'var(--accent)' : seriesColor(i));

  const localX = (e: React.PointerEvent) => e.clientX - (e.currentTarget as SVGElement).getBoundingClientRect().left;
  const dragging = drag ? [Math.min(drag.x0, drag.x1), Math.max(drag.x0, drag.x1)] : null;
  const sel = dragging && target === 'comparison' ? dragging : selection ? [x(selection[0]), x(selection[1])] : null;
  const baseSel =
    dragging && target === 'baseline' ? dragging : baseSelection ? [x(baseSelection[0]), x(baseSelection[1])] : null;

  return (
    <div className="timeline" ref={wrap}>
      <svg
        width={width}
        height={HEIGHT}
        data-testid="timeline"
        data-start={start}
        data-end={end}
        data-points={series.reduce((n, s) => n + s.points.length, 0)}
        onPointerDown={(e) => {
          (e.currentTarget as SVGElement).setPointerCapture(e.pointerId);
          const px = localX(e);
          setDrag({ x0: px, x1: px });
        }}
        onPointerMove={(e) => drag && setDrag({ ...drag, x1: localX(e) })}
        onPointerUp={(e) => {
          if (!drag) return;
          const x1 = localX(e);
          setDrag(null);
          if (Math.abs(x1 - drag.x0) < 3) return; // a click, not a drag
          const range: [number, number] = [t(Math.min(drag.x0, x1)), t(Math.max(drag.x0, x1))];
          if (target === 'baseline' && onSelectBase) onSelectBase(range);
          else onSelect(range);
        }}
      >
        <line x1={0} x2={width} y1={HEIGHT - PAD_BOTTOM} y2={HEIGHT - PAD_BOTTOM} className="axis" />
        <text x={2} y={HEIGHT - 4} className="tick">
          {formatInstant(start)}
        </text>
        <text x={width - 2} y={HEIGHT - 4} className="tick" textAnchor="end">
          {formatInstant(end)}
        </text>
        {max > 0 && (
          <text x={2} y={PAD_TOP + 8} className="tick">
            {formatValue(max, unit)}
          </text>
        )}
        {series.map((s, i) => {
          const pts = s.points.filter((p) => p.timestamp >= start && p.timestamp <= end);
          if (pts.length === 0) return null;
          const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.timestamp).toFixed(1)},${y(p.value).toFixed(1)}`).join('');
          return (
            <g key={i}>
              <path d={d} fill="none" stroke={color(i)} strokeWidth={1.5} />
              {pts.map((p, k) => (
                <circle key={k} cx={x(p.timestamp)} cy={y(p.value)} r={2} fill={color(i)} />
              ))}
            </g>
          );
        })}
        {baseSel && (
          <rect
            className="brush-base"
            data-testid="brush-baseline"
            x={baseSel[0]}
            y={0}
            width={Math.max(1, baseSel[1]! - baseSel[0]!)}
            height={HEIGHT - PAD_BOTTOM}
          />
        )}
        {sel && <rect className="brush" x={sel[0]} y={0} width={Math.max(1, sel[1]! - sel[0]!)} height={HEIGHT - PAD_BOTTOM} />}
      </svg>
      <div className="timeline-legend">
        {loading && <span className="hint">Loading…</span>}
        {series.length > 1 &&
          series.map((s, i) => (
            <span key={i} className="legend-item">
              <span className="swatch" style={{ background: color(i) }} />
              {s.labels.map((l) => l.value).join(', ') || '(none)'}
            </span>
          ))}
        {baseSelection && onSelectBase && (
          <span className="hint" data-testid="base-selection">
            Baseline {formatInstant(baseSelection[0])} → {formatInstant(baseSelection[1])}{' '}
            <button type="button" data-testid="clear-base-selection" onClick={() => onSelectBase(null)}>
              Clear
            </button>
          </span>
        )}
        {selection && (
          <span className="hint" data-testid="selection">
            {onSelectBase ? 'Comparison' : 'Selected'} {formatInstant(selection[0])} → {formatInstant(selection[1])}{' '}
            <button type="button" data-testid="clear-selection" onClick={() => onSelect(null)}>
              Clear
            </button>
          </span>
        )}
      </div>
    </div>
  );
}
