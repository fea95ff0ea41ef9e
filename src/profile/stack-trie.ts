import type { ProfileData } from './profile-data';

/**
 * Every distinct stack of the profile as a prefix tree of *locations* (root → leaf). Node 0 is a
 * virtual root; a child always has a larger index than its parent. Built once per profile, it is
 * independent of granularity and sample type, and every report is computed from it in time
 * proportional to the number of distinct stack prefixes instead of samples × depth.
 */
export interface StackTrie {
  /** Number of nodes, the root included. */
  size: number;
  parent: Int32Array;
  /** Dense location index of each node (-1 for the root). */
  location: Int32Array;
  depth: Int32Array;
  /** self[t][i]: Σ value of sample type t over samples whose stack ends exactly at node i. */
  self: Float64Array[];
  /** Σ |value| of the same samples, only for sample types that have negative values. */
  selfAbs: (Float64Array | undefined)[];
  /** Children of node i are childIndex[childStart[i] .. childStart[i+1]). */
  childStart: Int32Array;
  childIndex: Int32Array;
  /** The node where each sample's stack ends (in the ProfileData's sample order). */
  sampleLeaf?: Int32Array;
}

/** An open-addressing hash from (parent, key) int pairs to a positive child index, in typed arrays. */
export class ChildTable {
  private keysParent: Int32Array;
  private keysLoc: Int32Array;
  private vals: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacityHint: number) {
    let cap = 1024;
    while (cap < capacityHint * 2) cap *= 2;
    this.keysParent = new Int32Array(cap);
    this.keysLoc = new Int32Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private static hash(parent: number, loc: number): number {
    return (Math.imul(parent, 0x9e3779b1) ^ Math.imul(loc + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  }

  /** Returns the child, or -(slot+1) when absent so that `insert` needs no second probe. */
  find(parent: number, loc: number): number {
    let slot = ChildTable.hash(parent, loc) & this.mask;
    for (;;) {
      const v = this.vals[slot]!;
      if (v === 0) return -(slot + 1);
      if (this.keysParent[slot] === parent && this.keysLoc[slot] === loc) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  insert(emptySlot: number, parent: number, loc: number, child: number): void {
    this.keysParent[emptySlot] = parent;
    this.keysLoc[emptySlot] = loc;
    this.vals[emptySlot] = child;
    if (++this.count * 2 > this.vals.length) this.grow();
  }

  private grow(): void {
    const { keysParent, keysLoc, vals } = this;
    const cap = vals.length * 2;
    this.keysParent = new Int32Array(cap);
    this.keysLoc = new Int32Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < vals.length; i++) {
      if (vals[i] === 0) continue;
      let slot = ChildTable.hash(keysParent[i]!, keysLoc[i]!) & this.mask;
      while (this.vals[slot] !== 0) slot = (slot + 1) & this.mask;
      this.keysParent[slot] = keysParent[i]!;
      this.keysLoc[slot] = keysLoc[i]!;
      this.vals[slot] = vals[i]!;
    }
  }
}

class GrowableInt32 {
  data: Int32Array;
  length = 0;
  constructor(cap: number) {
    this.data = new Int32Array(Math.max(16, cap));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export function buildStackTrie(data: ProfileData): StackTrie {
  const { sampleCount, stackStart, stackLocations, values } = data;
  const nTypes = values.length;
  const table = new ChildTable(Math.min(stackLocations.length, 1 << 22) + 16);
  const parent = new GrowableInt32(1024);
  const location = new GrowableInt32(1024);
  const depth = new GrowableInt32(1024);
  parent.push(-1);
  location.push(-1);
  depth.push(0);
  const leafOfSample = new Int32Array(sampleCount);

  // Consecutive samples often share a long root prefix: reuse the previous sample's path
  // for as long as its locations match, and only hash below the first difference.
  let prevPath = new Int32Array(64);
  let prevLocs = new Int32Array(64);
  let prevLen = 0;
  for (let i = 0; i < sampleCount; i++) {
    const start = stackStart[i]!;
    const end = stackStart[i + 1]!;
    const len = end - start;
    if (len > prevPath.length) {
      const np = new Int32Array(len * 2);
      np.set(prevPath);
      prevPath = np;
      const nl = new Int32Array(len * 2);
      nl.set(prevLocs);
      prevLocs = nl;
    }
    let node = 0;
    let d = 0;
    while (d < len && d < prevLen && prevLocs[d] === stackLocations[end - 1 - d]) {
      node = prevPath[d]!;
      d++;
    }
    for (; d < len; d++) {
      const loc = stackLocations[end - 1 - d]!;
      let child = table.find(node, loc);
      if (child < 0) {
        const slot = -child - 1;
        child = parent.length;
        parent.push(node);
        location.push(loc);
        depth.push(d + 1);
        table.insert(slot, node, loc, child);
      }
      prevPath[d] = child;
      prevLocs[d] = loc;
      node = child;
    }
    prevLen = len;
    leafOfSample[i] = node;
  }

  const size = parent.length;
  const self: Float64Array[] = [];
  const selfAbs: (Float64Array | undefined)[] = [];
  for (let t = 0; t < nTypes; t++) {
    const v = values[t]!;
    const s = new Float64Array(size);
    let negative = false;
    for (let i = 0; i < sampleCount; i++) {
      const x = v[i]!;
      if (x < 0) negative = true;
      s[leafOfSample[i]!]! += x;
    }
    self.push(s);
    if (negative) {
      const a = new Float64Array(size);
      for (let i = 0; i < sampleCount; i++) a[leafOfSample[i]!]! += Math.abs(v[i]!);
      selfAbs.push(a);
    } else {
      selfAbs.push(undefined);
    }
  }

  const parentArr = parent.trimmed();
  const childStart = new Int32Array(size + 1);
  for (let i = 1; i < size; i++) childStart[parentArr[i]! + 1]!++;
  for (let i = 0; i < size; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, size);
  const childIndex = new Int32Array(Math.max(0, size - 1));
  for (let i = 1; i < size; i++) childIndex[fill[parentArr[i]!]!++] = i;

  return {
    size,
    parent: parentArr,
    location: location.trimmed(),
    depth: depth.trimmed(),
    self,
    selfAbs,
    childStart,
    childIndex,
    sampleLeaf: leafOfSample,
  };
}

/** Σ value (or Σ |value|) over each node's subtree: every sample whose stack passes through it. */
export function subtreeTotals(trie: StackTrie, selfValues: Float64Array): Float64Array {
  const total = Float64Array.from(selfValues);
  const { parent } = trie;
  for (let i = trie.size - 1; i > 0; i--) total[parent[i]!]! += total[i]!;
  return total;
}
