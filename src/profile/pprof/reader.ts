// A streaming reader of pprof's protobuf straight into ProfileData's typed arrays: the hot path
// for large profiles, which pprof-format decodes into one object per sample, location and line
// (and whose garbage dominates decoding time). It reads only the wire format of profile.proto and
// is tested against pprof-format on every fixture (reader.test.ts): `toProfileData(
// loadProfile(bytes))` and `readProfileData(bytes)` must agree exactly. It applies pprof's rules
// (src/common/pprof-rules.ts) as it reads, with the indices it builds anyway.
import { GrowableFloat64, GrowableInt32 } from '../model/growable';
import { type LoadOptions, type ProfileBytes, rawProfileBytes } from '../../common/pprof-bytes';
import {
  checkId,
  checkSampleTypes,
  checkStringIndex,
  checkStringTable,
  checkValueCount,
  duplicateId,
  missingId,
  notPprof,
} from '../../common/pprof-rules';
import { type LabelTags, LabelSets, type ProfileData, type ProfileDataOptions } from '../model/profile-data';
import { simplifyFunctionName } from './simplify-names';

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** An unsigned varint below 2^32 (tags, lengths, ids that fit). */
  uint32(): number {
    const b = this.buf;
    let x = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw notPprof('protobuf decoding failed: a varint runs past its message');
      const c = b[this.pos++]!;
      if (shift < 28) x |= (c & 0x7f) << shift;
      else x += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) return x;
      shift += 7;
      if (shift > 63) throw notPprof('protobuf decoding failed: a varint is longer than 10 bytes');
    }
  }

  /** A varint as an int64 value (two's complement for negatives), exact below 2^53. */
  int64(): number {
    return this.varint(true);
  }

  /** A varint as a uint64 value (ids, addresses), exact below 2^53. */
  uint64(): number {
    return this.varint(false);
  }

  private varint(signed: boolean): number {
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw notPprof('protobuf decoding failed: a varint runs past its message');
      const c = b[this.pos++]!;
      const bits = c & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (c < 0x80) break;
      shift += 7;
      if (shift > 63) throw notPprof('protobuf decoding failed: a varint is longer than 10 bytes');
    }
    lo >>>= 0;
    return (signed ? hi : hi >>> 0) * 2 ** 32 + lo;
  }

  /** Skips a field of the given wire type. */
  skip(wire: number): void {
    if (wire === 0) this.int64();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const len = this.uint32(); // read before adding: `pos += uint32()` would lose the length's bytes
      this.pos += len;
    }
    else if (wire === 5) this.pos += 4;
    else throw notPprof(`protobuf decoding failed: unsupported wire type ${wire}`);
    if (this.pos > this.end) throw notPprof('protobuf decoding failed: a field runs past its message');
  }

  /**
   * Reads a length-delimited field's length and returns where the field ends; pos is left at its
   * start. (span() without the array: hot loops read millions of fields.)
   */
  lengthEnd(): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > this.end) throw notPprof('protobuf decoding failed: a field runs past its message');
    return end;
  }

  /** The [start, end) of a length-delimited field. */
  span(): [number, number] {
    const len = this.uint32();
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.end) throw notPprof('protobuf decoding failed: a field runs past its message');
    return [start, this.pos];
  }
}

/** Appends a repeated integer field to `out`, packed (wire type 2) or not (wire type 0). */
function readRepeated(r: Reader, wire: number, out: GrowableFloat64): void {
  if (wire === 2) {
    const e = r.lengthEnd();
    const sub = new Reader(r.buf, r.pos, e);
    r.pos = e;
    while (sub.pos < e) out.push(sub.int64());
  } else if (wire === 0) out.push(r.int64());
  else r.skip(wire);
}

/** A ValueType message's [type, unit] string indices. */
function readValueType(buf: Uint8Array, s: number, e: number): [number, number] {
  const r = new Reader(buf, s, e);
  let type = 0;
  let unit = 0;
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) type = r.int64();
    else if (tag === 0x10) unit = r.int64();
    else r.skip(tag & 7);
  }
  return [type, unit];
}

/** String i of the table, which must have it. */
function stringAt(strings: string[], i: number, what: string): string {
  checkStringIndex(i, strings.length, what);
  return strings[i]!;
}

/** Maps ids to dense indices: an array when ids are small (the usual 1..n), a Map otherwise. */
class IdIndex {
  // Both fields always set (one empty), so that every IdIndex has the same shape for the engine.
  private readonly dense: Int32Array;
  private readonly map = new Map<number, number>();
  dup: number | undefined = undefined;
  constructor(ids: Float64Array) {
    let max = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
    const dense = max <= ids.length * 4 + 1024;
    this.dense = new Int32Array(dense ? max + 1 : 0).fill(-1);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (dense) {
        if (this.dense[id] !== -1) this.dup = id;
        this.dense[id] = i;
      } else {
        if (this.map.has(id)) this.dup = id;
        this.map.set(id, i);
      }
    }
  }
  get(id: number): number {
    if (this.dense.length > 0) return id < this.dense.length ? this.dense[id]! : -1;
    return this.map.get(id) ?? -1;
  }
}

const utf8 = new TextDecoder();

/** Label sequences remembered at most (see readLabels): beyond, samples take the full path. */
const MAX_SEEN_LABEL_NODES = 1 << 16;

/** Below this size, the samples' frames are not counted before they are read (see readProfileData). */
const SMALL_PROFILE_BYTES = 16 << 20;

/** How many location ids a Sample message holds (packed: one per byte below 0x80). */
function countLocationIds(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  let p = start;
  const varint = () => {
    let x = 0;
    let mul = 1;
    for (;;) {
      if (p >= end) throw notPprof('protobuf decoding failed: a varint runs past its message');
      const c = buf[p++]!;
      x += (c & 0x7f) * mul;
      if (c < 0x80) return x;
      mul *= 128;
    }
  };
  while (p < end) {
    const tag = varint();
    const wire = tag % 8;
    if (wire === 2) {
      const len = varint();
      if (tag === 0x0a) for (let k = p; k < p + len && k < end; k++) if (buf[k]! < 0x80) n++;
      p += len;
    } else if (wire === 0) {
      varint();
      if (tag === 0x08) n++;
    } else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else throw notPprof(`protobuf decoding failed: unsupported wire type ${wire}`);
  }
  return n;
}

/** Bytes of a pprof file (gzipped or not) → ProfileData, without per-sample objects. */
export function readProfileData(bytes: ProfileBytes, opts: LoadOptions & ProfileDataOptions = {}): ProfileData {
  const buf = rawProfileBytes(bytes, opts);
  opts.onProgress?.({ phase: 'decoding' });
  // The options are read here, before the loops, and not between them: optimised code for a
  // loop also runs the code after it, and an options object of another shape than the warm-up's
  // there would send the rest of the reading back to the interpreter.
  const distinct = opts.stacks === 'distinct';
  const countFrames = opts.countFrames;
  const fullNames = opts.names === 'full';
  const top = new Reader(buf, 0, buf.length);

  const strings: string[] = [];
  const sampleTypeIdx: [number, number][] = [];
  const sampleSpans: number[] = [];
  const locationSpans: number[] = [];
  const mappings: { id: number; file: number; buildId: number }[] = [];
  const functions: { id: number; name: number; system: number; file: number; start: number }[] = [];
  let dropFrames = 0;
  let keepFrames = 0;
  let timeNanos = 0;
  let durationNanos = 0;
  let periodType: [number, number] | undefined;
  let period = 0;
  const comments: number[] = [];
  let defaultSampleType = 0;

  // The hot loops below call no closures (only the checks after the loops do):
  // the engine's optimised code for a call of a closure expects the very closure it saw, and each
  // call of readProfileData makes new ones, so the first file after the worker's warm-up would
  // drop back to the interpreter (V8's --trace-deopt: "wrong call target").
  while (top.pos < top.end) {
    const tag = top.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === 2 && field >= 1 && field <= 6) {
      const e = top.lengthEnd();
      const s = top.pos;
      top.pos = e;
      switch (field) {
        case 1:
          sampleTypeIdx.push(readValueType(buf, s, e));
          break;
        case 2:
          sampleSpans.push(s, e);
          break;
        case 3: {
          const r = new Reader(buf, s, e);
          const m = { id: 0, file: 0, buildId: 0 };
          while (r.pos < e) {
            const t = r.uint32();
            if (t === 0x08) m.id = r.uint64();
            else if (t === 0x28) m.file = r.int64();
            else if (t === 0x30) m.buildId = r.int64();
            else r.skip(t & 7);
          }
          mappings.push(m);
          break;
        }
        case 4:
          locationSpans.push(s, e);
          break;
        case 5: {
          const r = new Reader(buf, s, e);
          const f = { id: 0, name: 0, system: 0, file: 0, start: 0 };
          while (r.pos < e) {
            const t = r.uint32();
            if (t === 0x08) f.id = r.uint64();
            else if (t === 0x10) f.name = r.int64();
            else if (t === 0x18) f.system = r.int64();
            else if (t === 0x20) f.file = r.int64();
            else if (t === 0x28) f.start = r.int64();
            else r.skip(t & 7);
          }
          functions.push(f);
          break;
        }
        case 6:
          strings.push(utf8.decode(buf.subarray(s, e)));
          break;
      }
    } else if (wire === 0) {
      const v = top.int64();
      if (field === 7) dropFrames = v;
      else if (field === 8) keepFrames = v;
      else if (field === 9) timeNanos = v;
      else if (field === 10) durationNanos = v;
      else if (field === 12) period = v;
      else if (field === 13) comments.push(v);
      else if (field === 14) defaultSampleType = v;
    } else if (wire === 2 && field === 11) {
      const [s, e] = top.span();
      periodType = readValueType(buf, s, e);
    } else if (wire === 2 && field === 13) {
      const packed = new GrowableFloat64(16);
      readRepeated(top, wire, packed);
      for (let k = 0; k < packed.length; k++) comments.push(packed.data[k]!);
    } else top.skip(wire);
  }

  // pprof's rules (src/common/pprof-rules.ts), in validateProfile's order.
  checkStringTable(strings);
  const str = (i: number, what: string): string => stringAt(strings, i, what);
  const nTypes = sampleTypeIdx.length;
  const nSamples = sampleSpans.length / 2;
  checkSampleTypes(nTypes, nSamples);
  const sampleTypes = sampleTypeIdx.map(([t, u]) => ({ type: str(t, 'a sample type'), unit: str(u, 'a sample unit') }));
  const period2 = periodType && { type: str(periodType[0], 'the period type'), unit: str(periodType[1], 'the period unit') };
  const def = str(defaultSampleType, 'the default sample type');

  for (const m of mappings) checkId('mapping', m.id);
  const mapIndex = new IdIndex(Float64Array.from(mappings, (m) => m.id));
  if (mapIndex.dup !== undefined) throw duplicateId('mapping', mapIndex.dup);
  const mappingFile = mappings.map((m) => str(m.file, 'a mapping file name'));
  const mappingBuildId = mappings.map((m) => str(m.buildId, 'a mapping build ID'));
  for (const f of functions) checkId('function', f.id);
  const fnIndex = new IdIndex(Float64Array.from(functions, (f) => f.id));
  if (fnIndex.dup !== undefined) throw duplicateId('function', fnIndex.dup);
  const names = functions.map((f) => str(f.name, 'a function name'));
  const systemNames = functions.map((f) => str(f.system, 'a function system name'));
  const files = functions.map((f) => str(f.file, 'a function file name'));

  // Locations, with their lines leaf-first as in the protobuf.
  const nLoc = locationSpans.length / 2;
  const locIds = new Float64Array(nLoc);
  const locationAddress = new Float64Array(nLoc);
  const locationMapping = new Int32Array(nLoc);
  const locationLineStart = new Int32Array(nLoc + 1);
  const lineFunction: number[] = [];
  const lineNumber: number[] = [];
  const lineColumn: number[] = [];
  for (let l = 0; l < nLoc; l++) {
    const e = locationSpans[2 * l + 1]!;
    const r = new Reader(buf, locationSpans[2 * l]!, e);
    let id = 0;
    let mid = 0;
    locationLineStart[l] = lineFunction.length;
    while (r.pos < e) {
      const t = r.uint32();
      if (t === 0x08) id = r.uint64();
      else if (t === 0x10) mid = r.uint64();
      else if (t === 0x18) locationAddress[l] = r.uint64();
      else if (t === 0x22) {
        const le = r.lengthEnd();
        const ls = r.pos;
        r.pos = le;
        const lr = new Reader(buf, ls, le);
        let fid = 0;
        let line = 0;
        let col = 0;
        while (lr.pos < le) {
          const lt = lr.uint32();
          if (lt === 0x08) fid = lr.uint64();
          else if (lt === 0x10) line = lr.int64();
          else if (lt === 0x18) col = lr.int64();
          else lr.skip(lt & 7);
        }
        lineFunction.push(fid);
        lineNumber.push(line);
        lineColumn.push(col);
      } else r.skip(t & 7);
    }
    checkId('location', id);
    locIds[l] = id;
    if (mid !== 0) {
      const m = mapIndex.get(mid);
      if (m < 0) throw missingId(`location ${id}`, 'mapping', mid);
      locationMapping[l] = m;
    } else locationMapping[l] = -1;
    for (let li = locationLineStart[l]!; li < lineFunction.length; li++) {
      const fid = lineFunction[li]!;
      if (fid === 0) lineFunction[li] = -1;
      else {
        const f = fnIndex.get(fid);
        if (f < 0) throw missingId(`location ${id}`, 'function', fid);
        lineFunction[li] = f;
      }
    }
  }
  locationLineStart[nLoc] = lineFunction.length;
  const locIndex = new IdIndex(locIds);
  if (locIndex.dup !== undefined) throw duplicateId('location', locIndex.dup);

  // Samples: location ids to dense indices, values per type, labels.
  const stackStart = new Int32Array(distinct ? 0 : nSamples + 1);
  // Count the frames first (a varint ends at each byte below 0x80), so that the largest array of
  // a profile is allocated once at its exact size: doubling and trimming it would hold two or
  // three copies at the peak. Distinct stacks are fewer: start at a quarter and grow. A small
  // profile skips the count (its arrays are small; the first file is often small, and the count
  // is one more pass of code the engine has not optimised yet): each frame takes a byte at least.
  // Its array starts small enough that the worker's warm-up profile makes it grow, so that the
  // growing is optimised code too when a real file needs it.
  let totalFrames = 0;
  const small = !(countFrames ?? buf.length >= SMALL_PROFILE_BYTES);
  if (small) totalFrames = buf.length;
  else for (let i = 0; i < nSamples; i++) totalFrames += countLocationIds(buf, sampleSpans[2 * i]!, sampleSpans[2 * i + 1]!);
  const frames = new GrowableInt32(
    small ? Math.min(totalFrames, 1 << 14) : distinct ? Math.min(totalFrames, Math.max(1 << 16, totalFrames >>> 2)) : totalFrames,
    totalFrames,
  );
  const stacks = distinct ? new DistinctStacks(nSamples) : undefined;
  const values = sampleTypes.map(() => new Float64Array(nSamples));
  const valueTmp = new GrowableFloat64(16);
  const unpackedIds = new GrowableFloat64(16);
  const labels = new SampleLabels(strings, nSamples);
  for (let i = 0; i < nSamples; i++) {
    const e = sampleSpans[2 * i + 1]!;
    const r = new Reader(buf, sampleSpans[2 * i]!, e);
    const firstFrame = frames.length;
    if (!distinct) stackStart[i] = firstFrame;
    labels.startSample(i);
    valueTmp.length = 0;
    while (r.pos < e) {
      const t = r.uint32();
      const field = t >>> 3;
      const wire = t & 7;
      if (field === 1 && wire === 2) {
        // Packed location ids, the bulk of a profile: a varint of up to four bytes (an id below
        // 2^28) is read here, a longer one by a Reader.
        const pe = r.lengthEnd();
        let p = r.pos;
        while (p < pe) {
          const v0 = p;
          let c = buf[p++]!;
          let id = c & 0x7f;
          if (c >= 0x80) {
            c = buf[p++]!;
            id |= (c & 0x7f) << 7;
            if (c >= 0x80) {
              c = buf[p++]!;
              id |= (c & 0x7f) << 14;
              if (c >= 0x80) {
                c = buf[p++]!;
                id |= (c & 0x7f) << 21;
                if (c >= 0x80) {
                  const long = new Reader(buf, v0, pe);
                  id = long.int64();
                  p = long.pos;
                }
              }
            }
          }
          if (p > pe) throw notPprof('protobuf decoding failed: a varint runs past its message');
          frames.push(locationOf(locIndex, id, i));
        }
        r.pos = pe;
      } else if (field === 1) {
        // Unpacked ids (old encoders): rare.
        unpackedIds.length = 0;
        readRepeated(r, wire, unpackedIds);
        for (let k = 0; k < unpackedIds.length; k++) frames.push(locationOf(locIndex, unpackedIds.data[k]!, i));
      } else if (field === 2) readRepeated(r, wire, valueTmp);
      else if (field === 3 && wire === 2) {
        const le = r.lengthEnd();
        const ls = r.pos;
        r.pos = le;
        const lr = new Reader(buf, ls, le);
        let key = 0;
        let s = 0;
        let num = 0;
        let unit = 0;
        while (lr.pos < le) {
          const lt = lr.uint32();
          if (lt === 0x08) key = lr.int64();
          else if (lt === 0x10) s = lr.int64();
          else if (lt === 0x18) num = lr.int64();
          else if (lt === 0x20) unit = lr.int64();
          else lr.skip(lt & 7);
        }
        labels.add(key, s, num, unit);
      } else r.skip(wire);
    }
    checkValueCount(i, valueTmp.length, nTypes);
    for (let t = 0; t < nTypes; t++) values[t]![i] = valueTmp.data[t]!;
    if (stacks && stacks.add(i, frames.data, firstFrame, frames.length)) frames.length = firstFrame; // seen before
    labels.endSample(i);
  }
  const nFrames = frames.length;
  if (!distinct) stackStart[nSamples] = nFrames;
  for (const c of comments) str(c, 'a comment');

  let defaultSampleIndex = sampleTypes.length - 1;
  if (def !== '') {
    const i = sampleTypes.findIndex((t) => t.type === def);
    if (i >= 0) defaultSampleIndex = i;
  }

  return {
    sampleTypes,
    defaultSampleIndex,
    periodType: period2,
    period,
    timeNanos,
    durationNanos,
    comments: comments.map((c) => strings[c]!),
    dropFrames: strings[dropFrames] ?? '',
    keepFrames: strings[keepFrames] ?? '',
    functionName: names.map((n, i) => (fullNames ? n : simplifyFunctionName(n, systemNames[i]!))),
    functionSystemName: systemNames,
    functionFile: files,
    functionStartLine: Int32Array.from(functions, (f) => f.start),
    mappingFile,
    mappingBuildId,
    locationAddress,
    locationMapping,
    locationLineStart,
    lineFunction: Int32Array.from(lineFunction),
    lineNumber: Float64Array.from(lineNumber),
    lineColumn: Float64Array.from(lineColumn),
    sampleCount: nSamples,
    stackStart: stacks ? stacks.starts(nFrames) : stackStart,
    stackLocations: frames.fitted(),
    sampleStack: stacks?.sampleStack,
    values,
    labels: labels.labels,
    labelTags: labels.tags(),
  };
}

/** The dense index of location id `rawId` (a uint64 read as int64), as sample `sample` refers to it. */
function locationOf(locIndex: IdIndex, rawId: number, sample: number): number {
  const id = rawId < 0 ? rawId + 2 ** 64 : rawId;
  const l = locIndex.get(id);
  if (l < 0) throw missingId(`sample ${sample}`, 'location', id);
  return l;
}

/**
 * Sample labels as they are read: per key, each sample's value ('' if absent); and the label
 * tags of pprof's graph (string labels as a label set, `bytes` numbers).
 */
class SampleLabels {
  readonly labels: { key: string; values: string[] }[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly labelSet: Int32Array;
  private readonly numStart: Int32Array;
  private readonly nums = new GrowableFloat64(16);
  private readonly labelSets = new LabelSets();
  private numUnit = '';
  private anyTag = false;
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
      if (!this.fastLabels || s <= 0 || s >= nStrings || k < 0 || k >= nStrings || this.labNum[j] !== 0 || this.labUnit[j] !== 0) {
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
      seen = node.seen = { keys: [], values: [], set: -1 };
      this.fullRead(i, seen);
    } else {
      for (let t = 0; t < seen.keys.length; t++) this.labels[seen.keys[t]!]!.values[i] = seen.values[t]!;
      this.labelSet[i] = seen.set;
    }
  }

  /** Sample i's labels: per-key values, the label set (for the graph's tags), numeric tags. */
  private fullRead(i: number, seen?: LabelsSeen): void {
    const { strings, parts } = this;
    parts.length = 0;
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
    if (seen) seen.set = this.labelSet[i]!;
    this.nLab = 0;
  }

  /** The label tags, once every sample is read (undefined when there are none). */
  tags(): LabelTags | undefined {
    this.numStart[this.nSamples] = this.nums.length;
    if (!this.anyTag) return undefined;
    const { labelSet, numStart, nums } = this;
    return { labelSet, labelSets: this.labelSets.sets, numStart, numValues: nums.data.slice(0, nums.length), numUnit: this.numUnit || 'bytes' };
  }
}

/** What a sample's string labels came to (see readLabels), to apply to later samples with the same. */
interface LabelsSeen {
  /** Index in `labels` and value of each label, in the order read. */
  keys: number[];
  values: string[];
  /** The label set (LabelTags.labelSet), -1 for none. */
  set: number;
}

/** Label sequences seen so far, one level per label (key and value string indices). */
interface LabelsTrie {
  next?: Map<number, LabelsTrie>;
  seen?: LabelsSeen;
}

/**
 * Each distinct stack once, as the samples are read: a sample whose frames (just appended to
 * `frames`) equal an earlier stack's is given that stack, and its frames are dropped again.
 */
class DistinctStacks {
  readonly sampleStack: Int32Array;
  private start = new GrowableInt32(1024);
  private hash = new GrowableInt32(1024);
  private table = new Int32Array(1 << 10); // stack + 1, 0 = empty
  private mask = (1 << 10) - 1;

  constructor(nSamples: number) {
    this.sampleStack = new Int32Array(nSamples);
  }

  /** Records sample i's stack, frames[a..b); true when it was seen before (drop the frames). */
  add(i: number, frames: Int32Array, a: number, b: number): boolean {
    let h = 0x811c9dc5 ^ (b - a);
    for (let k = a; k < b; k++) h = Math.imul(h ^ frames[k]!, 0x01000193);
    h ^= h >>> 15;
    const count = this.start.length;
    const starts = this.start.data;
    let slot = h & this.mask;
    for (;;) {
      const v = this.table[slot]!;
      if (v === 0) break;
      const s = v - 1;
      if (this.hash.data[s] === h) {
        const sa = starts[s]!;
        const sb = s + 1 < count ? starts[s + 1]! : a; // the last stack ends where this one begins
        let same = sb - sa === b - a;
        for (let k = 0; same && k < b - a; k++) same = frames[sa + k] === frames[a + k];
        if (same) {
          this.sampleStack[i] = s;
          return true;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    this.table[slot] = count + 1;
    this.start.push(a);
    this.hash.push(h);
    this.sampleStack[i] = count;
    if ((count + 1) * 2 > this.mask) this.grow();
    return false;
  }

  /** stackStart of the distinct stacks, given where the last one ends. */
  starts(end: number): Int32Array {
    const out = new Int32Array(this.start.length + 1);
    out.set(this.start.data.subarray(0, this.start.length));
    out[this.start.length] = end;
    return out;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    this.table = new Int32Array(cap);
    this.mask = cap - 1;
    for (let s = 0; s < this.start.length; s++) {
      let slot = this.hash.data[s]! & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = s + 1;
    }
  }
}
