// pprof's tagroot and tagleaf (driver/tagroot.go addLabelNodes): label values become pseudo
// frames at the root or the leaf of every stack, so that every view groups by them.
import type { ProfileData } from '../model/profile-data';
import { type SampleLabelsAt, labelReader } from '../model/label-table';
import { scaledLabel } from '../reports/format';

/** The keys of a tagroot/tagleaf value: comma-separated, empty ones dropped. */
export function tagKeys(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((k) => k !== '');
}

/**
 * A sample's values of a label key as pprof prints them in a pseudo frame: its string values,
 * then its numeric values in their declared unit scaled for people (no unit: the bare number).
 */
export function labelValuesOf(data: ProfileData, l: SampleLabelsAt, key: string): string[] {
  const out: string[] = [];
  for (let j = 0; j < l.keys.length; j++) if (l.keys[j] === key) out.push(l.values[j]!);
  const t = data.sampleLabels;
  if (t) {
    for (let q = l.numFrom; q < l.numTo; q++) {
      if (t.numKeys[t.numKey[q]!] !== key) continue;
      out.push(scaledLabel(t.numValue[q]!, t.numUnits[t.numUnit[q]!]!, 'minimum'));
    }
  }
  return out;
}

export interface TagFramesResult {
  data: ProfileData;
  warnings: string[];
}

/**
 * Adds a pseudo frame per key to every sample's stack: for the keys of `tagRoot` above its root
 * (the first key outermost), for those of `tagLeaf` below its leaf (the last key innermost).
 * pprof warns when no sample has any of an option's keys (or it has none: ","). A frame is a function
 * named by the sample's values of the key joined by "," (empty when it has none) whose file is
 * the key, so that the name filters match it by value or by key, as pprof's do.
 * `extra` is a label every sample has besides its own (a diff's baseline: pprof::base=true).
 */
export function addTagFrames(
  data: ProfileData & { sampleOrigin?: Int32Array },
  tagRoot: string | undefined,
  tagLeaf: string | undefined,
  extra?: [string, string],
): TagFramesResult {
  const rootKeys = tagKeys(tagRoot);
  const leafKeys = tagKeys(tagLeaf);
  const warn = (root: boolean, leaf: boolean) => [
    ...(tagRoot && !root ? ['TagRoot expression matched no samples'] : []),
    ...(tagLeaf && !leaf ? ['TagLeaf expression matched no samples'] : []),
  ];
  if (rootKeys.length === 0 && leafKeys.length === 0) return { data, warnings: warn(false, false) };
  const read = labelReader(data);
  const labelsOf = (i: number): SampleLabelsAt => {
    const l = read(i);
    return extra ? { ...l, keys: [...l.keys, extra[0]], values: [...l.values, extra[1]] } : l;
  };
  const functionName = [...data.functionName];
  const functionSystemName = [...data.functionSystemName];
  const functionFile = [...data.functionFile];
  const startLines: number[] = [...data.functionStartLine];
  const nLoc0 = data.locationAddress.length;
  const nLines0 = data.lineFunction.length;
  // New locations: one line each, of a new function (interned by value and key).
  const newLocFunction: number[] = [];
  const interned = new Map<string, number>();
  const locOf = (name: string, key: string): number => {
    const id = `${name}\0${key}`;
    let loc = interned.get(id);
    if (loc === undefined) {
      const f = functionName.length;
      functionName.push(name);
      functionSystemName.push('');
      functionFile.push(key);
      startLines.push(0);
      loc = nLoc0 + newLocFunction.length;
      newLocFunction.push(f);
      interned.set(id, loc);
    }
    return loc;
  };

  const n = data.sampleCount;
  const perSample = rootKeys.length + leafKeys.length;
  const stackStart = new Int32Array(n + 1);
  const stackLocations = new Int32Array(data.stackStart[n]! + n * perSample);
  let rootMatched = false;
  let leafMatched = false;
  let fi = 0;
  // Keys in reverse, so that in a leaf-first stack the first root key ends outermost and the
  // last leaf key innermost.
  const pseudo = (l: SampleLabelsAt, keys: string[]) => {
    let matched = false;
    for (let i = keys.length - 1; i >= 0; i--) {
      const values = labelValuesOf(data, l, keys[i]!);
      if (values.length > 0) matched = true;
      stackLocations[fi++] = locOf(values.join(','), keys[i]!);
    }
    return matched;
  };
  for (let s = 0; s < n; s++) {
    stackStart[s] = fi;
    const l = labelsOf(s);
    if (pseudo(l, leafKeys)) leafMatched = true;
    for (let k = data.stackStart[s]!; k < data.stackStart[s + 1]!; k++) stackLocations[fi++] = data.stackLocations[k]!;
    if (pseudo(l, rootKeys)) rootMatched = true;
  }
  stackStart[n] = fi;

  const nNew = newLocFunction.length;
  const locationAddress = new Float64Array(nLoc0 + nNew);
  locationAddress.set(data.locationAddress);
  const locationMapping = new Int32Array(nLoc0 + nNew).fill(-1);
  locationMapping.set(data.locationMapping);
  const locationLineStart = new Int32Array(nLoc0 + nNew + 1);
  locationLineStart.set(data.locationLineStart.subarray(0, nLoc0 + 1));
  for (let j = 0; j < nNew; j++) locationLineStart[nLoc0 + j + 1] = nLines0 + j + 1;
  const lineFunction = new Int32Array(nLines0 + nNew);
  lineFunction.set(data.lineFunction);
  lineFunction.set(newLocFunction, nLines0);
  const lineNumber = new Float64Array(nLines0 + nNew);
  lineNumber.set(data.lineNumber);
  const lineColumn = new Float64Array(nLines0 + nNew);
  lineColumn.set(data.lineColumn);

  const warnings = warn(rootMatched, leafMatched);
  return {
    data: {
      ...data,
      functionName,
      functionSystemName,
      functionFile,
      functionStartLine: Int32Array.from(startLines),
      locationAddress,
      locationMapping,
      locationLineStart,
      lineFunction,
      lineNumber,
      lineColumn,
      stackStart,
      stackLocations,
      sampleStack: undefined,
    },
    warnings,
  };
}
