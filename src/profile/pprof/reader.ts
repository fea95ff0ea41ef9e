// A streaming reader of pprof's protobuf straight into ProfileData's typed arrays: the hot path
// for large profiles, which pprof-format decodes into one object per sample, location and line
// (and whose garbage dominates decoding time). It reads only the wire format of profile.proto and
// is tested against pprof-format on every fixture (reader.test.ts): `toProfileData(
// loadProfile(bytes))` and `readProfileData(bytes)` must agree exactly. It applies pprof's rules
// (src/common/pprof-rules.ts) as it reads, with the indices it builds anyway.
import { type LoadOptions, type ProfileBytes, rawProfileBytes } from '../../common/pprof-bytes';
import {
  checkId,
  checkSampleTypes,
  checkStringTable,
  checkValueCount,
  duplicateId,
  missingId,
  notPprof,
  stringAt,
} from '../../common/pprof-rules';
import { GrowableFloat64, GrowableInt32 } from '../model/growable';
import type { ProfileData, ProfileDataOptions } from '../model/profile-data';
import { SampleLabels } from './sample-labels';
import { simplifyFunctionName } from './simplify-names';
import { Reader, countLocationIds, readRepeated, readValueType } from './wire';

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

/** Below this size, the samples' frames are not counted before they are read (see readProfileData). */
const SMALL_PROFILE_BYTES = 16 << 20;

/** Bytes of a pprof file (gzipped or not) → ProfileData, without per-sample objects. */
export function readProfileData(bytes: ProfileBytes, opts: LoadOptions & ProfileDataOptions = {}): ProfileData {
  const buf = rawProfileBytes(bytes, opts);
  opts.onProgress?.({ phase: 'decoding' });
  // Options are read once, before the hot loops, so that their optimised code never meets an
  // options object of another shape.
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

  // The hot loops call no closures: each call of readProfileData makes new ones, and optimised
  // code that met one closure deoptimises on the next.
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
  // profile skips the count (a pass that costs more than it saves there): its array starts small
  // and grows, bounded by the file's size, as each frame takes a byte at least.
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
    sampleLabels: labels.table(),
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
