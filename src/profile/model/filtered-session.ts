import { type RefineFilters, hasFilters } from '../transforms/filters';
import { refineProfile } from '../transforms/refine';
import { numLabelUnits } from './label-table';
import { ProfileSession, diffSession } from './session';
import { buildStackTrie } from './stack-trie';

export interface ViewFilters extends RefineFilters {
  /** Percentages of the filtered profile instead of the whole one (pprof's relative_percentages). */
  relative?: boolean;
}

/**
 * An opened profile (or diff) and its refine-filtered views. Filters are applied to the samples
 * (for a diff, to each side before they are merged), and the filtered session keeps the whole
 * profile's totals for percentages unless they are relative, as pprof does.
 */
export class ProfileSource {
  private cache?: { key: string; session: ProfileSession };

  constructor(
    readonly root: ProfileSession,
    private readonly sides?: { base: ProfileSession; next: ProfileSession },
  ) {
    // pprof's numeric label units come from the whole profile (for a diff, the comparison's
    // samples then the baseline's, as pprof merges them), before any filter.
    root.labelUnits = sides
      ? numLabelUnits(sides.next.data.sampleLabels, sides.base.data.sampleLabels)
      : numLabelUnits(root.data.sampleLabels);
  }

  session(filters?: ViewFilters): ProfileSession {
    if (!filters || !hasFilters(filters)) return this.root;
    const key = JSON.stringify(filters);
    if (this.cache?.key === key) return this.cache.session;
    let s: ProfileSession;
    if (this.sides) {
      // One profile to pprof: numeric label units of both sides, and the baseline's own label.
      const baseData = this.sides.base.fullData();
      const nextData = this.sides.next.fullData();
      const units = this.root.labelUnits;
      const b = refineProfile(baseData, filters, { units, extraLabel: ['pprof::base', 'true'] });
      const n = refineProfile(nextData, filters, { units });
      s = diffSession(b.data, n.data);
      // pprof warns when an option matched no sample of the merged profile: of either side.
      s.warnings = b.warnings.filter((w) => n.warnings.includes(w));
    } else {
      const r = refineProfile(this.root.fullData(), filters, { units: this.root.labelUnits });
      s = new ProfileSession(r.data, buildStackTrie(r.data));
      s.warnings = r.warnings;
    }
    s.labelUnits = this.root.labelUnits;
    if (!filters.relative) {
      s.percentTotals = this.root.data.sampleTypes.map((_, t) => this.root.percentTotal(t));
    }
    this.cache = { key, session: s };
    return s;
  }
}
