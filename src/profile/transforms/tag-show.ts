// pprof's tagshow and taghide (profile/filter.go FilterTagsByName): which label keys the graph's
// label boxes and the -tags report still show. Samples stay; only their labels go.
import { LabelSets, type LabelTags, type ProfileData, type SampleLabelTable } from '../model/profile-data';
import { labelReader } from '../model/label-table';

export interface TagShowResult {
  data: ProfileData;
  warnings: string[];
}

/**
 * Removes the labels whose key does not match `show` (when given) or matches `hide`, from the
 * label tables and the graph's label tags. pprof warns when no label of the samples left matched
 * show (or hide).
 */
export function applyTagShow(
  data: ProfileData & { sampleOrigin?: Int32Array },
  show: RegExp | undefined,
  hide: RegExp | undefined,
): TagShowResult {
  if (!show && !hide) return { data, warnings: [] };
  let showMatched = false;
  let hideMatched = false;
  const removed = new Map<string, boolean>();
  const remove = (key: string): boolean => {
    let r = removed.get(key);
    if (r === undefined) {
      const s = !show || show.test(key);
      const h = !!hide && hide.test(key);
      r = !s || h;
      removed.set(key, r);
    }
    return r;
  };
  // Warnings: the keys of the samples that are left (pprof looks at nothing else).
  const t = data.sampleLabels;
  const read = labelReader(data);
  for (let i = 0; i < data.sampleCount; i++) {
    const l = read(i);
    const keys = [...l.keys];
    if (t) for (let q = l.numFrom; q < l.numTo; q++) keys.push(t.numKeys[t.numKey[q]!]!);
    for (const k of keys) {
      if (!show || show.test(k)) showMatched = true;
      if (hide && hide.test(k)) hideMatched = true;
    }
  }
  const warnings: string[] = [];
  if (show && !showMatched) warnings.push('TagShow expression matched no samples');
  if (hide && !hideMatched) warnings.push('TagHide expression matched no samples');
  if (!t) return { data, warnings };
  const sampleLabels = withoutKeys(t, remove);
  return { data: { ...data, sampleLabels, labelTags: graphTags(data.labelTags, t, sampleLabels, remove) }, warnings };
}

/** The table without the labels of removed keys (same samples, same order). */
function withoutKeys(t: SampleLabelTable, remove: (key: string) => boolean): SampleLabelTable {
  const strSets = t.strSets.map((set) => {
    const keys: string[] = [];
    const values: string[] = [];
    set.keys.forEach((k, j) => {
      if (remove(k)) return;
      keys.push(k);
      values.push(set.values[j]!);
    });
    return { keys, values };
  });
  // Sets left empty mean no string labels; sets left equal stay apart (no one compares them).
  const strSet = t.strSet.map((s) => (s >= 0 && strSets[s]!.keys.length > 0 ? s : -1));
  const n = t.strSet.length;
  const numStart = new Int32Array(n + 1);
  const numKey: number[] = [];
  const numValue: number[] = [];
  const numUnit: number[] = [];
  const removedKey = t.numKeys.map(remove);
  for (let i = 0; i < n; i++) {
    numStart[i] = numValue.length;
    for (let q = t.numStart[i]!; q < t.numStart[i + 1]!; q++) {
      if (removedKey[t.numKey[q]!]) continue;
      numKey.push(t.numKey[q]!);
      numValue.push(t.numValue[q]!);
      numUnit.push(t.numUnit[q]!);
    }
  }
  numStart[n] = numValue.length;
  return {
    ...t,
    strSet,
    strSets,
    numStart,
    numKey: Int32Array.from(numKey),
    numValue: Float64Array.from(numValue),
    numUnit: Int32Array.from(numUnit),
  };
}

/**
 * The graph's label tags from the labels left: each sample's string label set again (sets that
 * become equal are one set, as the graph keys its tags by them), and the `bytes` numbers unless
 * that key is removed.
 */
function graphTags(
  tags: LabelTags | undefined,
  before: SampleLabelTable,
  after: SampleLabelTable,
  remove: (key: string) => boolean,
): LabelTags | undefined {
  if (!tags) return undefined;
  const sets = new LabelSets();
  const setOf = after.strSets.map((s) => (s.keys.length === 0 ? -1 : sets.indexOf(s.keys.map((k, j) => `${k}:${s.values[j]}`))));
  const labelSet = before.strSet.map((s) => (s >= 0 ? setOf[s]! : -1));
  const keepBytes = !remove('bytes');
  const numStart = keepBytes ? tags.numStart : new Int32Array(tags.numStart.length);
  const numValues = keepBytes ? tags.numValues : new Float64Array(0);
  if (sets.sets.length === 0 && numValues.length === 0) return undefined;
  return { ...tags, labelSet, labelSets: sets.sets, numStart, numValues };
}
