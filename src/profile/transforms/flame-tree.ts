import type { NodeTable } from '../model/nodes';
import { GrowableInt32, releaseArray } from '../model/growable';
import { PairMap } from '../../common/pair-map';
import { type StackTrie, childLists, subtreeTotals } from '../model/stack-trie';

/**
 * The call tree the flame graph draws: one frame per distinct path of nodes (an inlined frame is
 * its own frame; recursion is not merged), with the value of one sample type. Frames are in
 * depth-first order, so a frame's subtree is the range [i, end[i]); children are sorted by total
 * (largest first, then by name) and `start` is each frame's offset in value units from the left
 * edge: the partition layout, done once in the worker.
 */
export interface FlameTree {
  sampleIndex: number;
  /** Number of frames; frame 0 is the root (all samples). */
  size: number;
  /** Node (of the granularity's NodeTable) of each frame; -1 for the root. */
  node: Int32Array;
  parent: Int32Array;
  depth: Int32Array;
  /** One past the last frame of this frame's subtree (depth-first order). */
  end: Int32Array;
  total: Float64Array;
  self: Float64Array;
  start: Float64Array;
  maxDepth: number;
  /** In a diff: the other side's self and total per frame (the baseline when widths are the comparison's). */
  otherSelf?: Float64Array;
  otherTotal?: Float64Array;
}

/** The frames of a trie at one granularity, independent of the sample type. */
export interface ExpandedFrames {
  size: number;
  parent: Int32Array;
  node: Int32Array;
  /** The innermost frame of each trie node's location. */
  frameOfTrie: Int32Array;
}

/** Maps the location trie onto nodes: each trie node's location expands into its frames. */
export function expandFrames(trie: StackTrie, nodes: NodeTable): ExpandedFrames {
  const { locStart, locNodes } = nodes;
  // At most one frame per node of each trie node's location: allocate that once (a doubling
  // array would hold up to twice the frames at the peak of opening a large profile).
  let bound = 1;
  for (let i = 1; i < trie.size; i++) {
    const loc = trie.location[i]!;
    bound += locStart[loc + 1]! - locStart[loc]!;
  }
  const parent = new GrowableInt32(bound);
  const node = new GrowableInt32(bound);
  parent.push(-1);
  node.push(-1);
  const frameOfTrie = new Int32Array(trie.size);
  // (parent frame, node) → frame, so that paths of different locations with the same nodes merge.
  // Most frames have a child or two: a list per frame finds them in memory written moments ago,
  // where a hash table of every frame would miss the cache on each lookup. Frames with many
  // children (dispatchers, the root) get a hash table instead.
  const firstChild = new Int32Array(bound).fill(-1);
  const nextSibling = new Int32Array(bound);
  const wide = new Uint8Array(bound);
  const wideChildren = new PairMap(1024);
  const WIDE = 8;
  for (let i = 1; i < trie.size; i++) {
    let p = frameOfTrie[trie.parent[i]!]!;
    const loc = trie.location[i]!;
    for (let k = locStart[loc + 1]! - 1; k >= locStart[loc]!; k--) {
      const n = locNodes[k]!;
      let f = -1;
      let slot = -1;
      let count = 0;
      if (wide[p] === 1) {
        const found = wideChildren.find(p, n);
        if (found > 0) f = found;
        else slot = -found - 1;
      } else {
        for (let c = firstChild[p]!; c >= 0; c = nextSibling[c]!, count++) {
          if (node.data[c] === n) {
            f = c;
            break;
          }
        }
      }
      if (f < 0) {
        f = parent.length;
        parent.push(p);
        node.push(n);
        nextSibling[f] = firstChild[p]!;
        firstChild[p] = f;
        if (wide[p] === 1) wideChildren.insert(slot, p, n, f);
        else if (count + 1 > WIDE) {
          wide[p] = 1;
          for (let c = f; c >= 0; c = nextSibling[c]!) {
            const at = wideChildren.find(p, node.data[c]!);
            wideChildren.insert(-at - 1, p, node.data[c]!, c);
          }
        }
      }
      p = f;
    }
    frameOfTrie[i] = p;
  }
  // Frames merged where locations share nodes: exact-size copies when that saved much.
  return { size: parent.length, parent: parent.fitted(), node: node.fitted(), frameOfTrie };
}

export function buildFlameTree(
  trie: StackTrie,
  nodes: NodeTable,
  sampleIndex: number,
  expanded: ExpandedFrames = expandFrames(trie, nodes),
  sides?: { self: Float64Array; other: Float64Array },
): FlameTree {
  const { size, parent, node, frameOfTrie } = expanded;
  const toFrames = (trieSelf: Float64Array) => {
    const self = new Float64Array(size);
    for (let i = 1; i < trie.size; i++) self[frameOfTrie[i]!]! += trieSelf[i]!;
    self[0] = trieSelf[0]!;
    return self;
  };
  const self = toFrames(sides ? sides.self : trie.self[sampleIndex]!);
  const other = sides && toFrames(sides.other);
  const tree = layoutFlameTree(size, parent, node, self, nodes.names, sampleIndex, other);
  releaseArray(self); // laid out into the tree's own arrays
  if (other) releaseArray(other);
  return tree;
}

/**
 * Orders a tree given in construction order (every parent before its children; frame 0 the root)
 * depth first with children largest first (then by name), and lays it out.
 */
export function layoutFlameTree(
  size: number,
  parent: Int32Array,
  node: Int32Array,
  selfC: Float64Array,
  names: string[],
  sampleIndex: number,
  otherSelfC?: Float64Array,
): FlameTree {
  const totalC = Float64Array.from(selfC.subarray(0, size));
  for (let f = size - 1; f > 0; f--) totalC[parent[f]!]! += totalC[f]!;
  const otherTotalC = otherSelfC ? Float64Array.from(otherSelfC.subarray(0, size)) : undefined;
  if (otherTotalC) for (let f = size - 1; f > 0; f--) otherTotalC[parent[f]!]! += otherTotalC[f]!;

  // Frame f's children: children[childStart[f] .. childStart[f + 1]).
  const { childStart, childIndex: children } = childLists(parent, size);
  // No closures are called in this function's loops: optimised code expects the very closure it
  // saw, and each call makes new ones (see readProfileData).
  for (let f = 0; f < size; f++) {
    const a = childStart[f]!;
    const b = childStart[f + 1]!;
    if (b - a <= 1) continue;
    if (b - a <= 12) {
      // Most frames have a few children: sort them in place (no array and no sort call per frame).
      for (let i = a + 1; i < b; i++) {
        const c = children[i]!;
        let j = i - 1;
        while (j >= a && compareFrames(children[j]!, c, totalC, node, names) > 0) {
          children[j + 1] = children[j]!;
          j--;
        }
        children[j + 1] = c;
      }
    } else {
      const sub = Array.from(children.subarray(a, b));
      sub.sort((x, y) => compareFrames(x, y, totalC, node, names));
      children.set(sub, a);
    }
  }

  const newIndex = new Int32Array(size);
  const outNode = new Int32Array(size);
  const outParent = new Int32Array(size);
  const depth = new Int32Array(size);
  const end = new Int32Array(size);
  const total = new Float64Array(size);
  const self = new Float64Array(size);
  const start = new Float64Array(size);
  const otherSelf = otherSelfC ? new Float64Array(size) : undefined;
  const otherTotal = otherTotalC ? new Float64Array(size) : undefined;
  let maxDepth = 0;
  let pos = 0;
  // The depth-first stack never holds more than the frames not yet placed. (childLists freed its
  // own scratch array of this size first, so the peak does not grow.)
  const stack = new Int32Array(size);
  let sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const f = stack[--sp]!;
    const i = pos++;
    newIndex[f] = i;
    const p = f === 0 ? -1 : newIndex[parent[f]!]!;
    outNode[i] = node[f]!;
    outParent[i] = p;
    const d = p < 0 ? 0 : depth[p]! + 1;
    depth[i] = d;
    if (d > maxDepth) maxDepth = d;
    total[i] = totalC[f]!;
    self[i] = selfC[f]!;
    if (otherSelf) {
      otherSelf[i] = otherSelfC![f]!;
      otherTotal![i] = otherTotalC![f]!;
    }
    // Push children in reverse so that the largest is visited (and placed) first.
    for (let c = childStart[f + 1]! - 1; c >= childStart[f]!; c--) stack[sp++] = children[c]!;
  }
  for (let i = 0; i < size; i++) end[i] = i + 1;
  for (let i = size - 1; i > 0; i--) {
    const p = outParent[i]!;
    if (end[i]! > end[p]!) end[p] = end[i]!;
  }
  // A child starts where its previous sibling ended; siblings follow each other's subtrees.
  for (let p = 0; p < size; p++) {
    let at = start[p]!;
    for (let c = p + 1; c < end[p]!; c = end[c]!) {
      start[c] = at;
      at += Math.abs(total[c]!);
    }
  }
  // Its scratch arrays are as large as the tree: free them before the caller's next step.
  releaseArray(totalC);
  releaseArray(childStart);
  releaseArray(children);
  releaseArray(stack);
  releaseArray(newIndex);
  if (otherTotalC) releaseArray(otherTotalC);
  return { sampleIndex, size, maxDepth, node: outNode, parent: outParent, depth, end, total, self, start, otherSelf, otherTotal };
}

/** Frame order among siblings: largest total first, then by name. */
function compareFrames(x: number, y: number, totalC: Float64Array, node: Int32Array, names: string[]): number {
  const d = Math.abs(totalC[y]!) - Math.abs(totalC[x]!);
  if (d !== 0) return d;
  const nx = names[node[x]!] ?? '';
  const ny = names[node[y]!] ?? '';
  return nx < ny ? -1 : nx > ny ? 1 : 0;
}

/** The root total of a sample type, from the trie (Σ value of every sample). */
export function rootTotal(trie: StackTrie, sampleIndex: number): number {
  return subtreeTotals(trie, trie.self[sampleIndex]!)[0]!;
}
