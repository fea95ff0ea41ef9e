// The profile store: ingest (one SQLite transaction per request, written in slices under the
// writers' lock) and the read primitives queries are built from. Queries read through a second,
// read-only connection, so they see only committed profiles while a sliced write is open. Series
// and symbol scopes are cached in memory.
import { overLimit, resolveLimits, type Limits } from '../limits';
import { DAY_MS } from '../time';
import { matches, type Matcher } from '../query/selector';
import type { PreparedProfile } from '../ingest/prepare';
import type { ProfileTypeInfo } from '../ingest/pprof';
import { Mutex, Slicer } from '../slice';
import { Blocks, type StoredRow } from './blocks';
import { deleteOlderThan } from './retention';
import { decodeSamples, decodeStored, encodeSamples, RowLabelSets } from './codec';
import type { DB } from './db';
import { SeriesIndex, SeriesRecord, seriesKey } from './series-index';
import { SymbolScope } from './symbols';

export { SeriesRecord };

export interface IngestItem {
  profile: PreparedProfile;
  /** Series labels from the request (service_name, pod, ...). */
  labels: Record<string, string>;
  timeMs: number;
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
  /** How many stored profiles this is: more than one for a pre-aggregated block. */
  profiles: number;
  /** A block: the length of its window (it starts at timeMs). */
  spanMs?: number;
  /** A block read without samples: each of its profiles' time and total, decoded on demand. */
  profileTotals?: () => { times: Float64Array; totals: Float64Array };
  /** Leaf stack node ids and their values; undefined when only totals were read. */
  nodes?: Uint32Array;
  values?: Float64Array;
  /** The row's sample label sets (JSON of each) and each sample's set (-1: none); undefined without labels. */
  labelSets?: string[];
  labelIndex?: Int32Array;
}

type ProfileRow = Partial<StoredRow> & {
  id: number;
  time_ms: number;
  scope: number;
  period: number;
  drop_frames: string;
  keep_frames: string;
  total: number;
};

/** Rows read per batch by a query, between two turns of the event loop at most. */
const READ_BATCH = 256;
const INT64_MAX = 2n ** 63n - 1n;

const int64 = (n: number): bigint => {
  const b = BigInt(Math.round(n));
  return b > INT64_MAX ? INT64_MAX : b;
};

/** A series a request needs: found, or to be created by it. */
interface SeriesPlan {
  key: string;
  pairs: [string, string][];
  type: ProfileTypeInfo;
  rec?: SeriesRecord;
}

export class ProfileStore {
  private readonly series = new SeriesIndex();
  private scopes = new Map<string, SymbolScope>();
  private loading = new Map<string, Promise<SymbolScope | undefined>>();
  /** Tenants whose series labels have been read (or are being read). */
  private labelsLoaded = new Map<string, Promise<void>>();
  private scopesById = new Map<number, { tenant: string; day: number }>();
  private readonly writeLock = new Mutex();
  private readonly limits: Limits;
  private readonly blocks: Blocks;
  private stmt;
  private read;
  /** Series id by tenant and canonical key, through the write connection (it sees the open transaction's own series). */
  private seriesId;

  constructor(
    private readonly db: DB,
    private readonly readDb: DB,
    limits: Partial<Limits> = {},
  ) {
    this.limits = resolveLimits(limits);
    this.stmt = {
      insertSeries: db.prepare('INSERT INTO series (tenant, profile_type, labels) VALUES (?, ?, ?)'),
      insertScope: db.prepare('INSERT INTO scopes (tenant, day) VALUES (?, ?)'),
      insertLocation: db.prepare('INSERT INTO locations (scope, id, frame) VALUES (?, ?, ?)'),
      insertNode: db.prepare('INSERT INTO stack_nodes (scope, id, parent, location) VALUES (?, ?, ?, ?)'),
      insertProfile: db.prepare(
        `INSERT INTO profiles (series_id, time_ms, duration_ns, scope, period, drop_frames, keep_frames, total, samples, encoding)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      ),
    };
    // Keyset pagination on (time_ms, id): the index profiles_by_series_time serves every batch.
    const cols = 'id, time_ms, scope, period, drop_frames, keep_frames, total';
    const where = 'series_id = ? AND time_ms <= ? AND (time_ms, id) > (?, ?) ORDER BY time_ms, id LIMIT ?';
    this.read = {
      samples: readDb.prepare(`SELECT ${cols}, samples, encoding, label_sets, label_index FROM profiles WHERE ${where}`),
      totals: readDb.prepare(`SELECT ${cols} FROM profiles WHERE ${where}`),
      anyInRange: readDb.prepare('SELECT 1 FROM profiles WHERE series_id = ? AND time_ms >= ? AND time_ms <= ? LIMIT 1'),
      scopeId: readDb.prepare('SELECT id FROM scopes WHERE tenant = ? AND day = ?'),
      // A tenant's labels in batches, keyset on the unique (tenant, labels) index.
      tenantLabels: readDb.prepare('SELECT id, labels FROM series WHERE tenant = ? AND labels > ? ORDER BY labels LIMIT ?').raw(),
    };
    this.seriesId = db.prepare('SELECT id FROM series WHERE tenant = ? AND labels = ?').pluck();
    this.blocks = new Blocks(db, readDb, this.writeLock);
    // Labels are read per tenant on first use: start-up with a million series is one narrow scan.
    for (const row of db.prepare('SELECT id, tenant, profile_type FROM series').raw().iterate() as Iterable<
      [number, string, string]
    >) {
      this.series.add(this.series.record(row[0], row[1], row[2]));
    }
    for (const row of db.prepare('SELECT id, tenant, day FROM scopes').iterate() as Iterable<{
      id: number;
      tenant: string;
      day: number;
    }>) {
      this.scopesById.set(row.id, { tenant: row.tenant, day: row.day });
    }
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /**
   * Stores every item, or none (one transaction). The series limits are checked first; then the
   * writing runs in slices, holding the writers' lock. Returns the number of profile rows written.
   */
  ingest(tenant: string, items: IngestItem[]): Promise<number> {
    return this.writeLock.run(async () => {
      const plans = this.planSeries(tenant, items);
      const slicer = new Slicer();
      const touched: { scope: SymbolScope; mark: ReturnType<SymbolScope['mark']>; created: boolean }[] = [];
      const created: SeriesRecord[] = [];
      let rows = 0;
      this.db.exec('BEGIN');
      try {
        for (const [i, item] of items.entries()) {
          const day = Math.floor(item.timeMs / DAY_MS);
          let scope = await this.scopeFor(tenant, day);
          const isNew = !scope;
          if (!scope) scope = this.createScope(tenant, day);
          if (!touched.some((t) => t.scope === scope)) touched.push({ scope, mark: scope.mark(), created: isNew });
          rows += await this.writeItem(scope, item, plans[i]!, created, slicer);
        }
        this.db.exec('COMMIT');
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        for (const t of touched) {
          if (t.created) {
            this.scopes.delete(`${tenant}\u0000${t.scope.day}`);
            this.scopesById.delete(t.scope.id);
          } else t.scope.rollback(t.mark);
        }
        for (const s of created) this.series.remove(s);
        throw e;
      }
      return rows;
    });
  }

  /** The series of every item × label group × sample type, checked against the limits before anything is written. */
  private planSeries(tenant: string, items: IngestItem[]): (SeriesPlan | undefined)[][][] {
    const L = this.limits;
    const fresh = new Map<string, SeriesPlan>();
    const plans = items.map((item) =>
      item.profile.groups.map((g) => {
        const seen = new Set<string>();
        return item.profile.types.map((type) => {
          if (seen.has(type.id)) return undefined; // a repeated sample type: stored once, as before
          seen.add(type.id);
          const all: Record<string, string> = { ...Object.fromEntries(g.labels), ...item.labels };
          let user = 0;
          for (const [k, v] of Object.entries(all)) {
            if (k.length > L.maxLabelNameLength)
              throw overLimit(
                'maxLabelNameLength',
                L,
                `label name ${JSON.stringify(k.slice(0, 64))}… has ${k.length} characters`,
              );
            if (v.length > L.maxLabelValueLength)
              throw overLimit(
                'maxLabelValueLength',
                L,
                `the value of label ${JSON.stringify(k.slice(0, 64))} has ${v.length} characters`,
              );
            if (!k.startsWith('__')) user++;
          }
          if (user > L.maxLabelsPerSeries) throw overLimit('maxLabelsPerSeries', L, `a series would have ${user} labels`);
          Object.assign(all, {
            __name__: type.name,
            __profile_type__: type.id,
            __type__: type.sampleType,
            __unit__: type.sampleUnit,
            __period_type__: type.periodType,
            __period_unit__: type.periodUnit,
          });
          const pairs = Object.entries(all)
            .filter(([, v]) => v !== '')
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          const key = seriesKey(pairs);
          const id = this.seriesId.get(tenant, key) as number | undefined;
          const rec = id === undefined ? undefined : this.series.get(id);
          if (rec) return { key, pairs, type, rec };
          let plan = fresh.get(key);
          if (!plan) fresh.set(key, (plan = { key, pairs, type }));
          return plan;
        });
      }),
    );
    const n = fresh.size;
    if (n > L.maxNewSeriesPerRequest) throw overLimit('maxNewSeriesPerRequest', L, `the request would create ${n} series`);
    const have = this.series.countOf(tenant);
    if (n > 0 && have + n > L.maxSeriesPerTenant)
      throw overLimit('maxSeriesPerTenant', L, `tenant ${JSON.stringify(tenant)} has ${have} series and the request adds ${n}`);
    if (n > 0 && this.series.size + n > L.maxSeriesTotal)
      throw overLimit('maxSeriesTotal', L, `the server holds ${this.series.size} series and the request adds ${n}`);
    return plans;
  }

  private async writeItem(
    scope: SymbolScope,
    item: IngestItem,
    plans: (SeriesPlan | undefined)[][],
    created: SeriesRecord[],
    slicer: Slicer,
  ): Promise<number> {
    const p = item.profile;
    const insertLocation = (id: number, frame: string) => this.stmt.insertLocation.run(scope.id, id, frame);
    const insertNode = (id: number, parent: number, location: number) => this.stmt.insertNode.run(scope.id, id, parent, location);
    const loc = new Int32Array(p.frameKeys.length);
    for (let i = 0; i < loc.length; i++) {
      loc[i] = scope.internEncoded(p.frameKeys[i]!, p.frameData[i]!, insertLocation);
      if ((i & 255) === 0) await slicer.tick();
    }
    const node = new Int32Array(p.nodeParent.length);
    for (let i = 1; i < node.length; i++) {
      node[i] = scope.internNode(node[p.nodeParent[i]!]!, loc[p.nodeLocation[i]!]!, insertNode);
      if ((i & 1023) === 0) await slicer.tick();
    }
    let rows = 0;
    for (const [gi, g] of p.groups.entries()) {
      for (const [t, plan] of plans[gi]!.entries()) {
        if (!plan) continue;
        if (!plan.rec) {
          const id = Number(this.stmt.insertSeries.run(scope.tenant, plan.type.id, plan.key).lastInsertRowid);
          plan.rec = this.series.record(id, scope.tenant, plan.type.id, plan.pairs);
          this.series.add(plan.rec);
          created.push(plan.rec);
        }
        const values = g.values[t]!;
        let n = 0;
        for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
        const vals = new Float64Array(n);
        const ids = new Uint32Array(n);
        const labels = g.labelSet && new RowLabelSets(p.labelSets, n);
        let k = 0;
        let total = 0;
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!;
          if (v === 0) continue;
          ids[k] = node[g.nodes[i]!]!;
          labels?.set(k, g.labelSet![i]!);
          vals[k++] = v;
          total += v;
        }
        this.stmt.insertProfile.run(
          plan.rec.id,
          item.timeMs,
          int64(p.durationNanos),
          scope.id,
          int64(p.period),
          p.dropFrames,
          p.keepFrames,
          total,
          encodeSamples({ nodes: ids, values: vals, labelSets: labels?.rowSets(), labelIndex: labels?.rowIndex() }),
        );
        this.blocks.invalidate(plan.rec.id, item.timeMs);
        rows++;
        await slicer.tick();
      }
    }
    return rows;
  }

  private createScope(tenant: string, day: number): SymbolScope {
    const id = Number(this.stmt.insertScope.run(tenant, day).lastInsertRowid);
    const scope = SymbolScope.create(id, tenant, day);
    this.scopes.set(`${tenant}\u0000${day}`, scope);
    this.scopesById.set(id, { tenant, day });
    return scope;
  }

  /** The scope of a tenant's day, loaded (in slices) on first use; undefined when it does not exist. */
  private scopeFor(tenant: string, day: number): Promise<SymbolScope | undefined> | SymbolScope | undefined {
    const key = `${tenant}\u0000${day}`;
    const s = this.scopes.get(key);
    if (s) return s;
    let p = this.loading.get(key);
    if (!p) {
      const row = this.read.scopeId.get(tenant, day) as { id: number } | undefined;
      if (!row) return undefined;
      p = SymbolScope.loadSliced(this.readDb, row.id, tenant, day, new Slicer()).then((loaded) => {
        this.loading.delete(key);
        this.scopes.set(key, loaded);
        return loaded;
      });
      p.catch(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  /** Loads the scope of a stored profile before scope() is used for it. */
  async ensureScope(id: number): Promise<SymbolScope> {
    const info = this.scopesById.get(id);
    if (!info) throw new Error(`unknown symbol scope ${id}`);
    const s = await this.scopeFor(info.tenant, info.day);
    if (!s) throw new Error(`symbol scope ${id} is missing`);
    return s;
  }

  /** The symbols of a scope already loaded by ensureScope(). */
  scope(id: number): SymbolScope {
    const info = this.scopesById.get(id);
    const s = info && this.scopes.get(`${info.tenant}\u0000${info.day}`);
    if (!s) throw new Error(`symbol scope ${id} is not loaded`);
    return s;
  }

  /** Reads the labels of a tenant's series loaded at start-up, in batches, once. */
  private loadLabels(tenant: string): Promise<void> {
    let p = this.labelsLoaded.get(tenant);
    if (!p) {
      p = (async () => {
        const slicer = new Slicer();
        for (let after = ''; ;) {
          const rows = this.read.tenantLabels.all(tenant, after, 4096) as [number, string][];
          for (const [id, labels] of rows) this.series.get(id)?.setLabels(labels);
          if (rows.length < 4096) break;
          after = rows[rows.length - 1]![1];
          await slicer.tick();
        }
      })();
      p.catch(() => this.labelsLoaded.delete(tenant));
      this.labelsLoaded.set(tenant, p);
    }
    return p;
  }

  /** Series of the tenant matching all matchers (and the profile type, when given). */
  async findSeries(
    tenant: string,
    matchers: readonly Matcher[],
    profileType?: string,
    slicer = new Slicer(),
  ): Promise<SeriesRecord[]> {
    await this.loadLabels(tenant);
    const out: SeriesRecord[] = [];
    let i = 0;
    for (const s of this.series.byTenant(tenant)) {
      if ((++i & 255) === 0) await slicer.tick();
      if (profileType !== undefined && s.profileType !== profileType) continue;
      if (matches(matchers, s)) out.push(s);
    }
    return out;
  }

  hasProfilesInRange(seriesId: number, startMs: number, endMs: number): boolean {
    return this.read.anyInRange.get(seriesId, startMs, endMs) !== undefined;
  }

  /**
   * Profiles of the series in [startMs, endMs], per series in time order: pre-aggregated blocks
   * (each standing for the profiles of its window, see blocks.ts) of spans up to maxBlockSpanMs,
   * raw rows read in batches elsewhere. withSamples=false reads only totals (per profile, also in blocks).
   */
  async *readProfiles(
    series: readonly SeriesRecord[],
    startMs: number,
    endMs: number,
    withSamples: boolean,
    slicer = new Slicer(),
  ): AsyncGenerator<StoredProfile> {
    for (const s of series) {
      for (const piece of this.blocks.plan(s.id, startMs, endMs, withSamples)) {
        if ('block' in piece) {
          const b = piece.block;
          const p: StoredProfile = {
            seriesId: s.id,
            timeMs: b.start_ms,
            scope: b.scope,
            period: b.period,
            dropFrames: b.drop_frames,
            keepFrames: b.keep_frames,
            total: b.total,
            profiles: b.profiles,
          };
          if (b.samples) Object.assign(p, decodeSamples(b.samples));
          p.spanMs = b.span_ms;
          const totals = b.totals;
          if (totals)
            p.profileTotals = () => {
              const t = decodeSamples(totals);
              return { times: Float64Array.from(t.nodes, (offset) => b.start_ms + offset), totals: t.values };
            };
          yield p;
          await slicer.tick();
        } else yield* this.readRaw(s.id, piece.from, piece.to, withSamples, slicer);
      }
      await slicer.tick();
    }
  }

  private async *readRaw(seriesId: number, startMs: number, endMs: number, withSamples: boolean, slicer: Slicer) {
    const stmt = withSamples ? this.read.samples : this.read.totals;
    let afterTime = startMs;
    let afterId = -1;
    for (;;) {
      const rows = stmt.all(seriesId, endMs, afterTime, afterId, READ_BATCH) as ProfileRow[];
      for (const row of rows) {
        const p: StoredProfile = {
          seriesId,
          timeMs: row.time_ms,
          scope: row.scope,
          period: row.period,
          dropFrames: row.drop_frames,
          keepFrames: row.keep_frames,
          total: row.total,
          profiles: 1,
        };
        if (row.samples) Object.assign(p, decodeStored({ ...row, samples: row.samples, encoding: row.encoding ?? 0 }));
        yield p;
      }
      if (rows.length < READ_BATCH) break;
      const last = rows[rows.length - 1]!;
      afterTime = last.time_ms;
      afterId = last.id;
      await slicer.tick();
    }
  }

  /** Builds the pre-aggregated blocks due at `now` (see blocks.ts); resolves to the blocks written or removed. */
  compact(now: number, slicer = new Slicer()): Promise<number> {
    return this.blocks.compact(now, slicer);
  }

  seriesById(id: number): SeriesRecord | undefined {
    return this.series.get(id);
  }

  /**
   * Deletes profiles older than cutoffMs with their blocks, then series without profiles and symbol
   * scopes of days before the cutoff (see retention.ts). Returns the number of profiles deleted.
   */
  deleteOlderThan(cutoffMs: number, slicer = new Slicer()): Promise<number> {
    return deleteOlderThan(
      {
        db: this.db,
        lock: this.writeLock,
        blocks: this.blocks,
        forgetSeries: (id) => {
          const rec = this.series.get(id);
          if (rec) this.series.remove(rec);
        },
        forgetScope: (id, tenant, day) => {
          this.scopes.delete(`${tenant}\u0000${day}`);
          this.scopesById.delete(id);
        },
      },
      cutoffMs,
      slicer,
    );
  }
}
