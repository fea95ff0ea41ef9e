// Tags of the call graph's nodes (pprof's LabelTags and NumericTags, the DOT's "nodelets"): the
// sample labels under each node, computed on the trie (or its projection) for the nodes kept.
import type { NodeTable } from '../model/nodes';
import type { ProfileData } from '../model/profile-data';
import { PathWalk, type StackTrie, childLists } from '../model/stack-trie';
import { scaledLabel } from './format';

/** pprof's graph.Tag: a label set or a numeric label value on a node (a "nodelet" in the DOT). */
export interface Tag {
  /** The label set ("k:v" pairs joined by a literal `\n`) or the formatted numeric value. */
  name: string;
  /** For label sets: the sorted "k:v" pairs (so that a DOT writer can escape each one). */
  parts?: string[];
  unit: string;
  /** For numeric tags: the (first) raw value behind the formatted name. */
  value: number;
  flat: number;
  cum: number;
}

/** pprof's maxNodelets. */
export const MAX_NODELETS = 4;

/** What the graph needs of each sample's labels: its string label set and its `bytes` values. */
export interface SampleTags {
  /** Trie node where each sample's stack ends. */
  leaf: Int32Array;
  /** Per sample: index into labelSets, -1 without string labels. */
  labelSet: Int32Array;
  /** Sorted "key:value" strings of each distinct label set. */
  labelSets: string[][];
  /** The numeric `bytes` label values of sample i: numValues[numStart[i] .. numStart[i+1]). */
  numStart: Int32Array;
  numValues: Float64Array;
  /** Their unit (the first declared one, else "bytes"), as pprof's NumLabelUnits. */
  numUnit: string;
  /** Sample values per sample type (ProfileData.values of the same samples). */
  values: Float64Array[];
  /**
   * When the entries are the profile's samples reordered (see sortedByLeaf): the sample index of
   * each, for pprof's "first value seen" of numeric tags.
   */
  origin?: Int32Array;
  /** Filled by sortTagSamples: Σ |value| of each label set's samples, per sample type. */
  labelSetTotals?: (Float64Array | undefined)[];
}

/**
 * The same samples ordered by the trie node where they end (which is preorder), so that the tag
 * passes read the node maps of the trie, and of its projections, nearly in order. Only the values
 * of `sampleTypes` (default: all) are reordered; when the samples given are the profile's own (no
 * `origin`), another type's can be added later as gatherSamples(values, result.origin).
 */
export function sortedByLeaf(st: SampleTags, trieSize: number, sampleTypes?: number[]): SampleTags {
  const n = st.leaf.length;
  const start = new Int32Array(trieSize + 1);
  for (let s = 0; s < n; s++) start[st.leaf[s]! + 1]!++;
  for (let t = 0; t < trieSize; t++) start[t + 1]! += start[t]!;
  const origin = new Int32Array(n);
  for (let s = 0; s < n; s++) origin[start[st.leaf[s]!]!++] = s;
  // start[t] is now where leaf t's run ends: the sorted leaves are written in order, not gathered.
  const leaf = new Int32Array(n);
  for (let t = 0, j = 0; t < trieSize; t++) for (const end = start[t]!; j < end; j++) leaf[j] = t;
  const numStart = new Int32Array(n + 1);
  const numValues = new Float64Array(st.numValues.length);
  if (numValues.length > 0) {
    for (let j = 0; j < n; j++) {
      const s = origin[j]!;
      let k = numStart[j]!;
      for (let q = st.numStart[s]!; q < st.numStart[s + 1]!; q++) numValues[k++] = st.numValues[q]!;
      numStart[j + 1] = k;
    }
  }
  const values: Float64Array[] = [];
  for (const t of sampleTypes ?? st.values.keys()) values[t] = gatherSamples(st.values[t]!, origin);
  return {
    ...st,
    leaf,
    labelSet: gatherSamples(st.labelSet, origin),
    numStart,
    numValues,
    values,
    origin: st.origin ? gatherSamples(st.origin, origin) : origin,
  };
}

/** a[order[j]] for every j: an array of the samples in another order (see sortedByLeaf). */
export function gatherSamples<T extends Int32Array | Float64Array>(a: T, order: Int32Array): T {
  const out = new (a.constructor as new (n: number) => T)(order.length);
  for (let j = 0; j < order.length; j++) out[j] = a[order[j]!]!;
  return out;
}

/**
 * What the graph needs of the samples' labels, from the profile's own label tags (the string
 * label sets and numeric `bytes` values the decoder kept: pprof drops every other numeric label
 * from graphs). `data` and `trie` are what the graph is built from; when `data` comes from
 * filters it carries `sampleOrigin`, the index of each of its samples in the unfiltered profile,
 * whose label tags it keeps. Undefined when no sample has such labels.
 */
export function sampleTagsOf(data: ProfileData & { sampleOrigin?: Int32Array }, trie: StackTrie): SampleTags | undefined {
  const t = data.labelTags;
  if (!t) return undefined;
  const origin = data.sampleOrigin;
  const n = data.sampleCount;
  let { labelSet, numStart, numValues } = t;
  if (origin) {
    labelSet = new Int32Array(n);
    numStart = new Int32Array(n + 1);
    const nums: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = origin[i]!;
      labelSet[i] = t.labelSet[o]!;
      numStart[i] = nums.length;
      for (let k = t.numStart[o]!; k < t.numStart[o + 1]!; k++) nums.push(t.numValues[k]!);
    }
    numStart[n] = nums.length;
    numValues = Float64Array.from(nums);
  }
  return {
    leaf: sampleLeaves(data, trie),
    labelSet,
    labelSets: t.labelSets,
    numStart,
    numValues,
    numUnit: t.numUnit,
    values: data.values,
  };
}

/**
 * The trie node where each sample's stack ends. Uses the trie's own per-sample leaves when it
 * has them (`sampleLeaf`, see the report); otherwise finds them by binary search in each trie
 * node's children sorted by location.
 */
export function sampleLeaves(data: ProfileData, trie: StackTrie): Int32Array {
  const own = (trie as StackTrie & { sampleLeaf?: Int32Array }).sampleLeaf;
  if (own && own.length === data.sampleCount) return own;
  const { location, size } = trie;
  const { childStart, childIndex } = childLists(trie.parent, size);
  // Children of each node sorted by location: a key loc·2^25 + child (exact in a double).
  const SHIFT = 2 ** 25;
  const sorted = new Float64Array(Math.max(0, size - 1));
  for (let i = 0; i < size - 1; i++) sorted[i] = location[childIndex[i]!]! * SHIFT + childIndex[i]!;
  for (let i = 0; i < size; i++) {
    const a = childStart[i]!;
    const b = childStart[i + 1]!;
    if (b - a > 1) sorted.subarray(a, b).sort();
  }
  const { stackStart, stackLocations } = data;
  const leaves = new Int32Array(data.sampleCount);
  for (let s = 0; s < data.sampleCount; s++) {
    let node = 0;
    for (let k = stackStart[s + 1]! - 1; k >= stackStart[s]! && node >= 0; k--) {
      const loc = stackLocations[k]!;
      let lo = childStart[node]!;
      let hi = childStart[node + 1]! - 1;
      node = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const l = Math.floor(sorted[mid]! / SHIFT);
        if (l < loc) lo = mid + 1;
        else if (l > loc) hi = mid - 1;
        else {
          node = sorted[mid]! - l * SHIFT;
          break;
        }
      }
    }
    leaves[s] = node < 0 ? 0 : node;
  }
  return leaves;
}

export interface NodeTagMaps {
  labels: Map<string, Tag>;
  numeric: Map<string, Map<string, Tag>>;
}

/**
 * Accumulates flat and cum per integer key, densely when the key space is small. A key's value
 * is the one of the earliest sample (by index) that reached it, as pprof keeps the first it sees.
 */
class Accumulator {
  private dense?: { flat: Float64Array; cum: Float64Array; firstSample: Float64Array; value: Float64Array };
  private sparse?: Map<number, { flat: number; cum: number; firstSample: number; value: number }>;
  constructor(space: number) {
    if (space <= 1 << 22) {
      this.dense = {
        flat: new Float64Array(space),
        cum: new Float64Array(space),
        firstSample: new Float64Array(space).fill(Infinity),
        value: new Float64Array(space),
      };
    } else this.sparse = new Map();
  }
  add(key: number, w: number, flat: boolean, sample: number, value: number): void {
    if (this.dense) {
      const d = this.dense;
      if (flat) d.flat[key]! += w;
      else d.cum[key]! += w;
      if (sample < d.firstSample[key]!) {
        d.firstSample[key] = sample;
        d.value[key] = value;
      }
      return;
    }
    let e = this.sparse!.get(key);
    if (!e) {
      e = { flat: 0, cum: 0, firstSample: sample, value };
      this.sparse!.set(key, e);
    }
    if (flat) e.flat += w;
    else e.cum += w;
    if (sample < e.firstSample) {
      e.firstSample = sample;
      e.value = value;
    }
  }
  *entries(): Generator<[number, number, number, number]> {
    if (this.dense) {
      const { flat, cum, firstSample, value } = this.dense;
      for (let k = 0; k < firstSample.length; k++) if (firstSample[k] !== Infinity) yield [k, flat[k]!, cum[k]!, value[k]!];
    } else {
      for (const [k, e] of this.sparse!) yield [k, e.flat, e.cum, e.value];
    }
  }
}

/** The samples that can make a tag, sorted by the trie node where they end (see computeNodeTags). */
export interface TagSamples {
  /** Formatted names of the numeric label values, and each value's name. */
  names: string[];
  numName: Int32Array;
  numUseful: Uint8Array;
  /** Sorted samples ending at trie node t: run[t] .. run[t+1). */
  run: Int32Array;
  order: Int32Array;
  /** Each sorted sample's label set (-1 when it cannot make a tag), and value. */
  sortedSet: Int32Array;
  sortedValue: Float64Array;
  /** The subtree of trie node t is nodes t .. t + subtree[t) (the trie is in preorder). */
  subtree: Int32Array;
}

export function sortTagSamples(
  trie: StackTrie,
  st: SampleTags,
  sampleIndex: number,
  cut: number,
  /** Maps st.leaf to the nodes of `trie` when it is a projection (see projectTrie). */
  leafMap?: Int32Array,
): TagSamples {
  // Numeric values → formatted names (pprof keys numeric tags by their formatted value).
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const valueName = new Map<number, number>();
  const numName = new Int32Array(st.numValues.length);
  for (let k = 0; k < st.numValues.length; k++) {
    const v = st.numValues[k]!;
    let ni = valueName.get(v);
    if (ni === undefined) {
      const name = scaledLabel(v, st.numUnit, 'minimum');
      ni = nameIndex.get(name);
      if (ni === undefined) {
        ni = names.length;
        nameIndex.set(name, ni);
        names.push(name);
      }
      valueName.set(v, ni);
    }
    numName[k] = ni;
  }

  const L = st.labelSets.length;
  const V = names.length;
  const values = st.values[sampleIndex]!;
  const { labelSet, numStart, leaf } = st;
  const n = leaf.length;
  const hasNumeric = st.numValues.length > 0;
  // A tag's flat and cum are bounded by the total of the samples that carry it, so label sets
  // and numeric values whose samples add up to less than the cut can only make tags that pprof
  // trims: skip them (and samples left with nothing).
  const lsUseful = new Uint8Array(L).fill(1);
  const numUseful = new Uint8Array(V).fill(1);
  if (cut > 0) {
    // Σ |value| per label set does not depend on the graph: kept with the samples.
    const cache = (st.labelSetTotals ??= []);
    let lsTotal = cache[sampleIndex];
    const numTotal = new Float64Array(V);
    if (!lsTotal || hasNumeric) {
      lsTotal = new Float64Array(L);
      for (let s = 0; s < n; s++) {
        const w = Math.abs(values[s]!);
        if (labelSet[s]! >= 0) lsTotal[labelSet[s]!]! += w;
        if (hasNumeric) for (let q = numStart[s]!; q < numStart[s + 1]!; q++) numTotal[numName[q]!]! += w;
      }
      cache[sampleIndex] = lsTotal;
    }
    for (let i = 0; i < L; i++) lsUseful[i] = lsTotal[i]! >= cut ? 1 : 0;
    for (let i = 0; i < V; i++) numUseful[i] = numTotal[i]! >= cut ? 1 : 0;
  }
  // Counting sort by leaf; sampleLeaf[s] = -1 for samples that cannot make a tag.
  const { size, parent } = trie;
  const run = new Int32Array(size + 1);
  const sampleLeaf = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    sampleLeaf[s] = -1;
    if (values[s] === 0) continue;
    const ls = labelSet[s]!;
    let u = ls >= 0 && lsUseful[ls] === 1;
    if (!u && hasNumeric) for (let q = numStart[s]!; q < numStart[s + 1]! && !u; q++) u = numUseful[numName[q]!] === 1;
    if (!u) continue;
    const t = leafMap ? leafMap[leaf[s]!]! : leaf[s]!;
    sampleLeaf[s] = t;
    run[t + 1]!++;
  }
  for (let t = 0; t < size; t++) run[t + 1]! += run[t]!;
  const count = run[size]!;
  const order = new Int32Array(hasNumeric ? count : 0);
  const sortedSet = new Int32Array(count);
  const sortedValue = new Float64Array(count);
  const fill = run.slice(0, size);
  for (let s = 0; s < n; s++) {
    const t = sampleLeaf[s]!;
    if (t < 0) continue;
    const j = fill[t]!++;
    if (hasNumeric) order[j] = s;
    const ls = labelSet[s]!;
    sortedSet[j] = ls >= 0 && lsUseful[ls] === 1 ? ls : -1;
    sortedValue[j] = values[s]!;
  }
  const subtree = new Int32Array(size).fill(1);
  for (let t = size - 1; t > 0; t--) subtree[parent[t]!]! += subtree[t]!;
  return { names, numName, numUseful, run, order, sortedSet, sortedValue, subtree };
}

/**
 * Tags of the given nodes in the graph built with `kept`, as pprof's addSample: cum tags once per
 * sample on every node of its stack, flat tags on the kept leaf; then trimmed to |flat| or
 * |cum| >= cut (TrimLowFrequencyTags).
 *
 * The samples are sorted by the (preorder) trie node where they end, so the samples under any
 * node are one contiguous run: a node's cum tags add up the run under each of its topmost
 * occurrences, in a tight loop over sorted arrays instead of a walk up every sample's stack.
 */
export function computeNodeTags(
  trie: StackTrie,
  nodes: NodeTable,
  sampleIndex: number,
  st: SampleTags,
  kept: Uint8Array | undefined,
  interest: number[],
  cut: number,
  sorted: TagSamples = sortTagSamples(trie, st, sampleIndex, cut),
): Map<number, NodeTagMaps> {
  const N = nodes.infos.length;
  const slot = new Int32Array(N).fill(-1);
  interest.forEach((n, k) => (slot[n] = k));
  const K = interest.length;
  const { location, depth, size } = trie;
  const { locStart, locNodes } = nodes;
  const { names, numName, numUseful, run, order, sortedSet, sortedValue, subtree } = sorted;
  const L = st.labelSets.length;
  const V = names.length;
  const { labelSet, numStart, numValues, origin } = st;
  const hasNumeric = numValues.length > 0;

  const labelAcc = new Accumulator(K * L);
  const numAcc = new Accumulator(K * (L + 1) * V);
  const addRun = (k: number, from: number, to: number, flat: boolean) => {
    const base = k * L;
    for (let j = from; j < to; j++) {
      const ls = sortedSet[j]!;
      if (ls >= 0) labelAcc.add(base + ls, sortedValue[j]!, flat, 0, 0);
    }
    if (!hasNumeric) return;
    for (let j = from; j < to; j++) {
      const s = order[j]!;
      const group = k * (L + 1) + labelSet[s]! + 1;
      for (let q = numStart[s]!; q < numStart[s + 1]!; q++) {
        if (numUseful[numName[q]!])
          numAcc.add(group * V + numName[q]!, sortedValue[j]!, flat, origin ? origin[s]! : s, numValues[q]!);
      }
    }
  };

  // One walk in preorder: each interest node's topmost occurrences take the cum of their subtree;
  // the innermost kept frame of each node takes the flat of the samples ending there, unless
  // dropped frames follow it.
  const walk = new PathWalk(trie);
  const lastAt = walk.perDepth(Int32Array);
  const residualAt = walk.perDepth(Uint8Array);
  const undoAt = walk.perDepth(Int32Array);
  lastAt[0] = -1;
  const onPath = new Uint8Array(K);
  const undo = new Int32Array(Math.max(K, 1));
  let undoLen = 0;
  for (let i = 1; i < size; i++) {
    const d = depth[i]!;
    while (undoLen > undoAt[d]!) onPath[undo[--undoLen]!] = 0;
    let p = lastAt[d - 1]!;
    let r = residualAt[d - 1]!;
    const loc = location[i]!;
    for (let f = locStart[loc + 1]! - 1; f >= locStart[loc]!; f--) {
      const n = locNodes[f]!;
      const k = slot[n]!;
      if (k >= 0 && onPath[k] === 0) {
        onPath[k] = 1;
        undo[undoLen++] = k;
        addRun(k, run[i]!, run[i + subtree[i]!]!, false);
      }
      if (kept && kept[n] === 0) {
        r = 1;
        continue;
      }
      p = n;
      r = 0;
    }
    lastAt[d] = p;
    residualAt[d] = r;
    undoAt[d + 1] = undoLen;
    const flatTo = r === 0 && p >= 0 ? slot[p]! : -1;
    if (flatTo >= 0 && run[i + 1]! > run[i]!) addRun(flatTo, run[i]!, run[i + 1]!, true);
  }

  const result = new Map<number, NodeTagMaps>();
  for (const n of interest) result.set(n, { labels: new Map(), numeric: new Map() });
  const keep = (flat: number, cum: number) => Math.abs(flat) >= cut || Math.abs(cum) >= cut;
  const setName = st.labelSets.map((p) => p.join('\\n'));
  for (const [key, flat, cum] of labelAcc.entries()) {
    if (!keep(flat, cum)) continue;
    const k = Math.floor(key / L);
    const ls = key - k * L;
    const name = setName[ls]!;
    result.get(interest[k]!)!.labels.set(name, { name, parts: st.labelSets[ls], unit: '', value: 0, flat, cum });
  }
  for (const [key, flat, cum, first] of numAcc.entries()) {
    if (!keep(flat, cum)) continue;
    const ni = key % V;
    const rest = (key - ni) / V;
    const k = Math.floor(rest / (L + 1));
    const ls = rest - k * (L + 1) - 1;
    const group = ls >= 0 ? setName[ls]! : '';
    const t = result.get(interest[k]!)!;
    let m = t.numeric.get(group);
    if (!m) {
      m = new Map();
      t.numeric.set(group, m);
    }
    m.set(names[ni]!, { name: names[ni]!, unit: st.numUnit, value: first, flat, cum });
  }
  return result;
}

/** pprof's countTags: tags with a non-zero flat value. */
export function countFlatTags(t: NodeTagMaps): number {
  let count = 0;
  for (const tag of t.labels.values()) if (tag.flat !== 0) count++;
  for (const m of t.numeric.values()) for (const tag of m.values()) if (tag.flat !== 0) count++;
  return count;
}
