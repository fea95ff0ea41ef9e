// What the streaming reader keeps of each sample's labels: per key, each sample's value, and the
// label tags of pprof's graph (string label sets and `bytes` numbers, see LabelTags).
import { stringAt } from '../../common/pprof-rules';
import { GrowableFloat64, GrowableInt32 } from '../model/growable';
import { type LabelTags, LabelSets, type SampleLabelTable } from '../model/profile-data';

/** Label sequences remembered at most (see SampleLabels): beyond, samples take the full path. */
const MAX_SEEN_LABEL_NODES = 1 << 16;

/**
 * Sample labels as they are read: per key, each sample's value ('' if absent); and the label
 * tags of pprof's graph (string labels as a label set, `bytes` numbers).
 */
export class SampleLabels {
  readonly labels: { key: string; values: string[] }[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly labelSet: Int32Array;
  private readonly numStart: Int32Array;
  private readonly nums = new GrowableFloat64(16);
  private readonly labelSets = new LabelSets();
  private numUnit = '';
  private anyTag = false;
  // Every label as pprof keeps it (SampleLabelTable): string label sequences and numeric entries.
  // The per-sample arrays are made at the first label, so that a profile without any costs nothing.
  private strSet?: Int32Array;
  private readonly strSets: { keys: string[]; values: string[] }[] = [];
  private readonly strSetIndex = new Map<string, number>();
  private allNumStart?: Int32Array;
  private readonly allNumKey = new GrowableInt32(16);
  private readonly allNumValue = new GrowableFloat64(16);
  private readonly allNumUnit = new GrowableInt32(16);
  private readonly numKeys: string[] = [];
  private readonly numKeyIndex = new Map<string, number>();
  private readonly numUnits: string[] = [''];
  private readonly numUnitIndex = new Map<string, number>([['', 0]]);
  private anyLabel = false;
  // The current sample's labels as read (string table indices and numbers).
  private readonly labKey: number[] = [];
  private readonly labStr: number[] = [];
  private readonly labNum: number[] = [];
  private readonly labUnit: number[] = [];
  private nLab = 0;
  private readonly parts: string[] = [];
  // Samples mostly repeat a few label sets: string labels are looked up by their string table
  // indices, in the order read, and what fullRead made of them the first time is applied again
  // (no strings built, sorted or hashed per sample). Numeric labels take fullRead every time.
  private readonly seenLabels: LabelsTrie = {};
  private seenNodes = 0;
  private readonly fastLabels: boolean;

  constructor(
    private readonly strings: string[],
    private readonly nSamples: number,
  ) {
    this.labelSet = new Int32Array(nSamples).fill(-1);
    this.numStart = new Int32Array(nSamples + 1);
    this.fastLabels = strings.length < 2 ** 26; // key * nStrings + value stays an exact number
  }

  startSample(i: number): void {
    this.numStart[i] = this.nums.length;
    if (this.allNumStart) this.allNumStart[i] = this.allNumValue.length;
    this.nLab = 0;
  }

  add(key: number, str: number, num: number, unit: number): void {
    const j = this.nLab++;
    this.labKey[j] = key;
    this.labStr[j] = str;
    this.labNum[j] = num;
    this.labUnit[j] = unit;
  }

  /** Sample i's labels, once all its fields are read. */
  endSample(i: number): void {
    if (this.nLab === 0) return;
    const nStrings = this.strings.length;
    let node = this.seenLabels;
    for (let j = 0; j < this.nLab; j++) {
      const s = this.labStr[j]!;
      const k = this.labKey[j]!;
      if (
        !this.fastLabels ||
        s <= 0 ||
        s >= nStrings ||
        k < 0 ||
        k >= nStrings ||
        this.labNum[j] !== 0 ||
        this.labUnit[j] !== 0
      ) {
        this.fullRead(i);
        return;
      }
      const code = k * nStrings + s;
      const children = (node.next ??= new Map());
      let child = children.get(code);
      if (!child) {
        if (this.seenNodes >= MAX_SEEN_LABEL_NODES) {
          this.fullRead(i); // a label of many values (a span id): caching it would only cost memory
          return;
        }
        this.seenNodes++;
        children.set(code, (child = {}));
      }
      node = child;
    }
    let seen = node.seen;
    if (!seen) {
      seen = node.seen = { keys: [], values: [], set: -1, strSet: -1 };
      this.fullRead(i, seen);
    } else {
      for (let t = 0; t < seen.keys.length; t++) this.labels[seen.keys[t]!]!.values[i] = seen.values[t]!;
      this.labelSet[i] = seen.set;
      if (seen.strSet >= 0) this.strSet![i] = seen.strSet;
    }
  }

  /** Sample i's labels: per-key values, the label set (for the graph's tags), numeric tags. */
  private fullRead(i: number, seen?: LabelsSeen): void {
    const { strings, parts } = this;
    parts.length = 0;
    const strKeys: string[] = [];
    const strValues: string[] = [];
    for (let j = 0; j < this.nLab; j++) {
      const s = this.labStr[j]!;
      const num = this.labNum[j]!;
      const unit = this.labUnit[j]!;
      const k = stringAt(strings, this.labKey[j]!, 'a label key');
      const v = stringAt(strings, s, 'a label value');
      const u = stringAt(strings, unit, 'a label unit');
      let li = this.labelIndex.get(k);
      if (li === undefined) {
        li = this.labels.length;
        this.labelIndex.set(k, li);
        this.labels.push({ key: k, values: new Array<string>(this.nSamples).fill('') });
      }
      const value = s !== 0 ? v : `${num}${u}`;
      this.labels[li]!.values[i] = value;
      seen?.keys.push(li);
      seen?.values.push(value);
      if (s !== 0) {
        strKeys.push(k);
        strValues.push(v);
      } else if (num !== 0 || unit !== 0) this.addNumeric(k, num, u);
      if (s !== 0) parts.push(`${k}:${v}`);
      else if (k === 'bytes' && (num !== 0 || unit !== 0)) {
        this.nums.push(num);
        if (!this.numUnit && unit !== 0) this.numUnit = u;
        this.anyTag = true;
      }
    }
    if (parts.length > 0) {
      this.anyTag = true;
      this.labelSet[i] = this.labelSets.indexOf(parts);
    }
    const strSet = strKeys.length > 0 ? this.strSetOf(strKeys, strValues) : -1;
    if (strSet >= 0) (this.strSet ??= new Int32Array(this.nSamples).fill(-1))[i] = strSet;
    if (seen) {
      seen.set = this.labelSet[i]!;
      seen.strSet = strSet;
    }
    this.nLab = 0;
  }

  /** The index of a sequence of string labels in strSets (added when new). */
  private strSetOf(keys: string[], values: string[]): number {
    let name = '';
    for (let j = 0; j < keys.length; j++) name += `${keys[j]}\0${values[j]}\0`;
    let idx = this.strSetIndex.get(name);
    if (idx === undefined) {
      idx = this.strSets.length;
      this.strSetIndex.set(name, idx);
      this.strSets.push({ keys, values });
    }
    this.anyLabel = true;
    return idx;
  }

  private addNumeric(key: string, num: number, unit: string): void {
    // Samples before the first numeric label have none: their starts are 0.
    this.allNumStart ??= new Int32Array(this.nSamples + 1);
    let k = this.numKeyIndex.get(key);
    if (k === undefined) {
      k = this.numKeys.length;
      this.numKeyIndex.set(key, k);
      this.numKeys.push(key);
    }
    let u = this.numUnitIndex.get(unit);
    if (u === undefined) {
      u = this.numUnits.length;
      this.numUnitIndex.set(unit, u);
      this.numUnits.push(unit);
    }
    this.allNumKey.push(k);
    this.allNumValue.push(num);
    this.allNumUnit.push(u);
    this.anyLabel = true;
  }

  /** Every sample label (SampleLabelTable), once every sample is read; undefined when there are none. */
  table(): SampleLabelTable | undefined {
    if (!this.anyLabel) return undefined;
    const numStart = this.allNumStart ?? new Int32Array(this.nSamples + 1);
    numStart[this.nSamples] = this.allNumValue.length;
    return {
      strSet: this.strSet ?? new Int32Array(this.nSamples).fill(-1),
      strSets: this.strSets,
      numStart,
      numKey: this.allNumKey.data.slice(0, this.allNumKey.length),
      numValue: this.allNumValue.data.slice(0, this.allNumValue.length),
      numUnit: this.allNumUnit.data.slice(0, this.allNumUnit.length),
      numKeys: this.numKeys,
      numUnits: this.numUnits,
    };
  }

  /** The label tags, once every sample is read (undefined when there are none). */
  tags(): LabelTags | undefined {
    this.numStart[this.nSamples] = this.nums.length;
    if (!this.anyTag) return undefined;
    const { labelSet, numStart, nums } = this;
    return {
      labelSet,
      labelSets: this.labelSets.sets,
      numStart,
      numValues: nums.data.slice(0, nums.length),
      numUnit: this.numUnit || 'bytes',
    };
  }
}

/** What a sample's string labels came to, to apply to later samples with the same. */
interface LabelsSeen {
  /** Index in `labels` and value of each label, in the order read. */
  keys: number[];
  values: string[];
  /** The label set (LabelTags.labelSet), -1 for none. */
  set: number;
  /** The string label sequence (SampleLabelTable.strSet), -1 for none. */
  strSet: number;
}

/** Label sequences seen so far, one level per label (key and value string indices). */
interface LabelsTrie {
  next?: Map<number, LabelsTrie>;
  seen?: LabelsSeen;
}
