import { type RefineFilters, applyFilters, hasFilters } from '../transforms/filters';
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
  ) {}

  session(filters?: ViewFilters): ProfileSession {
    if (!filters || !hasFilters(filters)) return this.root;
    const key = JSON.stringify(filters);
    if (this.cache?.key === key) return this.cache.session;
    let s: ProfileSession;
    if (this.sides) {
      const b = applyFilters(this.sides.base.fullData(), filters);
      const n = applyFilters(this.sides.next.fullData(), filters);
      s = diffSession(b.data, n.data);
      s.warnings = [...new Set([...b.warnings, ...n.warnings])];
    } else {
      const r = applyFilters(this.root.fullData(), filters);
      s = new ProfileSession(r.data, buildStackTrie(r.data));
      s.warnings = r.warnings;
    }
    if (!filters.relative) {
      s.percentTotals = this.root.data.sampleTypes.map((_, t) => this.root.percentTotal(t));
    }
    this.cache = { key, session: s };
    return s;
  }
}
