// Interned locations and stack trees of one symbol scope (tenant × UTC day), kept in memory and
// mirrored in SQLite. Ids are dense, so merging is array indexing.
import type { DB } from './db';
import type { Slicer } from '../slice';
import { PairMap } from '../../src/common/pair-map';

export interface FrameLine {
  name: string;
  systemName: string;
  filename: string;
  startLine: number;
  line: number;
}

/** A location as stored: lines are leaf-most (inlined) first, as in pprof. */
export interface Frame {
  mappingFile: string;
  buildId: string;
  /** Kept only for locations without lines (then the address is all there is). */
  address: number;
  lines: FrameLine[];
}

const LOCATION_LIMIT = 1 << 30;
/** Rows read per batch when a scope is loaded. */
const LOAD_BATCH = 4096;

export function frameKey(f: Frame): string {
  if (f.lines.length > 0) {
    return JSON.stringify(f.lines.map((l) => [l.name, l.systemName, l.filename, l.startLine, l.line]));
  }
  return JSON.stringify([f.mappingFile, f.buildId, f.address]);
}

export function encodeFrame(f: Frame): string {
  return JSON.stringify([
    f.mappingFile,
    f.buildId,
    f.address,
    f.lines.map((l) => [l.name, l.systemName, l.filename, l.startLine, l.line]),
  ]);
}

function decodeFrame(text: string): Frame {
  const [mappingFile, buildId, address, lines] = JSON.parse(text) as [
    string,
    string,
    number,
    [string, string, string, number, number][],
  ];
  return {
    mappingFile,
    buildId,
    address,
    lines: lines.map(([name, systemName, filename, startLine, line]) => ({ name, systemName, filename, startLine, line })),
  };
}

export class SymbolScope {
  private locationIds = new Map<string, number>();
  private locationKeys: string[] = [''];
  /** frames[id], id ≥ 1. */
  readonly frames: Frame[] = [{ mappingFile: '', buildId: '', address: 0, lines: [] }];
  private nodeIds = new PairMap();
  /** parent[id] and location[id] of stack node id; node 0 is the root. */
  parent = new Int32Array(1024);
  location = new Int32Array(1024);
  nodeCount = 1;

  private constructor(
    readonly id: number,
    readonly tenant: string,
    readonly day: number,
  ) {}

  /** Loads a scope in batches, yielding between them: a day's symbols can be millions of rows. */
  static async loadSliced(db: DB, id: number, tenant: string, day: number, slicer: Slicer): Promise<SymbolScope> {
    const s = new SymbolScope(id, tenant, day);
    const locations = db.prepare('SELECT id, frame FROM locations WHERE scope = ? AND id > ? ORDER BY id LIMIT ?');
    for (let after = -1; ;) {
      const rows = locations.all(id, after, LOAD_BATCH) as { id: number; frame: string }[];
      for (const row of rows) {
        const f = decodeFrame(row.frame);
        const key = frameKey(f);
        s.frames[row.id] = f;
        s.locationKeys[row.id] = key;
        s.locationIds.set(key, row.id);
      }
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1]!.id;
      await slicer.tick();
    }
    const nodes = db.prepare('SELECT id, parent, location FROM stack_nodes WHERE scope = ? AND id > ? ORDER BY id LIMIT ?').raw();
    for (let after = -1; ;) {
      const rows = nodes.all(id, after, LOAD_BATCH) as [number, number, number][];
      for (const [nid, parent, location] of rows) {
        s.ensureNodeCapacity(nid + 1);
        s.parent[nid] = parent;
        s.location[nid] = location;
        s.nodeIds.set(parent, location, nid);
        s.nodeCount = Math.max(s.nodeCount, nid + 1);
      }
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1]![0];
      await slicer.tick();
    }
    return s;
  }

  static create(id: number, tenant: string, day: number): SymbolScope {
    return new SymbolScope(id, tenant, day);
  }

  get locationCount(): number {
    return this.frames.length;
  }

  /** Returns the id of the location (given as frameKey() and encodeFrame()), adding it (and its row, via insert) when new. */
  internEncoded(key: string, data: string, insert: (id: number, frame: string) => void): number {
    let id = this.locationIds.get(key);
    if (id === undefined) {
      id = this.frames.length;
      if (id >= LOCATION_LIMIT) throw new Error('too many distinct locations in one day');
      insert(id, data);
      this.frames.push(decodeFrame(data));
      this.locationKeys.push(key);
      this.locationIds.set(key, id);
    }
    return id;
  }

  internNode(parent: number, location: number, insert: (id: number, parent: number, location: number) => void): number {
    let id = this.nodeIds.find(parent, location);
    if (id < 0) {
      const slot = -id - 1;
      id = this.nodeCount;
      insert(id, parent, location);
      this.ensureNodeCapacity(id + 1);
      this.parent[id] = parent;
      this.location[id] = location;
      this.nodeIds.insert(slot, parent, location, id);
      this.nodeCount++;
    }
    return id;
  }

  /** A point to roll back to if the transaction that adds symbols fails. */
  mark(): { locations: number; nodes: number } {
    return { locations: this.frames.length, nodes: this.nodeCount };
  }

  rollback(mark: { locations: number; nodes: number }): void {
    if (this.nodeCount > mark.nodes) {
      // Rare (a failed transaction): rebuild the index from the surviving nodes.
      this.nodeCount = mark.nodes;
      this.nodeIds = new PairMap(this.nodeCount);
      for (let id = 1; id < this.nodeCount; id++) this.nodeIds.set(this.parent[id]!, this.location[id]!, id);
    }
    for (let id = mark.locations; id < this.frames.length; id++) this.locationIds.delete(this.locationKeys[id]!);
    this.frames.length = mark.locations;
    this.locationKeys.length = mark.locations;
  }

  private ensureNodeCapacity(n: number): void {
    if (n <= this.parent.length) return;
    let size = this.parent.length;
    while (size < n) size *= 2;
    const p = new Int32Array(size);
    p.set(this.parent);
    const l = new Int32Array(size);
    l.set(this.location);
    this.parent = p;
    this.location = l;
  }
}
