import { ProfileError } from '../../common/profile-error';
import { type LabelTags, LabelSets, type ProfileData } from './profile-data';

/** One value of the label the profiles are grouped by, and its merged profile. */
export interface GroupPart {
  value: string;
  data: ProfileData;
}

/**
 * Several profiles as one, each under a root frame of its own: Explore's flame graph grouped by a
 * series label, built from one merged profile per value (so it works against any Pyroscope). The
 * root frame is named as pprof's `-tagroot` names a label frame: a function whose name is the
 * value and whose file is the label's key (the value '' = series without the label). Tables,
 * trees and the call graph then group by it too. Locations, functions and mappings are
 * concatenated, never shared, as a diff's sides are (diff.ts); frames of the same function still
 * merge, as nodes are keyed by names.
 */
export function groupUnderRoots(key: string, parts: GroupPart[]): ProfileData {
  const first = parts[0]?.data;
  if (!first) throw new ProfileError('empty', `No profiles to group by ${key}.`);
  const types = first.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(',');
  for (const p of parts)
    if (p.data.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(',') !== types)
      throw new ProfileError('incomparable', `The profile of ${key}=${JSON.stringify(p.value)} has other sample types.`);

  const n = {
    functions: 0,
    mappings: 0,
    locations: 0,
    lines: 0,
    samples: 0,
    stacks: 0,
    frames: 0,
  };
  for (const { data: d } of parts) {
    n.functions += d.functionName.length + 1;
    n.mappings += d.mappingFile.length;
    n.locations += d.locationAddress.length + 1;
    n.lines += d.lineFunction.length + 1;
    n.samples += d.sampleCount;
    const stacks = stackCount(d);
    n.stacks += stacks;
    n.frames += d.stackStart[stacks]! + stacks; // one root frame more per stack
  }

  const functionName: string[] = [];
  const functionSystemName: string[] = [];
  const functionFile: string[] = [];
  const functionStartLine = new Int32Array(n.functions);
  const mappingFile: string[] = [];
  const mappingBuildId: string[] = [];
  const locationAddress = new Float64Array(n.locations);
  const locationMapping = new Int32Array(n.locations);
  const locationLineStart = new Int32Array(n.locations + 1);
  const lineFunction = new Int32Array(n.lines);
  const lineNumber = new Float64Array(n.lines);
  const lineColumn = new Float64Array(n.lines);
  const stackStart = new Int32Array(n.stacks + 1);
  const stackLocations = new Int32Array(n.frames);
  const sampleStack = new Int32Array(n.samples);
  const values = first.sampleTypes.map(() => new Float64Array(n.samples));
  const labelKeys = [...new Set(parts.flatMap((p) => p.data.labels.map((l) => l.key)))];
  const labels = labelKeys.map((k) => ({ key: k, values: new Array<string>(n.samples).fill('') }));

  const at = { functions: 0, mappings: 0, locations: 0, lines: 0, samples: 0, stacks: 0, frames: 0 };
  for (const { value, data: d } of parts) {
    const fOff = at.functions;
    const mOff = at.mappings;
    const lOff = at.locations;
    const lineOff = at.lines;
    functionName.push(...d.functionName, value);
    functionSystemName.push(...d.functionSystemName, '');
    functionFile.push(...d.functionFile, key);
    functionStartLine.set(d.functionStartLine, fOff);
    mappingFile.push(...d.mappingFile);
    mappingBuildId.push(...d.mappingBuildId);
    const nl = d.locationAddress.length;
    locationAddress.set(d.locationAddress, lOff);
    for (let l = 0; l < nl; l++) {
      const m = d.locationMapping[l]!;
      locationMapping[lOff + l] = m < 0 ? m : m + mOff;
      locationLineStart[lOff + l] = d.locationLineStart[l]! + lineOff;
    }
    const nLines = d.lineFunction.length;
    for (let i = 0; i < nLines; i++) {
      const f = d.lineFunction[i]!;
      lineFunction[lineOff + i] = f < 0 ? f : f + fOff;
    }
    lineNumber.set(d.lineNumber, lineOff);
    lineColumn.set(d.lineColumn, lineOff);
    // The root frame: a location without mapping or address, one line of the value's function.
    const root = lOff + nl;
    locationMapping[root] = -1;
    locationLineStart[root] = lineOff + nLines;
    lineFunction[lineOff + nLines] = fOff + d.functionName.length;

    const stacks = stackCount(d);
    for (let s = 0; s < stacks; s++) {
      stackStart[at.stacks + s] = at.frames;
      for (let k = d.stackStart[s]!; k < d.stackStart[s + 1]!; k++) stackLocations[at.frames++] = d.stackLocations[k]! + lOff;
      stackLocations[at.frames++] = root; // stacks are leaf first: the root frame goes last
    }
    for (let i = 0; i < d.sampleCount; i++) sampleStack[at.samples + i] = at.stacks + (d.sampleStack ? d.sampleStack[i]! : i);
    d.values.forEach((v, t) => values[t]!.set(v.subarray(0, d.sampleCount), at.samples));
    for (const l of d.labels) {
      const out = labels[labelKeys.indexOf(l.key)]!.values;
      for (let i = 0; i < d.sampleCount; i++) out[at.samples + i] = l.values[i] ?? '';
    }
    at.functions += d.functionName.length + 1;
    at.mappings += d.mappingFile.length;
    at.locations += nl + 1;
    at.lines += nLines + 1;
    at.samples += d.sampleCount;
    at.stacks += stacks;
  }
  locationLineStart[n.locations] = n.lines;
  stackStart[n.stacks] = at.frames;

  return {
    sampleTypes: first.sampleTypes,
    defaultSampleIndex: first.defaultSampleIndex,
    periodType: first.periodType,
    period: first.period,
    timeNanos: Math.min(...parts.map((p) => p.data.timeNanos)),
    durationNanos: Math.max(...parts.map((p) => p.data.durationNanos)),
    comments: [],
    dropFrames: parts.every((p) => p.data.dropFrames === first.dropFrames) ? first.dropFrames : '',
    keepFrames: parts.every((p) => p.data.keepFrames === first.keepFrames) ? first.keepFrames : '',
    functionName,
    functionSystemName,
    functionFile,
    functionStartLine,
    mappingFile,
    mappingBuildId,
    locationAddress,
    locationMapping,
    locationLineStart,
    lineFunction,
    lineNumber,
    lineColumn,
    sampleCount: n.samples,
    stackStart,
    stackLocations,
    sampleStack,
    values,
    labels,
    labelTags: mergeLabelTags(parts.map((p) => p.data)),
  };
}

/** Stacks listed in stackStart: each distinct one once (see ProfileData.sampleStack), else one per sample. */
function stackCount(d: ProfileData): number {
  return d.sampleStack ? d.stackStart.length - 1 : d.sampleCount;
}

/** The parts' label tags, one after the other; sets with the same labels shared. */
function mergeLabelTags(parts: ProfileData[]): LabelTags | undefined {
  if (!parts.some((p) => p.labelTags)) return undefined;
  const total = parts.reduce((a, p) => a + p.sampleCount, 0);
  const sets = new LabelSets();
  const labelSet = new Int32Array(total).fill(-1);
  const numStart = new Int32Array(total + 1);
  const nums: number[] = [];
  let at = 0;
  for (const p of parts) {
    const t = p.labelTags;
    const remap = t ? t.labelSets.map((s) => sets.indexOf([...s])) : [];
    for (let i = 0; i < p.sampleCount; i++, at++) {
      numStart[at] = nums.length;
      if (!t) continue;
      const s = t.labelSet[i]!;
      labelSet[at] = s < 0 ? -1 : remap[s]!;
      for (let k = t.numStart[i]!; k < t.numStart[i + 1]!; k++) nums.push(t.numValues[k]!);
    }
  }
  numStart[total] = nums.length;
  return {
    labelSet,
    labelSets: sets.sets,
    numStart,
    numValues: Float64Array.from(nums),
    numUnit: parts.find((p) => p.labelTags)!.labelTags!.numUnit,
  };
}
