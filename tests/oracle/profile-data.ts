// The tests' reference for the streaming reader: a pprof-format Profile (see load.ts) flattened
// into ProfileData object by object. readProfileData must give exactly the same arrays.
import type { Profile } from 'pprof-format';
import {
  type LabelTags,
  LabelSets,
  type ProfileData,
  type ProfileDataOptions,
  type SampleLabelTable,
} from '../../src/profile/model/profile-data';
import { simplifyFunctionName } from '../../src/profile/pprof/simplify-names';

function readLabelTags(p: Profile, str: (i: number | bigint) => string): LabelTags | undefined {
  const n = p.sample.length;
  const labelSet = new Int32Array(n).fill(-1);
  const numStart = new Int32Array(n + 1);
  const nums: number[] = [];
  const sets = new LabelSets();
  let numUnit = '';
  let any = false;
  for (let i = 0; i < n; i++) {
    numStart[i] = nums.length;
    const labels = p.sample[i]!.label;
    if (labels.length === 0) continue;
    const parts: string[] = [];
    for (const l of labels) {
      if (Number(l.str) !== 0) parts.push(`${str(l.key)}:${str(l.str)}`);
      else if (str(l.key) === 'bytes' && (Number(l.num) !== 0 || Number(l.numUnit) !== 0)) {
        nums.push(int64(l.num));
        if (!numUnit && Number(l.numUnit) !== 0) numUnit = str(l.numUnit);
        any = true;
      }
    }
    if (parts.length === 0) continue;
    any = true;
    labelSet[i] = sets.indexOf(parts);
  }
  numStart[n] = nums.length;
  return any
    ? { labelSet, labelSets: sets.sets, numStart, numValues: Float64Array.from(nums), numUnit: numUnit || 'bytes' }
    : undefined;
}

/** Every label as pprof's profile package decodes it (string if it has a string, else numeric if it has a number or a unit). */
function readSampleLabels(p: Profile, str: (i: number | bigint) => string): SampleLabelTable | undefined {
  const n = p.sample.length;
  const strSet = new Int32Array(n).fill(-1);
  const strSets: { keys: string[]; values: string[] }[] = [];
  const setIndex = new Map<string, number>();
  const numStart = new Int32Array(n + 1);
  const numKey: number[] = [];
  const numValue: number[] = [];
  const numUnit: number[] = [];
  const numKeys: string[] = [];
  const numUnits = [''];
  let any = false;
  for (let i = 0; i < n; i++) {
    numStart[i] = numValue.length;
    const keys: string[] = [];
    const values: string[] = [];
    for (const l of p.sample[i]!.label) {
      if (Number(l.str) !== 0) {
        keys.push(str(l.key));
        values.push(str(l.str));
      } else if (Number(l.num) !== 0 || Number(l.numUnit) !== 0) {
        const k = str(l.key);
        const u = str(l.numUnit);
        if (!numKeys.includes(k)) numKeys.push(k);
        if (!numUnits.includes(u)) numUnits.push(u);
        numKey.push(numKeys.indexOf(k));
        numValue.push(int64(l.num));
        numUnit.push(numUnits.indexOf(u));
        any = true;
      }
    }
    if (keys.length === 0) continue;
    any = true;
    const name = JSON.stringify([keys, values]);
    let idx = setIndex.get(name);
    if (idx === undefined) {
      idx = strSets.length;
      setIndex.set(name, idx);
      strSets.push({ keys, values });
    }
    strSet[i] = idx;
  }
  numStart[n] = numValue.length;
  if (!any) return undefined;
  return {
    strSet,
    strSets,
    numStart,
    numKey: Int32Array.from(numKey),
    numValue: Float64Array.from(numValue),
    numUnit: Int32Array.from(numUnit),
    numKeys,
    numUnits,
  };
}

/**
 * pprof-format decodes every varint as unsigned; sample values and numeric labels are int64, so
 * values past 2^63 are negative numbers written in two's complement.
 */
export function int64(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : v;
}

function denseIndex(ids: ArrayLike<number | bigint>): (id: number | bigint) => number {
  const map = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) map.set(Number(ids[i]), i);
  return (id) => map.get(Number(id)) ?? -1;
}

export function toProfileData(p: Profile, opts: ProfileDataOptions = {}): ProfileData {
  const s = p.stringTable.strings;
  const str = (i: number | bigint) => s[Number(i)] ?? '';
  const sampleTypes = p.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));

  // pprof's default: the profile's default_sample_type if it names one, else the last type.
  let defaultSampleIndex = sampleTypes.length - 1;
  const def = str(p.defaultSampleType);
  if (def !== '') {
    const i = sampleTypes.findIndex((t) => t.type === def);
    if (i >= 0) defaultSampleIndex = i;
  }

  const fnIndex = denseIndex(p.function.map((f) => f.id));
  const mapIndex = denseIndex(p.mapping.map((m) => m.id));
  const locIndex = denseIndex(p.location.map((l) => l.id));

  const nLoc = p.location.length;
  let nLines = 0;
  for (const l of p.location) nLines += l.line.length;
  const locationAddress = new Float64Array(nLoc);
  const locationMapping = new Int32Array(nLoc);
  const locationLineStart = new Int32Array(nLoc + 1);
  const lineFunction = new Int32Array(nLines);
  const lineNumber = new Float64Array(nLines);
  const lineColumn = new Float64Array(nLines);
  let li = 0;
  for (let i = 0; i < nLoc; i++) {
    const l = p.location[i]!;
    locationAddress[i] = Number(l.address);
    locationMapping[i] = Number(l.mappingId) === 0 ? -1 : mapIndex(l.mappingId);
    locationLineStart[i] = li;
    for (const line of l.line) {
      lineFunction[li] = Number(line.functionId) === 0 ? -1 : fnIndex(line.functionId);
      lineNumber[li] = Number(line.line);
      lineColumn[li] = Number(line.column);
      li++;
    }
  }
  locationLineStart[nLoc] = li;

  const nSamples = p.sample.length;
  let nFrames = 0;
  for (const smp of p.sample) nFrames += smp.locationId.length;
  const stackStart = new Int32Array(nSamples + 1);
  const stackLocations = new Int32Array(nFrames);
  const values = sampleTypes.map(() => new Float64Array(nSamples));
  const labelIndex = new Map<string, number>();
  const labels: { key: string; values: string[] }[] = [];
  let fi = 0;
  for (let i = 0; i < nSamples; i++) {
    const smp = p.sample[i]!;
    stackStart[i] = fi;
    for (const id of smp.locationId) stackLocations[fi++] = locIndex(id);
    for (let t = 0; t < values.length; t++) values[t]![i] = int64(smp.value[t]!);
    for (const lab of smp.label) {
      const key = str(lab.key);
      let k = labelIndex.get(key);
      if (k === undefined) {
        k = labels.length;
        labelIndex.set(key, k);
        labels.push({ key, values: new Array<string>(nSamples).fill('') });
      }
      const unit = str(lab.numUnit);
      labels[k]!.values[i] = Number(lab.str) !== 0 ? str(lab.str) : `${int64(lab.num)}${unit ? unit : ''}`;
    }
  }
  stackStart[nSamples] = fi;

  return {
    sampleTypes,
    defaultSampleIndex,
    periodType: p.periodType ? { type: str(p.periodType.type), unit: str(p.periodType.unit) } : undefined,
    period: Number(p.period),
    timeNanos: Number(p.timeNanos),
    durationNanos: Number(p.durationNanos),
    comments: p.comment.map(str),
    dropFrames: str(p.dropFrames),
    keepFrames: str(p.keepFrames),
    functionName: p.function.map((f) =>
      opts.names === 'full' ? str(f.name) : simplifyFunctionName(str(f.name), str(f.systemName)),
    ),
    functionSystemName: p.function.map((f) => str(f.systemName)),
    functionFile: p.function.map((f) => str(f.filename)),
    functionStartLine: Int32Array.from(p.function, (f) => Number(f.startLine)),
    mappingFile: p.mapping.map((m) => str(m.filename)),
    mappingBuildId: p.mapping.map((m) => str(m.buildId)),
    locationAddress,
    locationMapping,
    locationLineStart,
    lineFunction,
    lineNumber,
    lineColumn,
    sampleCount: nSamples,
    stackStart,
    stackLocations,
    values,
    labels,
    labelTags: readLabelTags(p, str),
    sampleLabels: readSampleLabels(p, str),
  };
}
