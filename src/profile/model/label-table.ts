// Sample labels as pprof keeps them (SampleLabelTable): the units of numeric keys, and the
// tables of filtered and diffed profiles.
import type { ProfileData, SampleLabelTable } from './profile-data';

/**
 * pprof's NumLabelUnits: per numeric key, the first unit declared for it in sample order; a key
 * with none gets "bytes" for `alignment` and `request`, else its own name. Computed on the whole
 * profile, before any filter, as pprof does; a diff's two sides are one profile (baseline first).
 */
export function numLabelUnits(...tables: (SampleLabelTable | undefined)[]): Map<string, string> {
  const units = new Map<string, string>();
  const keys = new Set<string>();
  for (const table of tables) {
    if (!table) continue;
    const { numKey, numUnit, numKeys, numUnits } = table;
    for (const k of numKeys) keys.add(k);
    for (let q = 0; q < numKey.length; q++) {
      const key = numKeys[numKey[q]!]!;
      const unit = numUnits[numUnit[q]!]!;
      if (unit !== '' && !units.has(key)) units.set(key, unit);
    }
  }
  for (const key of keys) {
    if (!units.has(key)) units.set(key, key === 'alignment' || key === 'request' ? 'bytes' : key);
  }
  return units;
}

/** An empty table for n samples (no labels), to merge with one that has some. */
function emptyTable(n: number): SampleLabelTable {
  return {
    strSet: new Int32Array(n).fill(-1),
    strSets: [],
    numStart: new Int32Array(n + 1),
    numKey: new Int32Array(0),
    numValue: new Float64Array(0),
    numUnit: new Int32Array(0),
    numKeys: [],
    numUnits: [''],
  };
}

/**
 * The labels of two sample lists one after the other (a diff's baseline, then its comparison).
 * A side's sample i has the labels of its table's sample origin[i] (filtered data keeps the
 * unfiltered table); nA and nB are the sides' sample counts.
 */
export function mergeLabelTables(
  a: SampleLabelTable | undefined,
  originA: Int32Array | undefined,
  nA: number,
  b: SampleLabelTable | undefined,
  originB: Int32Array | undefined,
  nB: number,
): SampleLabelTable | undefined {
  if (!a && !b) return undefined;
  const out = emptyTable(nA + nB);
  const setIndex = new Map<string, number>();
  const keyIndex = new Map<string, number>();
  const unitIndex = new Map<string, number>([['', 0]]);
  const numKey: number[] = [];
  const numValue: number[] = [];
  const numUnit: number[] = [];
  const intern = (m: Map<string, number>, list: string[], v: string) => {
    let i = m.get(v);
    if (i === undefined) {
      i = list.length;
      m.set(v, i);
      list.push(v);
    }
    return i;
  };
  const addSide = (t: SampleLabelTable | undefined, origin: Int32Array | undefined, n: number, offset: number) => {
    const setMap = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      out.numStart[offset + i] = numValue.length;
      if (!t) continue;
      const o = origin ? origin[i]! : i;
      const ss = t.strSet[o]!;
      if (ss >= 0) {
        let m = setMap.get(ss);
        if (m === undefined) {
          const set = t.strSets[ss]!;
          const name = JSON.stringify([set.keys, set.values]);
          m = setIndex.get(name);
          if (m === undefined) {
            m = out.strSets.length;
            setIndex.set(name, m);
            out.strSets.push(set);
          }
          setMap.set(ss, m);
        }
        out.strSet[offset + i] = m;
      }
      for (let q = t.numStart[o]!; q < t.numStart[o + 1]!; q++) {
        numKey.push(intern(keyIndex, out.numKeys, t.numKeys[t.numKey[q]!]!));
        numValue.push(t.numValue[q]!);
        numUnit.push(intern(unitIndex, out.numUnits, t.numUnits[t.numUnit[q]!]!));
      }
    }
  };
  addSide(a, originA, nA, 0);
  addSide(b, originB, nB, nA);
  out.numStart[nA + nB] = numValue.length;
  out.numKey = Int32Array.from(numKey);
  out.numValue = Float64Array.from(numValue);
  out.numUnit = Int32Array.from(numUnit);
  return out;
}

/** One sample's labels: string labels in the file's order, numeric entries [numFrom, numTo). */
export interface SampleLabelsAt {
  keys: readonly string[];
  values: readonly string[];
  numFrom: number;
  numTo: number;
}

const NONE: SampleLabelsAt = { keys: [], values: [], numFrom: 0, numTo: 0 };

/** Reads sample i's labels from data (through sampleOrigin when data was filtered). */
export function labelReader(data: ProfileData & { sampleOrigin?: Int32Array }): (i: number) => SampleLabelsAt {
  const t = data.sampleLabels;
  if (!t) return () => NONE;
  const origin = data.sampleOrigin;
  return (i) => {
    const o = origin ? origin[i]! : i;
    const ss = t.strSet[o]!;
    const set = ss >= 0 ? t.strSets[ss]! : undefined;
    return { keys: set?.keys ?? [], values: set?.values ?? [], numFrom: t.numStart[o]!, numTo: t.numStart[o + 1]! };
  };
}
