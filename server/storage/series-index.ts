// The in-memory index of every series: compact, because a million of them must load at start-up
// in seconds and fit in well under a gigabyte. A series keeps its labels as one flat array of
// interned strings; lookup by label set goes through a 32-bit hash of its canonical key.

/** One series: a tenant's label set (including __name__, __profile_type__, …). */
export class SeriesRecord {
  constructor(
    readonly id: number,
    readonly tenant: string,
    readonly profileType: string,
    /** name0, value0, name1, value1, … sorted by name. */
    readonly pairs: readonly string[],
  ) {}

  label(name: string): string | undefined {
    const p = this.pairs;
    for (let i = 0; i < p.length; i += 2) if (p[i] === name) return p[i + 1];
    return undefined;
  }

  *entries(): Generator<[string, string]> {
    for (let i = 0; i < this.pairs.length; i += 2) yield [this.pairs[i]!, this.pairs[i + 1]!];
  }

  /** The canonical key: the JSON stored in series.labels (sorted [name, value] pairs). */
  key(): string {
    return seriesKey([...this.entries()]);
  }
}

export function seriesKey(sortedPairs: readonly (readonly [string, string])[]): string {
  return JSON.stringify(sortedPairs);
}

/** FNV-1a over the UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface TenantSeries {
  byHash: Map<number, SeriesRecord | SeriesRecord[]>;
  all: Set<SeriesRecord>;
}

export class SeriesIndex {
  private tenants = new Map<string, TenantSeries>();
  private byId = new Map<number, SeriesRecord>();
  /** Label names and values are few and repeated: one copy of each string. */
  private strings = new Map<string, string>();

  get size(): number {
    return this.byId.size;
  }

  countOf(tenant: string): number {
    return this.tenants.get(tenant)?.all.size ?? 0;
  }

  intern(s: string): string {
    const have = this.strings.get(s);
    if (have !== undefined) return have;
    this.strings.set(s, s);
    return s;
  }

  /** A record for a label set given as its canonical key and sorted pairs (not added). */
  record(id: number, tenant: string, profileType: string, sortedPairs: readonly (readonly [string, string])[]): SeriesRecord {
    const flat: string[] = new Array(sortedPairs.length * 2);
    sortedPairs.forEach(([k, v], i) => {
      flat[2 * i] = this.intern(k);
      flat[2 * i + 1] = this.intern(v);
    });
    return new SeriesRecord(id, this.intern(tenant), this.intern(profileType), flat);
  }

  find(tenant: string, key: string): SeriesRecord | undefined {
    const hit = this.tenants.get(tenant)?.byHash.get(hash(key));
    if (hit === undefined) return undefined;
    if (!Array.isArray(hit)) return hit.key() === key ? hit : undefined;
    return hit.find((r) => r.key() === key);
  }

  add(rec: SeriesRecord, key = rec.key()): void {
    let t = this.tenants.get(rec.tenant);
    if (!t) this.tenants.set(rec.tenant, (t = { byHash: new Map(), all: new Set() }));
    const h = hash(key);
    const hit = t.byHash.get(h);
    if (hit === undefined) t.byHash.set(h, rec);
    else if (Array.isArray(hit)) hit.push(rec);
    else t.byHash.set(h, [hit, rec]);
    t.all.add(rec);
    this.byId.set(rec.id, rec);
  }

  remove(rec: SeriesRecord): void {
    const t = this.tenants.get(rec.tenant);
    if (t) {
      const h = hash(rec.key());
      const hit = t.byHash.get(h);
      if (hit === rec) t.byHash.delete(h);
      else if (Array.isArray(hit)) {
        const rest = hit.filter((r) => r !== rec);
        t.byHash.set(h, rest.length === 1 ? rest[0]! : rest);
      }
      t.all.delete(rec);
      if (t.all.size === 0) this.tenants.delete(rec.tenant);
    }
    this.byId.delete(rec.id);
  }

  byTenant(tenant: string): Iterable<SeriesRecord> {
    return this.tenants.get(tenant)?.all ?? [];
  }

  get(id: number): SeriesRecord | undefined {
    return this.byId.get(id);
  }
}
