// Pre-aggregated blocks: per series, the exact sum of its profiles over aligned windows of 5 min,
// 1 h and 1 day, so that a query reads the coarsest blocks that tile its range and raw profiles
// only at the edges. A background compactor builds them behind a watermark; a profile arriving
// into a window that may already have a block deletes the blocks around it in its own transaction
// and marks them stale, to be built again. Every window is inside one UTC day, hence one symbol
// scope, so merging blocks is summing (leaf node, label set) → value.
import { SLICE_MS, type Mutex, type Slicer } from '../slice';
import { DAY_MS } from '../time';
import { decodeSamples, decodeStored, encodeSamples, SampleSum, type Samples } from './codec';
import type { DB } from './db';

const MINUTE_MS = 60_000;
/** Finest first; each divides the next. */
export const BLOCK_SPANS = [5 * MINUTE_MS, 60 * MINUTE_MS, DAY_MS] as const;
const FINE = BLOCK_SPANS[0];
/** Windows are built this long after they end: profiles are usually sent within a minute. */
export const COMPACT_GRACE_MS = MINUTE_MS;

/** The columns a block shares with a stored profile row (see ProfileStore readProfiles). */
export interface BlockRow {
  start_ms: number;
  span_ms: number;
  scope: number;
  period: number;
  drop_frames: string;
  keep_frames: string;
  total: number;
  profiles: number;
  samples?: Buffer;
  /** Each profile's time (ms after start_ms) and total, as encodeSamples' nodes and values. */
  totals?: Buffer;
}

/** A piece of a series' query range: a block, or [from, to] (inclusive) read from raw profiles. */
export type Piece = { block: BlockRow } | { from: number; to: number };

/** The fold of what a merge keeps beside the samples, in the order the merge would see the profiles. */
class Aggregate {
  scope = -1;
  period = 0;
  drop: string | undefined;
  keep: string | undefined;
  total = 0;
  profiles = 0;
  readonly sum = new SampleSum();
  /** Each profile's time offset and total, for SelectSeries at any step. */
  private readonly times: number[] = [];
  private readonly totals: number[] = [];

  constructor(private readonly start: number) {}

  /** A raw profile (n = 1, at timeMs) or a block (its per-profile totals at blockStart). */
  add(
    r: { scope: number; period: number; drop_frames: string; keep_frames: string; total: number },
    n: number,
    s: Samples,
    at: { timeMs: number } | { blockStart: number; totals: Buffer },
  ) {
    // One scope per window: ingest picks it by tenant and UTC day, and retention deletes a scope
    // only once no profile refers to it (so a day's scope is never replaced while rows use it).
    this.scope = r.scope;
    // As mergeProfiles: the first non-zero period; drop/keep frames when all agree, else ''.
    if (!this.period && r.period) this.period = r.period;
    this.drop = this.drop === undefined || this.drop === r.drop_frames ? r.drop_frames : '';
    this.keep = this.keep === undefined || this.keep === r.keep_frames ? r.keep_frames : '';
    this.total += r.total;
    this.profiles += n;
    this.sum.add(s);
    if ('timeMs' in at) {
      this.times.push(at.timeMs - this.start);
      this.totals.push(r.total);
    } else {
      const t = decodeSamples(at.totals);
      for (let i = 0; i < t.nodes.length; i++) {
        this.times.push(at.blockStart + t.nodes[i]! - this.start);
        this.totals.push(t.values[i]!);
      }
    }
  }

  encodedTotals(): Buffer {
    return encodeSamples({ nodes: Uint32Array.from(this.times), values: Float64Array.from(this.totals) });
  }
}

export class Blocks {
  /** Windows before origin never get blocks (it is a day boundary at or before the first profile). */
  private origin: number | undefined;
  /** Every window ending at or before `built` has its blocks (or is stale); no block ends after `claimed`. */
  private built: number | undefined;
  private claimed = -Infinity;
  private readonly q;
  private readonly r;

  constructor(
    private readonly db: DB,
    readDb: DB,
    private readonly lock: Mutex,
  ) {
    const rowCols = 'scope, period, drop_frames, keep_frames, total';
    this.q = {
      meta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      firstProfile: db.prepare('SELECT min(time_ms) FROM profiles WHERE time_ms >= ?').pluck(),
      raw: db.prepare(
        `SELECT time_ms, ${rowCols}, samples, encoding, label_sets, label_index FROM profiles
         WHERE series_id = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms, id`,
      ),
      seriesIn: db.prepare('SELECT DISTINCT series_id FROM profiles WHERE time_ms >= ? AND time_ms < ?').pluck(),
      seriesWithBlocks: db
        .prepare(
          `SELECT series_id FROM blocks WHERE start_ms >= ? AND start_ms < ? AND span_ms = ?
           UNION SELECT series_id FROM stale_blocks WHERE start_ms >= ? AND start_ms < ? AND span_ms = ?`,
        )
        .pluck(),
      sub: db.prepare(
        `SELECT start_ms, ${rowCols}, profiles, samples, totals FROM blocks WHERE series_id = ? AND span_ms = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms`,
      ),
      staleIn: db
        .prepare('SELECT start_ms FROM stale_blocks WHERE series_id = ? AND span_ms = ? AND start_ms >= ? AND start_ms < ?')
        .pluck(),
      staleDue: db.prepare(
        'SELECT series_id, span_ms, start_ms FROM stale_blocks WHERE start_ms + span_ms <= ? ORDER BY span_ms, start_ms LIMIT 256',
      ),
      save: db.prepare(
        `INSERT OR REPLACE INTO blocks (series_id, span_ms, start_ms, scope, period, drop_frames, keep_frames, total, profiles, samples, totals)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      drop: db.prepare('DELETE FROM blocks WHERE series_id = ? AND span_ms = ? AND start_ms = ?'),
      unstale: db.prepare('DELETE FROM stale_blocks WHERE series_id = ? AND span_ms = ? AND start_ms = ?'),
      stale: db.prepare('INSERT OR IGNORE INTO stale_blocks (series_id, span_ms, start_ms) VALUES (?, ?, ?)'),
    };
    const blockCols = 'start_ms, span_ms, scope, period, drop_frames, keep_frames, total, profiles';
    const where = 'series_id = ? AND span_ms = ? AND start_ms >= ? AND start_ms <= ? ORDER BY start_ms';
    this.r = {
      withSamples: readDb.prepare(`SELECT ${blockCols}, samples FROM blocks WHERE ${where}`),
      totals: readDb.prepare(`SELECT ${blockCols}, totals FROM blocks WHERE ${where}`),
    };
    this.reloadMeta();
  }

  /**
   * Called in the transaction that stores a profile of the series at timeMs: the blocks that may
   * cover it are deleted and marked stale (they would no longer be exact).
   */
  invalidate(seriesId: number, timeMs: number): void {
    if (this.origin === undefined || timeMs < this.origin || timeMs >= this.claimed) return;
    for (const span of BLOCK_SPANS) {
      const start = Math.floor(timeMs / span) * span;
      this.q.drop.run(seriesId, span, start);
      this.q.stale.run(seriesId, span, start);
    }
  }

  /**
   * Builds what is due at `now`: stale blocks first, then windows up to now − grace. Runs in short
   * transactions under the writers' lock; resolves to the number of blocks written or removed.
   */
  async compact(now: number, slicer: Slicer): Promise<number> {
    const work = this.work(now);
    let done = 0;
    for (let more = true; more;) {
      await this.lock.run(() => {
        const t0 = performance.now();
        this.db.exec('BEGIN');
        try {
          do {
            const step = work.next();
            if (step.done) more = false;
            else done += step.value;
          } while (more && performance.now() - t0 < 2 * SLICE_MS);
          this.db.exec('COMMIT');
        } catch (e) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          // Watermarks may have moved in memory for work rolled back: read them again.
          this.reloadMeta();
          throw e;
        }
      });
      await slicer.tick();
    }
    return done;
  }

  /** The watermarks as stored (at start-up, and after a rolled-back compaction). */
  private reloadMeta(): void {
    this.origin = this.q.meta.get('blocks_origin') as number | undefined;
    this.built = this.q.meta.get('blocks_built') as number | undefined;
    this.claimed = (this.q.meta.get('blocks_claimed') as number | undefined) ?? -Infinity;
  }

  /** Units of work, each a few blocks at most, run inside the caller's transaction. */
  private *work(now: number): Generator<number, void, void> {
    for (;;) {
      const due = this.q.staleDue.all(this.built ?? -Infinity) as { series_id: number; span_ms: number; start_ms: number }[];
      if (due.length === 0) break;
      for (const d of due) yield this.build(d.series_id, d.span_ms, d.start_ms);
    }
    if (this.built === undefined) {
      const first = this.q.firstProfile.get(-Infinity) as number | null;
      if (first === null) return;
      this.origin = Math.floor(first / DAY_MS) * DAY_MS;
      this.built = this.origin;
      this.q.setMeta.run('blocks_origin', this.origin);
      this.q.setMeta.run('blocks_built', this.built);
    }
    const target = Math.floor((now - COMPACT_GRACE_MS) / FINE) * FINE;
    for (let built = this.built; built + FINE <= target; built = this.built) {
      let w: number = built;
      const hourEnd = (Math.floor(w / BLOCK_SPANS[1]) + 1) * BLOCK_SPANS[1];
      let series = this.q.seriesIn.all(w, w + FINE) as number[];
      if (series.length === 0) {
        // Nothing stored here: skip to the next profile's window, stopping at the hour's end so
        // that the coarse blocks of the hour (and day) are built.
        const next = this.q.firstProfile.get(w) as number | null;
        w = Math.min(next === null ? target : Math.floor(next / FINE) * FINE, hourEnd - FINE, target - FINE);
        w = Math.max(w, built);
        if (w !== built) series = this.q.seriesIn.all(w, w + FINE) as number[];
      }
      const end: number = w + FINE;
      this.claimed = end;
      this.q.setMeta.run('blocks_claimed', end);
      for (const s of series) yield this.build(s, FINE, w);
      for (const span of BLOCK_SPANS.slice(1)) {
        if (end % span !== 0) break;
        const start = end - span;
        const sub = BLOCK_SPANS[BLOCK_SPANS.indexOf(span) - 1]!;
        for (const s of this.q.seriesWithBlocks.all(start, end, sub, start, end, sub) as number[])
          yield this.build(s, span, start);
      }
      this.built = end;
      this.q.setMeta.run('blocks_built', end);
      yield 0;
    }
  }

  /** (Re)builds one block from the raw profiles (finest span) or the blocks of the span below. */
  private build(seriesId: number, span: number, start: number): number {
    const agg = new Aggregate(start);
    const i = BLOCK_SPANS.indexOf(span as (typeof BLOCK_SPANS)[number]);
    if (i < 0) throw new Error(`no block span of ${span} ms`);
    if (i === 0) {
      for (const row of this.q.raw.iterate(seriesId, start, start + span) as Iterable<StoredRow & { time_ms: number }>)
        agg.add(row, 1, decodeStored(row), { timeMs: row.time_ms });
    } else {
      const sub = BLOCK_SPANS[i - 1]!;
      // A stale block below is built first, or this one would miss what made it stale.
      for (const s of this.q.staleIn.all(seriesId, sub, start, start + span) as number[]) this.build(seriesId, sub, s);
      for (const row of this.q.sub.iterate(seriesId, sub, start, start + span) as Iterable<
        BlockRow & { samples: Buffer; totals: Buffer }
      >)
        agg.add(row, row.profiles, decodeSamples(row.samples), { blockStart: row.start_ms, totals: row.totals });
    }
    this.q.unstale.run(seriesId, span, start);
    if (agg.profiles === 0) return this.q.drop.run(seriesId, span, start).changes;
    this.q.save.run(
      seriesId,
      span,
      start,
      agg.scope,
      agg.period,
      agg.drop ?? '',
      agg.keep ?? '',
      agg.total,
      agg.profiles,
      encodeSamples(agg.sum.samples()),
      agg.encodedTotals(),
    );
    return 1;
  }

  /**
   * How a series' range [a, b] (inclusive) is read: the coarsest blocks inside it, then finer ones
   * in the gaps, raw profiles in what is left; ordered by time. Without samples, blocks bring
   * their per-profile totals instead.
   */
  plan(seriesId: number, a: number, b: number, withSamples: boolean): Piece[] {
    let gaps: [number, number][] = [[a, b]];
    const blocks: BlockRow[] = [];
    const stmt = withSamples ? this.r.withSamples : this.r.totals;
    for (let i = BLOCK_SPANS.length - 1; i >= 0; i--) {
      const span = BLOCK_SPANS[i]!;
      const next: [number, number][] = [];
      for (const [x, y] of gaps) {
        const first = Math.ceil(x / span) * span;
        const last = y - span + 1;
        if (first > last) {
          next.push([x, y]);
          continue;
        }
        let cur = x;
        // One statement per gap: a block read is one row, consistent with its own commit.
        for (const row of stmt.all(seriesId, span, first, last) as BlockRow[]) {
          if (row.start_ms > cur) next.push([cur, row.start_ms - 1]);
          blocks.push(row);
          cur = row.start_ms + span;
        }
        if (cur <= y) next.push([cur, y]);
      }
      gaps = next;
    }
    const pieces: Piece[] = [...blocks.map((block) => ({ block })), ...gaps.map(([from, to]) => ({ from, to }))];
    return pieces.sort((p, q) => ('block' in p ? p.block.start_ms : p.from) - ('block' in q ? q.block.start_ms : q.from));
  }

  /** Retention: blocks and stale marks of windows that start before the cutoff. */
  deleteOlderThan(cutoffMs: number): number {
    this.db.prepare('DELETE FROM stale_blocks WHERE start_ms < ?').run(cutoffMs);
    return this.db.prepare('DELETE FROM blocks WHERE start_ms < ?').run(cutoffMs).changes;
  }
}

/** A profile row as the compactor and queries read it. */
export interface StoredRow {
  scope: number;
  period: number;
  drop_frames: string;
  keep_frames: string;
  total: number;
  samples: Buffer;
  encoding: number;
  label_sets: string | null;
  label_index: Buffer | null;
}
