/**
 * A pprof profile flattened into typed arrays with dense indices, the form every later step
 * reads. Locations' lines are leaf-first (index 0 is the innermost, inlined frame), as in pprof.
 */
export interface ProfileData {
  sampleTypes: { type: string; unit: string }[];
  /** Index into sampleTypes that pprof shows by default. */
  defaultSampleIndex: number;
  periodType?: { type: string; unit: string };
  period: number;
  timeNanos: number;
  durationNanos: number;
  comments: string[];
  dropFrames: string;
  keepFrames: string;

  functionName: string[];
  functionSystemName: string[];
  functionFile: string[];
  functionStartLine: Int32Array;

  mappingFile: string[];
  mappingBuildId: string[];

  /** Per location: address, mapping index (-1 for none), and its lines in [lineStart[i], lineStart[i+1]). */
  locationAddress: Float64Array;
  locationMapping: Int32Array;
  locationLineStart: Int32Array;
  /** Per line: function index (-1 when the line names no function), line and column numbers. */
  lineFunction: Int32Array;
  lineNumber: Float64Array;
  lineColumn: Float64Array;

  sampleCount: number;
  /** Sample i's locations, leaf first, are stackLocations[stackStart[i] .. stackStart[i+1]). */
  stackStart: Int32Array;
  stackLocations: Int32Array;
  /**
   * Only from readProfileData with `stacks: 'distinct'` (for buildStackTrie): stackStart then
   * lists each distinct stack once, and sample i's stack is number sampleStack[i].
   */
  sampleStack?: Int32Array;
  /** values[t][i] = value of sample type t for sample i. */
  values: Float64Array[];
  /** Sample labels, kept as strings for tag filters and label views: key → per-sample value ('' if absent). */
  labels: { key: string; values: string[] }[];
  /**
   * What pprof's graph shows of sample labels (nodelets): each sample's set of string labels
   * (sorted "key:value") and its numeric `bytes` label values. Absent when no sample has either.
   */
  labelTags?: LabelTags;
  /**
   * Every sample label as pprof's Sample.Label, NumLabel and NumUnit hold them, for the tag
   * options (tagfocus, tagroot, …) and the -tags report. Absent when no sample has a label.
   */
  sampleLabels?: SampleLabelTable;
}

/**
 * Sample labels as pprof keeps them: a label with a string is a string label, else one with a
 * number or a unit is numeric (a label with neither is dropped, as pprof drops it).
 */
export interface SampleLabelTable {
  /** Per sample: index into strSets, -1 without string labels. */
  strSet: Int32Array;
  /** Each distinct sequence of string labels, as parallel keys and values in the file's order. */
  strSets: { keys: string[]; values: string[] }[];
  /** Sample i's numeric labels are entries numStart[i] .. numStart[i+1]. */
  numStart: Int32Array;
  /** Per entry: index into numKeys, the value, index into numUnits of its declared unit. */
  numKey: Int32Array;
  numValue: Float64Array;
  numUnit: Int32Array;
  numKeys: string[];
  /** Declared units; numUnits[0] is '' (none declared). */
  numUnits: string[];
}

export interface LabelTags {
  /** Per sample: index into labelSets, -1 without string labels. */
  labelSet: Int32Array;
  labelSets: string[][];
  /** Numeric `bytes` values of sample i: numValues[numStart[i] .. numStart[i+1]). */
  numStart: Int32Array;
  numValues: Float64Array;
  /** pprof's NumLabelUnits for `bytes`: the first declared unit, else "bytes". */
  numUnit: string;
}

/**
 * The distinct string-label sets of a profile (LabelTags.labelSets): a set is its `key:value`
 * parts, sorted, and samples with the same parts get the same index.
 */
export class LabelSets {
  readonly sets: string[][] = [];
  private byName = new Map<string, number>();

  /** The index of the set of these parts (sorted in place; copied when the set is new). */
  indexOf(parts: string[]): number {
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const name = parts.join('\n');
    let idx = this.byName.get(name);
    if (idx === undefined) {
      idx = this.sets.length;
      this.byName.set(name, idx);
      this.sets.push([...parts]);
    }
    return idx;
  }
}

export interface ProfileDataOptions {
  /** pprof's default simplification of C++/Rust-looking names (on unless 'full'). */
  names?: 'simplified' | 'full';
  /**
   * 'distinct' keeps each distinct stack once (see ProfileData.sampleStack): a large profile
   * repeats stacks with other labels, and its per-sample stacks are most of its memory.
   */
  stacks?: 'per-sample' | 'distinct';
  /**
   * Count the samples' frames before reading them, to allocate their array once at its size
   * (the default for files of 16 MiB and more; see readProfileData).
   */
  countFrames?: boolean;
}
