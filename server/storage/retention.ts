// Retention: profiles older than the cutoff are deleted in batches (each its own transaction, so
// ingest waits for one batch at most), then the blocks of windows that start before it, series
// left without profiles and symbol scopes of days that are over. New databases use
// auto_vacuum=INCREMENTAL: the pages freed are then given back to the file system, a few
// thousand at a time; older databases reuse them for new rows.
import type { Mutex, Slicer } from '../slice';
import { DAY_MS } from '../time';
import type { Blocks } from './blocks';
import type { DB } from './db';

/** Profile rows deleted per transaction. */
const DELETE_BATCH = 1000;
/** Pages given back per incremental_vacuum step (4 KiB each). */
const VACUUM_PAGES = 2048;

export interface RetentionTarget {
  db: DB;
  lock: Mutex;
  blocks: Blocks;
  /** Called in the transaction that deletes the row: forget the series or scope in memory. */
  forgetSeries(id: number): void;
  forgetScope(id: number, tenant: string, day: number): void;
}

/** Returns the number of profile rows deleted. */
export async function deleteOlderThan(t: RetentionTarget, cutoffMs: number, slicer: Slicer): Promise<number> {
  const { db, lock } = t;
  const batch = db.prepare('DELETE FROM profiles WHERE id IN (SELECT id FROM profiles WHERE time_ms < ? LIMIT ?)');
  let deleted = 0;
  for (;;) {
    const n = await lock.run(() => batch.run(cutoffMs, DELETE_BATCH).changes);
    deleted += n;
    if (n < DELETE_BATCH) break;
    await slicer.tick();
  }
  const cutoffDay = Math.floor(cutoffMs / DAY_MS);
  const dropped = await lock.run(() =>
    db.transaction(() => {
      let rows = t.blocks.deleteOlderThan(cutoffMs);
      if (deleted === 0) return rows;
      const emptySeries = db
        .prepare('SELECT id FROM series s WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.series_id = s.id)')
        .pluck()
        .all() as number[];
      for (const id of emptySeries) {
        db.prepare('DELETE FROM series WHERE id = ?').run(id);
        t.forgetSeries(id);
      }
      const oldScopes = db
        .prepare(
          'SELECT id, tenant, day FROM scopes s WHERE day < ? AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.scope = s.id)',
        )
        .all(cutoffDay) as {
        id: number;
        tenant: string;
        day: number;
      }[];
      for (const s of oldScopes) {
        db.prepare('DELETE FROM locations WHERE scope = ?').run(s.id);
        db.prepare('DELETE FROM stack_nodes WHERE scope = ?').run(s.id);
        db.prepare('DELETE FROM scopes WHERE id = ?').run(s.id);
        t.forgetScope(s.id, s.tenant, s.day);
        rows++;
      }
      return rows;
    })(),
  );
  if (deleted > 0 || dropped > 0) await vacuum(t, slicer);
  return deleted;
}

async function vacuum(t: RetentionTarget, slicer: Slicer): Promise<void> {
  if (t.db.pragma('auto_vacuum', { simple: true }) !== 2) return; // 2: INCREMENTAL
  while ((t.db.pragma('freelist_count', { simple: true }) as number) > 0) {
    await t.lock.run(() => t.db.pragma(`incremental_vacuum(${VACUUM_PAGES})`));
    await slicer.tick();
  }
}
