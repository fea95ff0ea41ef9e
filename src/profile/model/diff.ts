import { ProfileError } from '../../common/profile-error';
import type { ProfileData } from './profile-data';
import type { StackTrie } from './stack-trie';
import { mergeLabelTables } from './label-table';

/**
 * Two profiles as one, the way `pprof -diff_base=BASE NEW` sees them: the baseline's samples with
 * their values negated, beside the comparison's. Locations and functions are concatenated, never
 * shared, so no stack mixes the two sides; nodes of the same function still merge (node keys are
 * names, not ids), which is what makes flat, cum, edges and frames comparable.
 */
export interface DiffData {
  data: ProfileData;
  /** Locations [0, baseLocationCount) belong to the baseline. */
  baseLocationCount: number;
  /** Samples [0, baseSampleCount) are the baseline's. */
  baseSampleCount: number;
  /** Σ|value| per sample type of each side. */
  baseTotals: number[];
  nextTotals: number[];
  /** For each merged sample type, its index in the baseline and in the comparison. */
  typePairs: [number, number][];
}

function sum(abs: Float64Array | undefined): number {
  let s = 0;
  if (abs) for (let i = 0; i < abs.length; i++) s += Math.abs(abs[i]!);
  return s;
}

export function diffProfileData(
  base: ProfileData & { sampleOrigin?: Int32Array },
  next: ProfileData & { sampleOrigin?: Int32Array },
  opts: { stacks?: boolean } = {},
): DiffData {
  const withStacks = opts.stacks ?? true;
  // Sample types both sides have (same type and unit), in the comparison's order.
  const pairs: [number, number][] = [];
  next.sampleTypes.forEach((t, ni) => {
    const bi = base.sampleTypes.findIndex((b) => b.type === t.type && b.unit === t.unit);
    if (bi >= 0) pairs.push([bi, ni]);
  });
  if (pairs.length === 0) {
    const list = (d: ProfileData) => d.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ') || 'none';
    throw new ProfileError(
      'incomparable',
      `The two profiles cannot be compared: they have no sample type in common (baseline: ${list(base)}; comparison: ${list(next)}).`,
    );
  }
  const nf = base.functionName.length;
  const nm = base.mappingFile.length;
  const nl = base.locationAddress.length;
  const nLines = base.lineFunction.length;
  const cat = <T extends Int32Array | Float64Array>(a: T, b: T, make: (n: number) => T): T => {
    const out = make(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const shift = (a: Int32Array, by: number) => a.map((v) => (v < 0 ? v : v + by));

  const locationLineStart = new Int32Array(nl + next.locationAddress.length + 1);
  locationLineStart.set(base.locationLineStart.subarray(0, nl));
  for (let l = 0; l <= next.locationAddress.length; l++) locationLineStart[nl + l] = next.locationLineStart[l]! + nLines;

  const ns = base.sampleCount;
  // Without stacks (when the caller merges the sides' tries instead), the merged profile's
  // stacks are left empty: its session rebuilds them from the trie when they are needed.
  const stackStart = new Int32Array(ns + next.sampleCount + 1);
  const baseFrames = withStacks ? base.stackStart[ns]! : 0;
  if (withStacks) {
    stackStart.set(base.stackStart.subarray(0, ns));
    for (let i = 0; i <= next.sampleCount; i++) stackStart[ns + i] = next.stackStart[i]! + baseFrames;
  }

  const values = pairs.map(([bi, ni]) => {
    const v = new Float64Array(ns + next.sampleCount);
    const b = base.values[bi]!;
    for (let i = 0; i < ns; i++) v[i] = -b[i]!;
    v.set(next.values[ni]!, ns);
    return v;
  });

  const labelKeys = [...new Set([...base.labels.map((l) => l.key), ...next.labels.map((l) => l.key)])];
  const labels = labelKeys.map((key) => {
    const b = base.labels.find((l) => l.key === key)?.values ?? new Array<string>(ns).fill('');
    const n = next.labels.find((l) => l.key === key)?.values ?? new Array<string>(next.sampleCount).fill('');
    return { key, values: [...b, ...n] };
  });

  const nextDefault = pairs.findIndex(([, ni]) => ni === next.defaultSampleIndex);
  const labelTags = mergeLabelTags(base, next);
  const data: ProfileData = {
    sampleTypes: pairs.map(([, ni]) => next.sampleTypes[ni]!),
    defaultSampleIndex: nextDefault >= 0 ? nextDefault : pairs.length - 1,
    periodType: next.periodType,
    period: next.period,
    timeNanos: next.timeNanos,
    durationNanos: next.durationNanos,
    comments: next.comments,
    dropFrames: next.dropFrames,
    keepFrames: next.keepFrames,
    functionName: [...base.functionName, ...next.functionName],
    functionSystemName: [...base.functionSystemName, ...next.functionSystemName],
    functionFile: [...base.functionFile, ...next.functionFile],
    functionStartLine: cat(base.functionStartLine, next.functionStartLine, (n) => new Int32Array(n)),
    mappingFile: [...base.mappingFile, ...next.mappingFile],
    mappingBuildId: [...base.mappingBuildId, ...next.mappingBuildId],
    locationAddress: cat(base.locationAddress, next.locationAddress, (n) => new Float64Array(n)),
    locationMapping: cat(base.locationMapping, shift(next.locationMapping, nm), (n) => new Int32Array(n)),
    locationLineStart,
    lineFunction: cat(base.lineFunction, shift(next.lineFunction, nf), (n) => new Int32Array(n)),
    lineNumber: cat(base.lineNumber, next.lineNumber, (n) => new Float64Array(n)),
    lineColumn: cat(base.lineColumn, next.lineColumn, (n) => new Float64Array(n)),
    sampleCount: ns + next.sampleCount,
    stackStart,
    stackLocations: withStacks
      ? cat(base.stackLocations.subarray(0, baseFrames), shift(next.stackLocations, nl), (n) => new Int32Array(n))
      : new Int32Array(0),
    values,
    labels,
    labelTags,
    sampleLabels: mergeLabelTables(
      base.sampleLabels,
      base.sampleOrigin,
      ns,
      next.sampleLabels,
      next.sampleOrigin,
      next.sampleCount,
    ),
  };
  return {
    data,
    baseLocationCount: nl,
    baseSampleCount: ns,
    baseTotals: pairs.map(([bi]) => sum(base.values[bi])),
    nextTotals: pairs.map(([, ni]) => sum(next.values[ni])),
    typePairs: pairs,
  };
}

/**
 * The trie of a diff from the two sides' own tries: stacks never mix sides (their locations are
 * disjoint), so the merged trie is the baseline's nodes followed by the comparison's, under one
 * root, with the baseline's values negated. O(trie nodes) instead of rebuilding from every frame.
 */
export function mergeDiffTries(b: StackTrie, n: StackTrie, typePairs: [number, number][], baseLocationCount: number): StackTrie {
  const off = b.size - 1; // comparison node j (≥ 1) becomes j + off
  const size = b.size + n.size - 1;
  const parent = new Int32Array(size);
  const location = new Int32Array(size);
  const depth = new Int32Array(size);
  parent.set(b.parent);
  location.set(b.location);
  depth.set(b.depth);
  for (let j = 1; j < n.size; j++) {
    const p = n.parent[j]!;
    parent[j + off] = p === 0 ? 0 : p + off;
    location[j + off] = n.location[j]! + baseLocationCount;
    depth[j + off] = n.depth[j]!;
  }
  const self: Float64Array[] = [];
  const selfAbs: (Float64Array | undefined)[] = [];
  for (const [bt, nt] of typePairs) {
    const s = new Float64Array(size);
    const a = new Float64Array(size);
    const bs = b.self[bt]!;
    const ba = b.selfAbs[bt] ?? bs;
    for (let i = 1; i < b.size; i++) {
      s[i] = -bs[i]!;
      a[i] = Math.abs(ba[i]!);
    }
    const nsf = n.self[nt]!;
    const na = n.selfAbs[nt] ?? nsf;
    for (let j = 1; j < n.size; j++) {
      s[j + off] = nsf[j]!;
      a[j + off] = Math.abs(na[j]!);
    }
    s[0] = -bs[0]! + nsf[0]!;
    a[0] = Math.abs(ba[0]!) + Math.abs(na[0]!);
    self.push(s);
    selfAbs.push(a);
  }
  let sampleLeaf: Int32Array | undefined;
  if (b.sampleLeaf && n.sampleLeaf) {
    sampleLeaf = new Int32Array(b.sampleLeaf.length + n.sampleLeaf.length);
    sampleLeaf.set(b.sampleLeaf);
    for (let j = 0; j < n.sampleLeaf.length; j++) {
      const l = n.sampleLeaf[j]!;
      sampleLeaf[b.sampleLeaf.length + j] = l === 0 ? 0 : l + off;
    }
  }
  return { size, parent, location, depth, self, selfAbs, sampleLeaf };
}

/** Both sides' label sets (for the graph's nodelets), sets with the same labels shared. */
function mergeLabelTags(
  base: ProfileData & { sampleOrigin?: Int32Array },
  next: ProfileData & { sampleOrigin?: Int32Array },
): ProfileData['labelTags'] {
  const a = base.labelTags;
  const b = next.labelTags;
  if (!a && !b) return undefined;
  const nb = base.sampleCount;
  const nn = next.sampleCount;
  const sets: string[][] = [...(a?.labelSets ?? [])];
  const index = new Map(sets.map((s, i) => [s.join('\n'), i]));
  const remap = (b?.labelSets ?? []).map((s) => {
    const key = s.join('\n');
    let i = index.get(key);
    if (i === undefined) {
      i = sets.length;
      sets.push(s);
      index.set(key, i);
    }
    return i;
  });
  // A filtered side keeps its unfiltered label tags: its sample i is their sample sampleOrigin[i].
  const ia = (i: number) => (base.sampleOrigin ? base.sampleOrigin[i]! : i);
  const ib = (i: number) => (next.sampleOrigin ? next.sampleOrigin[i]! : i);
  const labelSet = new Int32Array(nb + nn).fill(-1);
  if (a) for (let i = 0; i < nb; i++) labelSet[i] = a.labelSet[ia(i)]!;
  if (b) for (let i = 0; i < nn; i++) labelSet[nb + i] = b.labelSet[ib(i)]! < 0 ? -1 : remap[b.labelSet[ib(i)]!]!;
  const numStart = new Int32Array(nb + nn + 1);
  const nums: number[] = [];
  for (let i = 0; i < nb; i++) {
    numStart[i] = nums.length;
    if (a) for (let k = a.numStart[ia(i)]!; k < a.numStart[ia(i) + 1]!; k++) nums.push(a.numValues[k]!);
  }
  for (let i = 0; i < nn; i++) {
    numStart[nb + i] = nums.length;
    if (b) for (let k = b.numStart[ib(i)]!; k < b.numStart[ib(i) + 1]!; k++) nums.push(b.numValues[k]!);
  }
  numStart[nb + nn] = nums.length;
  return {
    labelSet,
    labelSets: sets,
    numStart,
    numValues: Float64Array.from(nums),
    numUnit: (next.labelTags ?? base.labelTags)!.numUnit,
  };
}

/**
 * Each side's own self values on the merged trie (both positive): a trie node belongs to the
 * baseline if its location does (stacks never mix sides).
 */
export function sideSelf(trie: StackTrie, baseLocationCount: number, sampleIndex: number) {
  const self = trie.self[sampleIndex]!;
  const base = new Float64Array(trie.size);
  const next = new Float64Array(trie.size);
  for (let i = 1; i < trie.size; i++) {
    if (trie.location[i]! < baseLocationCount) base[i] = -self[i]!;
    else next[i] = self[i]!;
  }
  return { base, next };
}
