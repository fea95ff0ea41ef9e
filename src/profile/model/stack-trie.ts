import { pairHash, slotCount } from '../../common/pair-map';
import { GrowableInt32, releaseArray } from './growable';
import type { ProfileData } from './profile-data';

/**
 * Every distinct stack of the profile as a prefix tree of *locations* (root → leaf). Node 0 is a
 * virtual root; nodes are numbered in depth-first preorder (a child comes after its parent, and a
 * subtree is a contiguous range of nodes), so walks visit them in index order. Built once per
 * profile, it is independent of granularity and sample type, and every report is computed from
 * it in time proportional to the number of distinct stack prefixes instead of samples × depth.
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
  /** The node where each sample's stack ends (in the ProfileData's sample order). */
  sampleLeaf?: Int32Array;
}

/**
 * PairMap for a tree that keeps its nodes' parents and keys in arrays of its own: slots hold only
 * the child (4 bytes instead of 12), and a probe compares the candidate's parent and key in those
 * arrays. For the stack trie's table, the largest, which is built at the memory peak of opening a
 * large profile.
 */
class ChildIndex {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacityHint: number) {
    const cap = slotCount(capacityHint);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** The child (> 0) of `parent` with `key`, or -(slot+1) when absent, for `insert`. */
  find(parent: number, key: number, parents: Int32Array, keys: Int32Array): number {
    const slots = this.slots;
    let slot = pairHash(parent, key) & this.mask;
    for (;;) {
      const v = slots[slot]!;
      if (v === 0) return -(slot + 1);
      if (keys[v] === key && parents[v] === parent) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Frees the table's memory now (see releaseArray); it must not be used afterwards. */
  release(): void {
    releaseArray(this.slots);
  }

  /** Records `child`, whose parent and key are already in the arrays. */
  insert(emptySlot: number, child: number, parents: Int32Array, keys: Int32Array): void {
    this.slots[emptySlot] = child;
    if (++this.count * 2 > this.mask + 1) this.grow(parents, keys);
  }

  private grow(parents: Int32Array, keys: Int32Array): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < old.length; i++) {
      const v = old[i]!;
      if (v === 0) continue;
      let slot = pairHash(parents[v]!, keys[v]!) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = v;
    }
    releaseArray(old);
  }
}

/**
 * Gives each sample the index of its distinct stack (same locations in the same order), so that
 * the trie is built once per distinct stack: profiles repeat stacks with other labels, and
 * consecutive samples rarely share prefixes (Go writes them in hash order).
 */
function distinctStacks(data: ProfileData): { stackOf: Int32Array; first: Int32Array; count: number } {
  const { sampleCount, stackStart, stackLocations } = data;
  const stackOf = new Int32Array(sampleCount);
  let first = new Int32Array(1024);
  let count = 0;
  let cap = 1024;
  while (cap < sampleCount * 2) cap *= 2;
  const table = new Int32Array(cap); // distinct stack + 1, 0 = empty
  const hashes = new Int32Array(sampleCount);
  const mask = cap - 1;
  for (let i = 0; i < sampleCount; i++) {
    const a = stackStart[i]!;
    const b = stackStart[i + 1]!;
    let h = 0x811c9dc5 ^ (b - a);
    for (let k = a; k < b; k++) h = Math.imul(h ^ stackLocations[k]!, 0x01000193);
    h ^= h >>> 15;
    hashes[i] = h;
    let slot = (h >>> 0) & mask;
    for (;;) {
      const v = table[slot]!;
      if (v === 0) {
        if (count === first.length) {
          const f = new Int32Array(first.length * 2);
          f.set(first);
          first = f;
        }
        first[count] = i;
        table[slot] = ++count;
        stackOf[i] = count - 1;
        break;
      }
      const j = first[v - 1]!;
      if (hashes[j] === h) {
        const ja = stackStart[j]!;
        const jb = stackStart[j + 1]!;
        let same = jb - ja === b - a;
        for (let k = 0; same && k < b - a; k++) same = stackLocations[ja + k] === stackLocations[a + k];
        if (same) {
          stackOf[i] = v - 1;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
  }
  return { stackOf, first: first.subarray(0, count), count };
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

export function buildStackTrie(data: ProfileData): StackTrie {
  const { sampleCount, stackStart, stackLocations, values } = data;
  const nTypes = values.length;
  // The reader may have kept each distinct stack once already (stack s at stackStart[s]).
  const stacks = data.sampleStack
    ? { stackOf: data.sampleStack, first: identity(stackStart.length - 1), count: stackStart.length - 1 }
    : distinctStacks(data);
  let distinctFrames = 0;
  for (let d = 0; d < stacks.count; d++) {
    const i = stacks.first[d]!;
    distinctFrames += stackStart[i + 1]! - stackStart[i]!;
  }
  // Trie nodes are far fewer than frames (stacks share prefixes): about a third in practice.
  const estimate = Math.min(Math.ceil(distinctFrames / 3), 1 << 25) + 16;
  let table: ChildIndex | undefined = new ChildIndex(estimate);
  // The node arrays start at the same estimate, so that they rarely double (two copies at the peak).
  const parent = new GrowableInt32(estimate);
  const location = new GrowableInt32(estimate);
  const depth = new GrowableInt32(estimate);
  parent.push(-1);
  location.push(-1);
  depth.push(0);
  const leafOfStack = new Int32Array(stacks.count);

  // Consecutive stacks often share a root prefix: reuse the previous stack's path for as long as
  // its locations match, and only hash below the first difference.
  let prevPath = new Int32Array(64);
  let prevLocs = new Int32Array(64);
  let prevLen = 0;
  for (let s = 0; s < stacks.count; s++) {
    const i = stacks.first[s]!;
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
      let child = table!.find(node, loc, parent.data, location.data);
      if (child < 0) {
        const slot = -child - 1;
        child = parent.length;
        parent.push(node);
        location.push(loc);
        depth.push(d + 1);
        table!.insert(slot, child, parent.data, location.data);
      }
      prevPath[d] = child;
      prevLocs[d] = loc;
      node = child;
    }
    prevLen = len;
    leafOfStack[s] = node;
  }
  const size = parent.length;
  table.release(); // the largest structure of the build: gone before renumbering
  table = undefined;
  const parentArr = parent.fitted();
  const locationArr = location.fitted();
  const depthArr = depth.fitted();
  const newId = renumberInPreorder(parentArr, locationArr, depthArr);
  const leafOfSample = new Int32Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) leafOfSample[i] = newId[leafOfStack[stacks.stackOf[i]!]!]!;
  releaseArray(newId);
  releaseArray(leafOfStack);
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

  return {
    size,
    parent: parentArr,
    location: locationArr,
    depth: depthArr,
    self,
    selfAbs,
    sampleLeaf: leafOfSample,
  };
}

/**
 * Per-depth scratch arrays for a walk of a trie in index order (its preorder): a node at depth d
 * finds its parent's state at d - 1, the innermost open node of that depth.
 */
export class PathWalk {
  readonly maxDepth: number;
  /** A depth no node has: `skipBelow` when no subtree is being skipped. */
  readonly noSkip: number;
  constructor(trie: StackTrie) {
    let m = 0;
    const { depth, size } = trie;
    for (let i = 0; i < size; i++) if (depth[i]! > m) m = depth[i]!;
    this.maxDepth = m;
    this.noSkip = m + 1;
  }
  perDepth<T>(ctor: new (n: number) => T): T {
    return new ctor(this.maxDepth + 2);
  }
}

/**
 * Renumbers a tree (parents before children; children in index order) in depth-first preorder,
 * in place, and returns each node's new index. In preorder every subtree is a contiguous range
 * of nodes: the walks over the trie, which visit it depth first, then read its arrays nearly in
 * order instead of jumping across them (about 1.5–2× faster on large profiles). In place and
 * without child lists or a stack, because this runs at the memory peak of opening a profile.
 */
export function renumberInPreorder(parent: Int32Array, location: Int32Array, depth: Int32Array): Int32Array {
  // A node's preorder index is its parent's, plus one, plus the sizes of the subtrees of its
  // earlier siblings: subtree sizes, then one pass in index order where `next` holds, per node,
  // the index its next child gets.
  const size = parent.length;
  const next = new Int32Array(size).fill(1); // subtree sizes first
  for (let i = size - 1; i > 0; i--) next[parent[i]!]! += next[i]!;
  const newId = new Int32Array(size);
  next[0] = 1;
  for (let i = 1; i < size; i++) {
    const sub = next[i]!;
    const id = next[parent[i]!]!;
    newId[i] = id;
    next[parent[i]!] = id + sub;
    next[i] = id + 1;
  }
  for (let i = 1; i < size; i++) parent[i] = newId[parent[i]!]!;
  // Move every node to its new index, one permutation cycle at a time (~newId marks the done).
  for (let s = 0; s < size; s++) {
    if (newId[s]! < 0 || newId[s] === s) continue;
    let p = parent[s]!;
    let l = location[s]!;
    let d = depth[s]!;
    let j = s;
    for (;;) {
      const k = newId[j]!;
      newId[j] = ~k;
      const np = parent[k]!;
      const nl = location[k]!;
      const nd = depth[k]!;
      parent[k] = p;
      location[k] = l;
      depth[k] = d;
      if (k === s) break;
      p = np;
      l = nl;
      d = nd;
      j = k;
    }
  }
  for (let i = 0; i < size; i++) if (newId[i]! < 0) newId[i] = ~newId[i]!;
  releaseArray(next);
  return newId;
}

/**
 * The children of every node of a tree given by its parent array (parents before children), as
 * StackTrie's childStart/childIndex, each node's children in index order.
 */
export function childLists(parent: Int32Array, size: number): { childStart: Int32Array; childIndex: Int32Array } {
  const childStart = new Int32Array(size + 1);
  for (let i = 1; i < size; i++) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < size; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, size);
  const childIndex = new Int32Array(Math.max(0, size - 1));
  for (let i = 1; i < size; i++) childIndex[fill[parent[i]!]!++] = i;
  releaseArray(fill);
  return { childStart, childIndex };
}

/** Σ value (or Σ |value|) over each node's subtree: every sample whose stack passes through it. */
export function subtreeTotals(trie: StackTrie, selfValues: Float64Array): Float64Array {
  const total = Float64Array.from(selfValues);
  const { parent } = trie;
  for (let i = trie.size - 1; i > 0; i--) total[parent[i]!]! += total[i]!;
  return total;
}

/**
 * Every sample's stack (leaf first, as in ProfileData) rebuilt from the trie: the path from the
 * sample's leaf node up to the root. The inverse of building the trie.
 */
export function stacksFromTrie(trie: StackTrie, sampleCount: number): { stackStart: Int32Array; stackLocations: Int32Array } {
  const leaf = trie.sampleLeaf!;
  const { parent, location, depth } = trie;
  const stackStart = new Int32Array(sampleCount + 1);
  for (let i = 0; i < sampleCount; i++) stackStart[i + 1] = stackStart[i]! + depth[leaf[i]!]!;
  const stackLocations = new Int32Array(stackStart[sampleCount]!);
  for (let i = 0; i < sampleCount; i++) {
    let k = stackStart[i]!;
    for (let n = leaf[i]!; n > 0; n = parent[n]!) stackLocations[k++] = location[n]!;
  }
  return { stackStart, stackLocations };
}
