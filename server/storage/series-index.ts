// The in-memory index of every series: compact and quick to load, because a million of them must
// be ready at start-up within seconds and well under a gigabyte. Start-up loads ids and profile
// types only; a tenant's labels are read on its first query (in batches, see ProfileStore) into
// one flat array of interned strings per series, without the labels its profile type implies. Lookup by label set goes to SQLite's unique index.
import { parseProfileTypeId } from '../../src/common/profile-types';

/**
 * The private labels every series of a profile type has (__name__, __profile_type__, __type__,
 * __unit__, __period_type__, __period_unit__; empty ones left out, as when stored), as a flat
 * sorted list: a series keeps only the rest, which halves what a parsed series holds.
 */
const privateByType = new Map<string, readonly string[]>();
function privatePairs(profileType: string): readonly string[] {
  let flat = privateByType.get(profileType);
  if (!flat) {
    const t = parseProfileTypeId(profileType);
    const pairs: [string, string][] = t
      ? [
          ['__name__', t.name],
          ['__period_type__', t.periodType],
          ['__period_unit__', t.periodUnit],
          ['__profile_type__', t.id],
          ['__type__', t.sampleType],
          ['__unit__', t.sampleUnit],
        ]
      : [];
    flat = pairs.filter(([, v]) => v !== '').flat();
    privateByType.set(profileType, flat);
  }
  return flat;
}

const derived = (priv: readonly string[], k: string, v: string): boolean => {
  for (let i = 0; i < priv.length; i += 2) if (priv[i] === k) return priv[i + 1] === v;
  return false;
};

/** One series: a tenant's label set (including __name__, __profile_type__, …). */
export class SeriesRecord {
  /** name0, value0, … sorted by name, without the labels derived from the profile type; undefined until loaded. */
  private flat: readonly string[] | undefined;

  constructor(
    readonly id: number,
    readonly tenant: string,
    readonly profileType: string,
    /** Sorted pairs, or nothing yet (its tenant's labels are read on first use). */
    labels: readonly (readonly [string, string])[] | undefined,
    private readonly intern: (s: string) => string,
  ) {
    if (labels) this.flat = this.own(labels);
  }

  /** Gives a series loaded without labels its stored JSON labels. */
  setLabels(json: string): void {
    if (this.flat === undefined) this.flat = this.own(JSON.parse(json) as [string, string][]);
  }

  /** The pairs not derived from the profile type, interned. */
  private own(pairs: readonly (readonly [string, string])[]): string[] {
    const priv = privatePairs(this.profileType);
    const flat: string[] = [];
    for (const [k, v] of pairs) if (!(k.startsWith('__') && derived(priv, k, v))) flat.push(this.intern(k), this.intern(v));
    return flat;
  }

  private get pairs(): readonly string[] {
    if (this.flat === undefined) throw new Error(`the labels of series ${this.id} are not loaded`);
    return this.flat;
  }

  label(name: string): string | undefined {
    const p = this.pairs;
    for (let i = 0; i < p.length; i += 2) if (p[i] === name) return p[i + 1];
    if (!name.startsWith('__')) return undefined;
    const priv = privatePairs(this.profileType);
    for (let i = 0; i < priv.length; i += 2) if (priv[i] === name) return priv[i + 1];
    return undefined;
  }

  /** Every label, sorted by name (own and derived merged). */
  *entries(): Generator<[string, string]> {
    const a = this.pairs;
    const b = privatePairs(this.profileType);
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j < b.length && this.label(b[j]!) !== b[j + 1])
        j += 2; // an own label of the same name wins
      else if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
        yield [a[i]!, a[i + 1]!];
        i += 2;
      } else {
        yield [b[j]!, b[j + 1]!];
        j += 2;
      }
    }
  }
}

/** The canonical key: the JSON stored in series.labels (sorted [name, value] pairs). */
export function seriesKey(sortedPairs: readonly (readonly [string, string])[]): string {
  return JSON.stringify(sortedPairs);
}

export class SeriesIndex {
  private tenants = new Map<string, Set<SeriesRecord>>();
  private byId = new Map<number, SeriesRecord>();
  /** Label names and values are few and repeated: one copy of each string. */
  private strings = new Map<string, string>();
  private readonly internFn = (s: string) => this.intern(s);

  get size(): number {
    return this.byId.size;
  }

  countOf(tenant: string): number {
    return this.tenants.get(tenant)?.size ?? 0;
  }

  intern(s: string): string {
    const have = this.strings.get(s);
    if (have !== undefined) return have;
    this.strings.set(s, s);
    return s;
  }

  /** A record for a label set, given as sorted pairs or as its stored JSON (parsed on first use); not added. */
  record(id: number, tenant: string, profileType: string, labels?: readonly (readonly [string, string])[]): SeriesRecord {
    return new SeriesRecord(id, this.intern(tenant), this.intern(profileType), labels, this.internFn);
  }

  add(rec: SeriesRecord): void {
    let t = this.tenants.get(rec.tenant);
    if (!t) this.tenants.set(rec.tenant, (t = new Set()));
    t.add(rec);
    this.byId.set(rec.id, rec);
  }

  remove(rec: SeriesRecord): void {
    const t = this.tenants.get(rec.tenant);
    if (t) {
      t.delete(rec);
      if (t.size === 0) this.tenants.delete(rec.tenant);
    }
    this.byId.delete(rec.id);
  }

  byTenant(tenant: string): Iterable<SeriesRecord> {
    return this.tenants.get(tenant) ?? [];
  }

  get(id: number): SeriesRecord | undefined {
    return this.byId.get(id);
  }
}
