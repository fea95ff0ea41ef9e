// Merged stacks → Pyroscope flame graphs (nodes grouped by function name, root "total",
// nodes beyond maxNodes folded into "other"), single and diff.
import { PairMap } from '../../src/common/pair-map';
import { Slicer } from '../slice';
import type { ProfileStore } from '../storage/store';
import type { Frame } from '../storage/symbols';
import type { MergedStacks } from './merge';

export const DEFAULT_MAX_NODES = 8192;

/** A call tree by function name. Node 0 is the root; a child always has a larger id than its parent. */
export class NameTree {
  names: string[] = ['total'];
  private nameIds = new Map<string, number>([['total', 0]]);
  parent: number[] = [-1];
  name: number[] = [0];
  children: number[][] = [[]];
  /** self[side][node]: one side for a single graph, two (left, right) for a diff. */
  self: number[][];
  /** (parent, name id) → child: a typed hash, not a Map of string keys (a tree has ~10^5 nodes). */
  private childIndex = new PairMap();

  constructor(readonly sides = 1) {
    this.self = Array.from({ length: sides }, () => [0]);
  }

  nameId(name: string): number {
    let nid = this.nameIds.get(name);
    if (nid === undefined) {
      nid = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, nid);
    }
    return nid;
  }

  child(parent: number, name: string): number {
    return this.childOf(parent, this.nameId(name));
  }

  childOf(parent: number, nid: number): number {
    let id = this.childIndex.find(parent, nid);
    if (id < 0) {
      const slot = -id - 1;
      id = this.parent.length;
      this.parent.push(parent);
      this.name.push(nid);
      this.children.push([]);
      this.children[parent]!.push(id);
      for (const s of this.self) s.push(0);
      this.childIndex.insert(slot, parent, nid, id);
    }
    return id;
  }

  /** Adds merged stacks on one side. */
  async add(store: ProfileStore, merged: MergedStacks, side = 0, slicer = new Slicer()): Promise<void> {
    const self = this.self[side];
    if (!self) throw new Error(`side ${side} of a tree of ${this.sides}`);
    // Node ids, parents and locations index the scope's own tables: valid by construction.
    for (const [scopeId, values] of merged.byScope) {
      const scope = store.scope(scopeId);
      const memo = new Int32Array(values.length).fill(-1);
      memo[0] = 0;
      const path: number[] = [];
      // Name ids of each location, made once per scope.
      const namesOf: (number[] | undefined)[] = [];
      for (let node = 1; node < values.length; node++) {
        const v = values[node]!;
        if (v === 0) continue;
        if ((node & 1023) === 0) await slicer.tick();
        // Walk up to the nearest already-mapped ancestor, then map back down.
        path.length = 0;
        let n = node;
        while (memo[n]! < 0) {
          path.push(n);
          n = scope.parent[n]!;
        }
        let t = memo[n]!;
        for (let i = path.length - 1; i >= 0; i--) {
          const loc = scope.location[path[i]!]!;
          let nids = namesOf[loc];
          if (!nids) namesOf[loc] = nids = frameNames(scope.frames[loc]!).map((name) => this.nameId(name));
          for (const nid of nids) t = this.childOf(t, nid);
          memo[path[i]!] = t;
        }
        self[t]! += v;
      }
      if (values.length > 0 && values[0] !== 0) self[0]! += values[0]!;
    }
  }

  /** total[side][node] = self + totals of children. */
  async totals(slicer: Slicer): Promise<Float64Array[]> {
    const out: Float64Array[] = [];
    for (const self of this.self) {
      const total = Float64Array.from(self);
      for (let i = total.length - 1; i > 0; i--) {
        total[this.parent[i]!]! += total[i]!;
        if ((i & 16383) === 0) await slicer.tick();
      }
      out.push(total);
    }
    return out;
  }
}

/** Function names of a location, outermost (caller) first. */
export function frameNames(f: Frame): string[] {
  if (f.lines.length === 0) {
    if (f.mappingFile) return [`[${f.mappingFile.split('/').pop()}]`];
    return [f.address ? `0x${f.address.toString(16)}` : '<unknown>'];
  }
  const out: string[] = [];
  for (let i = f.lines.length - 1; i >= 0; i--) out.push(f.lines[i]!.name || '<unknown>');
  return out;
}

interface OutNode {
  name: number;
  total: number[];
  self: number[];
  children: OutNode[];
}

/** Keeps about maxNodes nodes with the largest totals; the rest of each parent's children become "other". */
async function truncate(
  tree: NameTree,
  totals: Float64Array[],
  maxNodes: number,
  slicer: Slicer,
): Promise<{ root: OutNode; names: string[] }> {
  // One total per side, each indexed by the tree's node ids; `combined` likewise.
  const sides = totals.length;
  const combined = new Float64Array(totals[0]!.length);
  for (let i = 0; i < combined.length; i++) {
    for (const t of totals) combined[i]! += Math.abs(t[i]!);
    if ((i & 16383) === 0) await slicer.tick();
  }
  let threshold = 0;
  if (combined.length > maxNodes) {
    // A typed array sorts numerically in native code: a large tree's sort stays short.
    const sorted = Float64Array.from(combined).sort();
    threshold = sorted[sorted.length - maxNodes]!; // maxNodes ≥ 1 (the API's check)
  }
  const names = tree.names.slice();
  let otherName = -1;
  let budget = maxNodes;
  const build = (id: number): OutNode => ({
    name: tree.name[id]!,
    total: totals.map((t) => t[id]!),
    self: tree.self.map((s) => s[id]!),
    children: [],
  });
  const root = build(0);
  budget--;
  const queue: [number, OutNode][] = [[0, root]];
  for (let q = 0; q < queue.length; q++) {
    if ((q & 255) === 0) await slicer.tick();
    const [id, out] = queue[q]!;
    const kids = tree.children[id]!.slice().sort((a, b) => combined[b]! - combined[a]!);
    let other: OutNode | undefined;
    for (const k of kids) {
      if (combined[k] === 0) continue;
      if (combined[k]! >= threshold && budget > 0) {
        budget--;
        const child = build(k);
        out.children.push(child);
        queue.push([k, child]);
      } else {
        if (!other) {
          if (otherName < 0) {
            otherName = names.length;
            names.push('other');
          }
          other = { name: otherName, total: Array(sides).fill(0), self: Array(sides).fill(0), children: [] };
        }
        for (let s = 0; s < sides; s++) {
          other.total[s]! += totals[s]![k]!;
          other.self[s]! += totals[s]![k]!;
        }
      }
    }
    if (other) out.children.push(other);
    out.children.sort((a, b) => (names[a.name]! < names[b.name]! ? -1 : names[a.name]! > names[b.name]! ? 1 : 0));
  }
  return { root, names };
}

export interface FlameGraphOut {
  names: string[];
  levels: number[][];
  total: number;
  maxSelf: number;
  leftTicks?: number;
  rightTicks?: number;
}

/** Level-encoded flame graph: per node [x, total, self] per side, then the name index; x delta-encoded per level and side. */
export async function encodeFlameGraph(tree: NameTree, maxNodes: number, slicer = new Slicer()): Promise<FlameGraphOut> {
  const totals = await tree.totals(slicer);
  const sides = totals.length;
  const { root, names } = await truncate(tree, totals, maxNodes, slicer);
  const usedNames = new Map<number, number>();
  const outNames: string[] = [];
  const nameIndex = (n: number) => {
    let i = usedNames.get(n);
    if (i === undefined) {
      i = outNames.length;
      outNames.push(names[n]!);
      usedNames.set(n, i);
    }
    return i;
  };
  nameIndex(root.name);
  const levels: number[][] = [];
  let maxSelf = 0;
  let level: { node: OutNode; x: number[] }[] = [{ node: root, x: Array(sides).fill(0) }];
  while (level.length > 0) {
    await slicer.tick();
    const values: number[] = [];
    const prevEnd = Array(sides).fill(0);
    const next: { node: OutNode; x: number[] }[] = [];
    for (const { node, x } of level) {
      // Every node's total, self and x have one entry per side.
      for (let s = 0; s < sides; s++) {
        values.push(x[s]! - prevEnd[s], node.total[s]!, node.self[s]!);
        prevEnd[s] = x[s]! + node.total[s]!;
        maxSelf = Math.max(maxSelf, node.self[s]!);
      }
      values.push(nameIndex(node.name));
      const childX = x.map((v, s) => v + node.self[s]!);
      for (const c of node.children) {
        next.push({ node: c, x: childX.slice() });
        for (let s = 0; s < sides; s++) childX[s]! += c.total[s]!;
      }
    }
    levels.push(values);
    level = next;
  }
  const out: FlameGraphOut = { names: outNames, levels, total: totals.reduce((a, t) => a + t[0]!, 0), maxSelf };
  if (sides === 2) {
    out.leftTicks = totals[0]![0]!;
    out.rightTicks = totals[1]![0]!;
  }
  return out;
}
