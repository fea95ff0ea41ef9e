// The profile store: ingest (one SQLite transaction per request) and the read primitives queries
// are built from. Series and symbol scopes are cached in memory; profiles are read from SQLite.
import type { Profile } from 'pprof-format';
import { DAY_MS } from '../time';
import { matches, type Matcher } from '../query/selector';
import { IngestError, indexById, profileTypesOf, type ProfileTypeInfo, type SampleTypeOverride } from '../ingest/pprof';
import type { DB } from './db';
import { SymbolScope, type Frame } from './symbols';

export interface SeriesRecord {
  id: number;
  tenant: string;
  profileType: string;
  labels: Map<string, string>;
}

export interface IngestItem {
  profile: Profile;
  /** Series labels from the request (service_name, pod, ...). */
  labels: Record<string, string>;
  timeMs: number;
  overrides?: Record<string, SampleTypeOverride>;
  /** Family name (`__name__`) for every sample type, e.g. from a Push request's labels. */
  metricName?: string;
}

/** One stored profile (one sample type) as read back for a query. */
export interface StoredProfile {
  seriesId: number;
  timeMs: number;
  scope: number;
  period: number;
  dropFrames: string;
  keepFrames: string;
  total: number;
  /** Leaf stack node ids and their values; undefined when only totals were read. */
  nodes?: Uint32Array;
  values?: Float64Array;
}

/** Sample labels that stay per sample in Pyroscope instead of becoming series labels. */
const PER_SAMPLE_LABELS = new Set(['span_id', 'trace_id', 'profile_id']);

export class ProfileStore {
  private series = new Map<string, Map<string, SeriesRecord>>();
  private seriesIndex = new Map<number, SeriesRecord>();
  private scopes = new Map<string, SymbolScope>();
  private scopesById = new Map<number, { tenant: string; day: number }>();
  private stmt;

  constructor(private readonly db: DB) {
    this.stmt = {
      insertSeries: db.prepare('INSERT INTO series (tenant, profile_type, labels) VALUES (?, ?, ?)'),
      insertScope: db.prepare('INSERT INTO scopes (tenant, day) VALUES (?, ?)'),
      insertLocation: db.prepare('INSERT INTO locations (scope, id, frame) VALUES (?, ?, ?)'),
      insertNode: db.prepare('INSERT INTO stack_nodes (scope, id, parent, location) VALUES (?, ?, ?, ?)'),
      insertProfile: db.prepare(
        `INSERT INTO profiles (series_id, time_ms, duration_ns, scope, period, drop_frames, keep_frames, total, samples)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      selectSamples: db.prepare(
        `SELECT series_id, time_ms, scope, period, drop_frames, keep_frames, total, samples FROM profiles
         WHERE series_id = ? AND time_ms >= ? AND time_ms <= ?`,
      ),
      selectTotals: db.prepare(
        'SELECT series_id, time_ms, scope, period, drop_frames, keep_frames, total FROM profiles WHERE series_id = ? AND time_ms >= ? AND time_ms <= ?',
      ),
      anyInRange: db.prepare('SELECT 1 FROM profiles WHERE series_id = ? AND time_ms >= ? AND time_ms <= ? LIMIT 1'),
    };
    for (const row of db.prepare('SELECT id, tenant, profile_type, labels FROM series').iterate() as Iterable<{
      id: number;
      tenant: string;
      profile_type: string;
      labels: string;
    }>) {
      this.addSeriesToCache({ id: row.id, tenant: row.tenant, profileType: row.profile_type, labels: new Map(JSON.parse(row.labels)) }, row.labels);
    }
    for (const row of db.prepare('SELECT id, tenant, day FROM scopes').iterate() as Iterable<{ id: number; tenant: string; day: number }>) {
      this.scopesById.set(row.id, { tenant: row.tenant, day: row.day });
    }
  }

  /** Stores every item, or none (one transaction). Returns the number of profile rows written. */
  ingest(tenant: string, items: IngestItem[]): number {
    const touched: { scope: SymbolScope; mark: ReturnType<SymbolScope['mark']>; created: boolean }[] = [];
    const newSeries: SeriesRecord[] = [];
    const scopeFor = (day: number): SymbolScope => {
      const existing = this.scopeFor(tenant, day, false);
      const scope = existing ?? this.createScope(tenant, day);
      if (!touched.some((t) => t.scope === scope)) touched.push({ scope, mark: scope.mark(), created: !existing });
      return scope;
    };
    let rows = 0;
    const run = this.db.transaction(() => {
      for (const item of items) rows += this.ingestOne(tenant, item, scopeFor, newSeries);
    });
    try {
      run();
    } catch (e) {
      for (const t of touched) {
        if (t.created) {
          this.scopes.delete(`${tenant}\u0000${t.scope.day}`);
          this.scopesById.delete(t.scope.id);
        } else t.scope.rollback(t.mark);
      }
      for (const s of newSeries) this.removeSeriesFromCache(s);
      throw e;
    }
    return rows;
  }

  private ingestOne(tenant: string, item: IngestItem, scopeFor: (day: number) => SymbolScope, newSeries: SeriesRecord[]): number {
    const p = item.profile;
    const strings = p.stringTable.strings;
    const types = profileTypesOf(p, item.overrides, item.metricName);
    const scope = scopeFor(Math.floor(item.timeMs / DAY_MS));
    const insertLocation = (id: number, frame: string) => this.stmt.insertLocation.run(scope.id, id, frame);
    const insertNode = (id: number, parent: number, location: number) => this.stmt.insertNode.run(scope.id, id, parent, location);

    const functions = indexById(p.function);
    const mappings = indexById(p.mapping);
    const locationIds = new Map<number, number>();
    let maxLocationId = 0;
    for (const [pprofId, l] of indexById(p.location)) {
      const m = mappings.get(Number(l.mappingId));
      const frame: Frame = {
        mappingFile: m ? strings[Number(m.filename)] : '',
        buildId: m ? strings[Number(m.buildId)] : '',
        address: l.line.length === 0 ? Number(l.address) : 0,
        lines: l.line.map((line) => {
          const f = functions.get(Number(line.functionId))!;
          return {
            name: strings[Number(f.name)],
            systemName: strings[Number(f.systemName)],
            filename: strings[Number(f.filename)],
            startLine: Number(f.startLine),
            line: Number(line.line),
          };
        }),
      };
      locationIds.set(pprofId, scope.internLocation(frame, insertLocation));
      if (pprofId > maxLocationId) maxLocationId = pprofId;
    }
    // Dense ids (the usual case) → array lookup in the per-sample loop.
    let scopeLocation: (pprofId: number) => number = (id) => locationIds.get(id)!;
    if (maxLocationId < 1 << 24) {
      const dense = new Int32Array(maxLocationId + 1);
      for (const [k, v] of locationIds) dense[k] = v;
      scopeLocation = (id) => dense[id];
    }

    // Samples grouped by their string labels (each group becomes its own series), values summed per stack.
    const groups = new Map<string, { labels: [string, string][]; values: Map<number, number>[] }>();
    const width = types.length;
    for (const s of p.sample) {
      let node = 0;
      const ids = s.locationId;
      for (let i = ids.length - 1; i >= 0; i--) node = scope.internNode(node, scopeLocation(Number(ids[i])), insertNode);
      const labels: [string, string][] = [];
      for (const l of s.label) {
        const key = strings[Number(l.key)];
        if (Number(l.str) !== 0 && key && !PER_SAMPLE_LABELS.has(key)) labels.push([key, strings[Number(l.str)]]);
      }
      labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const gkey = labels.length ? JSON.stringify(labels) : '';
      let g = groups.get(gkey);
      if (!g) groups.set(gkey, (g = { labels, values: types.map(() => new Map()) }));
      for (let t = 0; t < width; t++) {
        const v = Number(s.value[t]);
        if (v !== 0) g.values[t].set(node, (g.values[t].get(node) ?? 0) + v);
      }
    }
    if (groups.size === 0) groups.set('', { labels: [], values: types.map(() => new Map()) });

    const dropFrames = strings[Number(p.dropFrames)] ?? '';
    const keepFrames = strings[Number(p.keepFrames)] ?? '';
    let rows = 0;
    for (const g of groups.values()) {
      const seen = new Set<string>();
      types.forEach((type, t) => {
        if (seen.has(type.id)) return;
        seen.add(type.id);
        const series = this.seriesFor(tenant, type, { ...Object.fromEntries(g.labels), ...item.labels }, newSeries);
        const values = g.values[t];
        const n = values.size;
        const blob = Buffer.alloc(n * 12);
        const vals = new Float64Array(blob.buffer, blob.byteOffset, n);
        const ids = new Uint32Array(blob.buffer, blob.byteOffset + n * 8, n);
        let i = 0;
        let total = 0;
        for (const [node, v] of values) {
          ids[i] = node;
          vals[i++] = v;
          total += v;
        }
        this.stmt.insertProfile.run(series.id, item.timeMs, BigInt(p.durationNanos ?? 0), scope.id, BigInt(p.period ?? 0), dropFrames, keepFrames, total, blob);
        rows++;
      });
    }
    return rows;
  }

  private seriesFor(tenant: string, type: ProfileTypeInfo, labels: Record<string, string>, created: SeriesRecord[]): SeriesRecord {
    const all: Record<string, string> = {
      ...labels,
      __name__: type.name,
      __profile_type__: type.id,
      __type__: type.sampleType,
      __unit__: type.sampleUnit,
      __period_type__: type.periodType,
      __period_unit__: type.periodUnit,
    };
    for (const k of Object.keys(all)) if (all[k] === '') delete all[k];
    const sorted = Object.entries(all).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const key = JSON.stringify(sorted);
    const existing = this.series.get(tenant)?.get(key);
    if (existing) return existing;
    const id = Number(this.stmt.insertSeries.run(tenant, type.id, key).lastInsertRowid);
    const rec: SeriesRecord = { id, tenant, profileType: type.id, labels: new Map(sorted) };
    this.addSeriesToCache(rec, key);
    created.push(rec);
    return rec;
  }

  private addSeriesToCache(rec: SeriesRecord, key: string): void {
    let t = this.series.get(rec.tenant);
    if (!t) this.series.set(rec.tenant, (t = new Map()));
    t.set(key, rec);
    this.seriesIndex.set(rec.id, rec);
  }

  private removeSeriesFromCache(rec: SeriesRecord): void {
    const t = this.series.get(rec.tenant);
    if (t) for (const [k, v] of t) if (v === rec) t.delete(k);
    this.seriesIndex.delete(rec.id);
  }

  private createScope(tenant: string, day: number): SymbolScope {
    const id = Number(this.stmt.insertScope.run(tenant, day).lastInsertRowid);
    const scope = SymbolScope.create(id, tenant, day);
    this.scopes.set(`${tenant}\u0000${day}`, scope);
    this.scopesById.set(id, { tenant, day });
    return scope;
  }

  private scopeFor(tenant: string, day: number, _create: boolean): SymbolScope | undefined {
    const key = `${tenant}\u0000${day}`;
    let s = this.scopes.get(key);
    if (s) return s;
    const row = this.db.prepare('SELECT id FROM scopes WHERE tenant = ? AND day = ?').get(tenant, day) as { id: number } | undefined;
    if (!row) return undefined;
    s = SymbolScope.load(this.db, row.id, tenant, day);
    this.scopes.set(key, s);
    return s;
  }

  /** The symbols of a scope id (loaded on first use). */
  scope(id: number): SymbolScope {
    const info = this.scopesById.get(id);
    if (!info) throw new Error(`unknown symbol scope ${id}`);
    return this.scopeFor(info.tenant, info.day, false)!;
  }

  /** Series of the tenant matching all matchers (and the profile type, when given). */
  findSeries(tenant: string, matchers: readonly Matcher[], profileType?: string): SeriesRecord[] {
    const out: SeriesRecord[] = [];
    for (const s of this.series.get(tenant)?.values() ?? []) {
      if (profileType !== undefined && s.profileType !== profileType) continue;
      if (matches(matchers, s.labels)) out.push(s);
    }
    return out;
  }

  hasProfilesInRange(seriesId: number, startMs: number, endMs: number): boolean {
    return this.stmt.anyInRange.get(seriesId, startMs, endMs) !== undefined;
  }

  /** Profiles of the series in [startMs, endMs]; withSamples=false reads only totals. */
  *readProfiles(series: readonly SeriesRecord[], startMs: number, endMs: number, withSamples: boolean): Generator<StoredProfile> {
    const stmt = withSamples ? this.stmt.selectSamples : this.stmt.selectTotals;
    for (const s of series) {
      for (const row of stmt.iterate(s.id, startMs, endMs) as Iterable<{
        series_id: number;
        time_ms: number;
        scope: number;
        period: number;
        drop_frames: string;
        keep_frames: string;
        total: number;
        samples?: Buffer;
      }>) {
        const p: StoredProfile = {
          seriesId: row.series_id,
          timeMs: row.time_ms,
          scope: row.scope,
          period: row.period,
          dropFrames: row.drop_frames,
          keepFrames: row.keep_frames,
          total: row.total,
        };
        if (row.samples) {
          const n = row.samples.length / 12;
          // Copy: SQLite's buffer may not be 8-byte aligned.
          const copy = new Uint8Array(row.samples);
          p.values = new Float64Array(copy.buffer, 0, n);
          p.nodes = new Uint32Array(copy.buffer, n * 8, n);
        }
        yield p;
      }
    }
  }

  seriesById(id: number): SeriesRecord | undefined {
    return this.seriesIndex.get(id);
  }

  /**
   * Deletes profiles older than cutoffMs, then series without profiles and symbol scopes of days
   * that ended before the cutoff and no longer hold profiles. Returns the number of profiles deleted.
   */
  deleteOlderThan(cutoffMs: number): number {
    const cutoffDay = Math.floor(cutoffMs / DAY_MS);
    return this.db.transaction(() => {
      const deleted = this.db.prepare('DELETE FROM profiles WHERE time_ms < ?').run(cutoffMs).changes;
      if (deleted === 0) return 0;
      const emptySeries = this.db
        .prepare('SELECT id FROM series s WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.series_id = s.id)')
        .all() as { id: number }[];
      for (const { id } of emptySeries) {
        this.db.prepare('DELETE FROM series WHERE id = ?').run(id);
        const rec = this.seriesIndex.get(id);
        if (rec) this.removeSeriesFromCache(rec);
      }
      const oldScopes = this.db
        .prepare('SELECT id, tenant, day FROM scopes s WHERE day < ? AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.scope = s.id)')
        .all(cutoffDay) as { id: number; tenant: string; day: number }[];
      for (const s of oldScopes) {
        this.db.prepare('DELETE FROM locations WHERE scope = ?').run(s.id);
        this.db.prepare('DELETE FROM stack_nodes WHERE scope = ?').run(s.id);
        this.db.prepare('DELETE FROM scopes WHERE id = ?').run(s.id);
        this.scopes.delete(`${s.tenant}\u0000${s.day}`);
        this.scopesById.delete(s.id);
      }
      return deleted;
    })();
  }
}

export { IngestError };
