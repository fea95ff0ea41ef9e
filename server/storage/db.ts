// The SQLite database: schema and connection settings.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type DB = Database.Database;

const SCHEMA = `
-- One row per (tenant, label set). labels is a JSON array of [name, value] sorted by name and
-- includes the private labels (__name__, __profile_type__, ...).
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  profile_type TEXT NOT NULL,
  labels TEXT NOT NULL,
  UNIQUE (tenant, labels)
);

-- Symbols are interned per tenant and UTC day ("scope"), so that retention can drop whole days.
CREATE TABLE IF NOT EXISTS scopes (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  day INTEGER NOT NULL,
  UNIQUE (tenant, day)
);

-- A location: JSON [mappingFile, buildId, address, [[name, systemName, file, startLine, line], ...]]
-- (lines leaf-most first, as in pprof).
CREATE TABLE IF NOT EXISTS locations (
  scope INTEGER NOT NULL,
  id INTEGER NOT NULL,
  frame TEXT NOT NULL,
  PRIMARY KEY (scope, id)
) WITHOUT ROWID;

-- Stacks as a tree: node = (parent node, location); node 0 is the root. A stack is its leaf node.
CREATE TABLE IF NOT EXISTS stack_nodes (
  scope INTEGER NOT NULL,
  id INTEGER NOT NULL,
  parent INTEGER NOT NULL,
  location INTEGER NOT NULL,
  PRIMARY KEY (scope, id)
) WITHOUT ROWID;

-- One row per profile and sample type. encoding 1: samples is storage/codec.ts's compact form
-- (leaf nodes, values and sample label sets), label_sets and label_index NULL. encoding 0 (rows
-- stored before it): samples is n float64 values then n uint32 leaf node ids; label_sets NULL or a
-- JSON array of the row's sample label sets (see ingest/prepare.ts SampleLabel), label_index then
-- n int32, each sample's set (-1: none).
CREATE TABLE IF NOT EXISTS profiles (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  scope INTEGER NOT NULL,
  period INTEGER NOT NULL,
  drop_frames TEXT NOT NULL,
  keep_frames TEXT NOT NULL,
  total REAL NOT NULL,
  samples BLOB NOT NULL,
  label_sets TEXT,
  label_index BLOB,
  encoding INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS profiles_by_series_time ON profiles (series_id, time_ms);
CREATE INDEX IF NOT EXISTS profiles_by_time ON profiles (time_ms);
CREATE INDEX IF NOT EXISTS profiles_by_scope ON profiles (scope);

-- Pre-aggregated blocks (storage/blocks.ts): a series' profiles in [start_ms, start_ms + span_ms)
-- summed, samples in the compact encoding; period, drop/keep frames as the merge folds them;
-- totals: each profile's time offset and total (for SelectSeries at any step).
CREATE TABLE IF NOT EXISTS blocks (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  span_ms INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  scope INTEGER NOT NULL,
  period INTEGER NOT NULL,
  drop_frames TEXT NOT NULL,
  keep_frames TEXT NOT NULL,
  total REAL NOT NULL,
  profiles INTEGER NOT NULL,
  samples BLOB NOT NULL,
  totals BLOB NOT NULL,
  UNIQUE (series_id, span_ms, start_ms)
);
CREATE INDEX IF NOT EXISTS blocks_by_start ON blocks (start_ms);
-- Blocks to build again: a profile arrived into their window after they were built.
CREATE TABLE IF NOT EXISTS stale_blocks (
  series_id INTEGER NOT NULL,
  span_ms INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  PRIMARY KEY (series_id, span_ms, start_ms)
) WITHOUT ROWID;
-- The compactor's watermarks.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** The connection queries read through: it sees committed data only while a sliced write is open on the other. */
export function openReadConnection(dataDir: string): DB {
  const db = new Database(join(dataDir, 'flamelens.sqlite'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

export function openDatabase(dataDir: string): DB {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'flamelens.sqlite'));
  // Only takes effect in a new database: retention then gives freed pages back to the file system
  // (incremental_vacuum); older databases reuse them.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  // FULL: a commit is fsynced before the ingest response is sent.
  db.pragma('synchronous = FULL');
  // The WAL file is cut back to this size after a checkpoint, e.g. once a large retention run or
  // backlog of blocks has been checkpointed.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // Databases made before sample labels were kept gain their columns (NULL: no labels).
  const columns = new Set((db.prepare('PRAGMA table_info(profiles)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('label_sets')) db.exec('ALTER TABLE profiles ADD COLUMN label_sets TEXT');
  if (!columns.has('label_index')) db.exec('ALTER TABLE profiles ADD COLUMN label_index BLOB');
  // Older rows keep their fixed-width samples (encoding 0) and are read as such.
  if (!columns.has('encoding')) db.exec('ALTER TABLE profiles ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0');
  return db;
}
