import { type Ref, useMemo } from 'react';
import type { Granularity } from '../../profile/model/nodes';
import type { FlameData, ViewFilters } from '../../worker/protocol';
import { useWorkerQuery } from '../use-worker-query';
import { FlameGraphCanvas } from './FlameGraphCanvas';
import { type ColorMode, withoutRoot } from './flame-render';

interface Props {
  profile: number;
  sampleIndex: number;
  granularity: Granularity;
  filters?: ViewFilters;
  data: FlameData;
  colorMode: ColorMode;
  dark: boolean;
  /** The function. */
  name: string;
  onClose: () => void;
  /** The focusable view (Escape goes back to the flame graph). */
  viewRef: Ref<HTMLDivElement>;
}

/**
 * A function's sandwich, read as speedscope and Pyroscope draw it: the function in the middle,
 * at the bottom edge of its callers (an inverted flame graph whose far end is the stacks'
 * roots) and at the top edge of its callees.
 */
export function SandwichPanel(p: Props) {
  const node = p.data.names.indexOf(p.name);
  const { profile, sampleIndex, granularity, filters } = p;
  const sw = useWorkerQuery('sandwich', node >= 0 ? { profile, sampleIndex, granularity, node, filters } : undefined);
  // Both halves start at the function: their "all" root would sit between it and the other half.
  const halves = useMemo(
    () => sw.data && { callers: withoutRoot(sw.data.callers), callees: withoutRoot(sw.data.callees) },
    [sw.data],
  );
  if (node < 0) {
    return (
      <div className="sandwich-missing">
        {p.name} is not in this profile. <button onClick={p.onClose}>Back</button>
      </div>
    );
  }
  const common = {
    names: p.data.names,
    files: p.data.files,
    unit: p.data.unit,
    profileTotal: p.data.profileTotal,
    zoom: 0,
    colorMode: p.colorMode,
    dark: p.dark,
  };
  return (
    <div className="sandwich" data-testid="sandwich">
      <div className="sandwich-head">
        <button type="button" data-testid="sandwich-close" onClick={p.onClose}>
          ← Back
        </button>
        <span>
          Sandwich of <strong data-testid="sandwich-name">{p.name}</strong>: callers above, callees below
        </span>
      </div>
      <div
        className="flame-scroll"
        ref={p.viewRef}
        tabIndex={0}
        aria-label={`Sandwich of ${p.name}`}
        onKeyDown={(e) => {
          if (e.target !== e.currentTarget || e.key !== 'Escape') return;
          e.preventDefault();
          p.onClose();
        }}
      >
        {halves && (
          <>
            <div className="sandwich-label">Callers</div>
            <FlameGraphCanvas {...common} tree={halves.callers} flip testId="sandwich-callers" />
            <div className="sandwich-label">Callees</div>
            <FlameGraphCanvas {...common} tree={halves.callees} flip={false} testId="sandwich-callees" />
          </>
        )}
      </div>
    </div>
  );
}
