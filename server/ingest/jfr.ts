// JFR (Java Flight Recorder) recordings, as the Pyroscope Java agent uploads them (async-profiler's
// JFR writer), turned into a pprof CPU profile: each jdk.ExecutionSample event is one sample of
// `periodNs` on its stack. Runs in the decoding worker. The reader follows the chunk layout of
// JFR 2.0 (header, metadata event, constant pools linked by offset deltas, events sized by a
// leading length) and is defensive: every offset, count and size is checked against the chunk,
// so a hostile recording is a 400, not a loop or a crash. Other events (allocation, locks, wall
// clock) are not converted yet. A sample's `contextId` gives it the labels the agent's `labels`
// part (jfr-labels.ts) lists for that context, as pprof string labels.
import { Profile, Function as PFunction, Label, Line, Location, Sample, ValueType, StringTable } from 'pprof-format';
import { ClientError } from '../errors';
import { DEFAULT_LIMITS, overLimit, type Limits } from '../limits';

const MAGIC = [0x46, 0x4c, 0x52, 0x00]; // "FLR\0"
const HEADER_BYTES = 68;
/** Nesting of object fields within fields; the JDK's own types nest a handful of levels. */
const MAX_DEPTH = 32;

const bad = (why: string) => new ClientError(400, `malformed JFR: ${why}`);
const utf8 = new TextDecoder();

interface FieldDesc {
  name: string;
  type: number;
  constantPool: boolean;
  array: boolean;
}
interface ClassDesc {
  name: string;
  fields: FieldDesc[];
}
type Value = number | string | boolean | null | Value[] | { [field: string]: Value };

class Reader {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    start: number,
    readonly end: number,
    readonly compressed: boolean,
  ) {
    this.pos = start;
  }
  byte(): number {
    if (this.pos >= this.end) throw bad('a field runs past its chunk');
    return this.b[this.pos++]!;
  }
  private fixed(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.byte();
    return v;
  }
  /** A JFR integer of `bytes` bytes: LEB128 (at most 9 bytes, the 9th whole) when compressed. */
  int(bytes = 8): number {
    if (!this.compressed) {
      const v = this.fixed(bytes);
      // Two's complement for the signed fixed-size forms (only offsets and ids are used, all ≥ 0).
      return bytes < 8 && v >= 2 ** (bytes * 8 - 1) ? v - 2 ** (bytes * 8) : v;
    }
    let v = 0;
    for (let i = 0; i < 8; i++) {
      const c = this.byte();
      v += (c & 0x7f) * 2 ** (7 * i);
      if (c < 0x80) return v;
    }
    return v + this.byte() * 2 ** 56;
  }
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw bad('a field runs past its chunk');
    this.pos += n;
  }
  string(strings?: Map<number, Value>): string | null {
    const encoding = this.byte();
    switch (encoding) {
      case 0:
        return null;
      case 1:
        return '';
      case 2: {
        const s = strings?.get(this.int());
        return typeof s === 'string' ? s : null;
      }
      case 3:
      case 5: {
        const n = this.int(4);
        this.skip(n);
        const bytes = this.b.subarray(this.pos - n, this.pos);
        return encoding === 3 ? utf8.decode(bytes) : String.fromCharCode(...bytes.subarray(0, 65_536));
      }
      case 4: {
        const n = this.int(4);
        if (n < 0 || n > this.end - this.pos) throw bad('a string is longer than its chunk');
        let s = '';
        for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(2));
        return s;
      }
      default:
        throw bad(`unknown string encoding ${encoding}`);
    }
  }
}

interface Element {
  name: string;
  attrs: Map<string, string>;
  children: Element[];
}

function readElement(r: Reader, strings: string[], depth: number): Element {
  if (depth > MAX_DEPTH) throw bad('metadata nested too deeply');
  const str = (i: number) => {
    const s = strings[i];
    if (s === undefined) throw bad('metadata refers to a missing string');
    return s;
  };
  const name = str(r.int(4));
  const attrs = new Map<string, string>();
  const nAttrs = r.int(4);
  for (let i = 0; i < nAttrs; i++) attrs.set(str(r.int(4)), str(r.int(4)));
  const children: Element[] = [];
  const nChildren = r.int(4);
  for (let i = 0; i < nChildren; i++) children.push(readElement(r, strings, depth + 1));
  return { name, attrs, children };
}

function readMetadata(r: Reader): Map<number, ClassDesc> {
  r.int(4); // size
  if (r.int() !== 0) throw bad('the metadata offset does not point at the metadata event');
  r.int(); // start time
  r.int(); // duration
  r.int(); // metadata id
  const nStrings = r.int(4);
  if (nStrings < 0 || nStrings > r.end - r.pos) throw bad('too many metadata strings');
  const strings: string[] = [];
  for (let i = 0; i < nStrings; i++) strings.push(r.string() ?? '');
  const root = readElement(r, strings, 0);
  const classes = new Map<number, ClassDesc>();
  for (const meta of root.children.filter((e) => e.name === 'metadata')) {
    for (const c of meta.children.filter((e) => e.name === 'class')) {
      const fields = c.children
        .filter((e) => e.name === 'field')
        .map((f) => ({
          name: f.attrs.get('name') ?? '',
          type: Number(f.attrs.get('class')),
          constantPool: f.attrs.get('constantPool') === 'true',
          array: f.attrs.get('dimension') === '1',
        }));
      classes.set(Number(c.attrs.get('id')), { name: c.attrs.get('name') ?? '', fields });
    }
  }
  return classes;
}

/** One chunk's types and constant pools (type name → key → value). */
class Chunk {
  readonly pools = new Map<string, Map<number, Value>>();
  /** Stack trace key → the sample key of its stack, so an event repeating a stack costs nothing new. */
  readonly stacks = new Map<number, string | null>();
  /**
   * Values left to read: metadata can declare types whose values take no bytes (a class of empty
   * classes, twice over at every level), so size alone does not bound the work; real recordings
   * read far fewer values than bytes.
   */
  private budget: number;
  constructor(
    readonly classes: Map<number, ClassDesc>,
    /** Where values are read from: the chunk for its pools, then each event in turn. */
    public r: Reader,
  ) {
    this.budget = 4 * (r.end - r.pos) + 100_000;
  }

  value(type: number, depth: number): Value {
    if (--this.budget < 0) throw bad('more values than its size allows');
    const r = this.r;
    const c = this.classes.get(type);
    if (!c) throw bad(`a field has the unknown type ${type}`);
    switch (c.name) {
      case 'boolean':
        return r.byte() !== 0;
      case 'byte':
        return r.byte();
      case 'char':
      case 'short':
        return r.int(2);
      case 'int':
        return r.int(4);
      case 'long':
        return r.int(8);
      case 'float':
        r.skip(4);
        return 0;
      case 'double':
        r.skip(8);
        return 0;
      case 'java.lang.String':
        return r.string(this.pools.get('java.lang.String'));
    }
    if (depth > MAX_DEPTH) throw bad('values nested too deeply');
    const out: { [field: string]: Value } = {};
    for (const f of c.fields) out[f.name] = this.field(f, depth + 1);
    return out;
  }

  field(f: FieldDesc, depth: number): Value {
    const one = () => (f.constantPool ? this.r.int() : this.value(f.type, depth));
    if (!f.array) return one();
    const n = this.r.int(4);
    if (n < 0 || n > this.r.end - this.r.pos) throw bad('an array is longer than its chunk');
    const items: Value[] = [];
    for (let i = 0; i < n; i++) items.push(one());
    return items;
  }

  readPools(chunkStart: number, firstOffset: number): void {
    const r = this.r;
    let offset = firstOffset;
    const seen = new Set<number>();
    for (;;) {
      if (offset <= 0 || chunkStart + offset >= r.end || seen.has(offset))
        throw bad('a constant pool offset is out of the chunk');
      seen.add(offset);
      r.pos = chunkStart + offset;
      r.int(4); // size
      if (r.int() !== 1) throw bad('a constant pool offset does not point at a checkpoint');
      r.int(); // start time
      r.int(); // duration
      const delta = r.int();
      r.byte(); // checkpoint type
      const nPools = r.int(4);
      for (let i = 0; i < nPools; i++) {
        const type = r.int();
        const c = this.classes.get(type);
        if (!c) throw bad(`a constant pool has the unknown type ${type}`);
        let pool = this.pools.get(c.name);
        if (!pool) this.pools.set(c.name, (pool = new Map()));
        const n = r.int(4);
        if (n < 0 || n > r.end - r.pos) throw bad('a constant pool is longer than its chunk');
        for (let j = 0; j < n; j++) {
          const key = r.int();
          pool.set(key, this.value(type, 0));
        }
      }
      // Checkpoints are chained backwards from the header's offset; 0 ends the chain.
      if (delta === 0) return;
      offset += delta;
    }
  }
}

const field = (v: Value | undefined, name: string): Value | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? v[name] : undefined;

/**
 * A JFR recording (one or more chunks, not gzipped) → a pprof CPU profile of its execution samples.
 * The profile's limits (samples, their frames and labels) are checked as it is built: a small
 * recording of many contexts or deep stacks could otherwise build a profile far larger than itself.
 */
export function jfrToProfile(
  b: Uint8Array,
  periodNs: number,
  contexts: Map<number, [string, string][]> = new Map(),
  limits: Limits = DEFAULT_LIMITS,
): Profile {
  const strings = new StringTable();
  const functions = new Map<string, PFunction>();
  const locations = new Map<string, Location>();
  const samples = new Map<string, Sample>();
  const profile = new Profile({
    sampleType: [new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') })],
    periodType: new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }),
    period: periodNs,
    stringTable: strings,
  });
  const building: Building = { strings, functions, locations, samples, periodNs, contexts, limits, frames: 0 };
  let start = 0;
  if (b.length < HEADER_BYTES) throw bad('shorter than a chunk header');
  while (start < b.length) {
    if (!MAGIC.every((m, i) => b[start + i] === m)) throw bad('no chunk header (FLR) where one should start');
    const header = new Reader(b, start + 4, Math.min(b.length, start + HEADER_BYTES), false);
    const major = header.int(2);
    header.int(2); // minor
    const size = header.int(8);
    const cpOffset = header.int(8);
    const metaOffset = header.int(8);
    header.skip(32); // start ns, duration ns, start ticks, ticks per second
    const features = header.int(4);
    if (major !== 2) throw bad(`JFR version ${major} (only 2 is read)`);
    if (size < HEADER_BYTES || start + size > b.length) throw bad('a chunk is larger than the recording');
    const end = start + size;
    const compressed = (features & 1) === 1;
    if (metaOffset <= 0 || metaOffset >= size) throw bad('the metadata offset is out of the chunk');
    const classes = readMetadata(new Reader(b, start + metaOffset, end, compressed));
    const chunk = new Chunk(classes, new Reader(b, start, end, compressed));
    chunk.readPools(start, cpOffset);
    const sampleType = [...classes].find(([, c]) => c.name === 'jdk.ExecutionSample');
    const r = new Reader(b, start + HEADER_BYTES, end, compressed);
    while (r.pos < end) {
      const at = r.pos;
      const eventSize = r.int(4);
      if (eventSize <= 0 || at + eventSize > end) throw bad('an event is larger than its chunk');
      const type = r.int();
      if (sampleType && type === sampleType[0]) {
        chunk.r = new Reader(b, r.pos, at + eventSize, compressed);
        const values: { [f: string]: Value } = {};
        for (const f of sampleType[1].fields) values[f.name] = chunk.field(f, 0);
        const context = typeof values.contextId === 'number' ? values.contextId : 0;
        addSample(chunk, values.stackTrace, context, building);
      }
      r.pos = at + eventSize;
    }
    start = end;
  }
  profile.sample = [...samples.values()];
  profile.location = [...locations.values()];
  profile.function = [...functions.values()];
  return profile;
}

interface Building {
  strings: StringTable;
  functions: Map<string, PFunction>;
  locations: Map<string, Location>;
  samples: Map<string, Sample>;
  periodNs: number;
  contexts: Map<number, [string, string][]>;
  limits: Limits;
  /** Frames of the samples so far (Σ of their depths), against maxStackFrames. */
  frames: number;
}

function addSample(chunk: Chunk, stackKey: Value | undefined, context: number, o: Building): void {
  if (typeof stackKey !== 'number') return;
  let key = chunk.stacks.get(stackKey);
  if (key === undefined) {
    key = stackOf(chunk, stackKey, o);
    chunk.stacks.set(stackKey, key);
  }
  if (key === null) return;
  const labels = o.contexts.get(context) ?? [];
  const sampleKey = labels.length ? `${key}|${context}` : key;
  const sample = o.samples.get(sampleKey);
  if (sample) {
    sample.value[0] = Number(sample.value[0]) + o.periodNs;
    return;
  }
  const { limits } = o;
  if (o.samples.size >= limits.maxSamples)
    throw overLimit('maxSamples', limits, `the recording has more than ${limits.maxSamples} distinct samples`);
  if (labels.length > limits.maxSampleLabels)
    throw overLimit('maxSampleLabels', limits, `a context of the recording has ${labels.length} labels`);
  const locationId = key.split(',').map(Number);
  o.frames += locationId.length;
  if (o.frames > limits.maxStackFrames)
    throw overLimit('maxStackFrames', limits, `the recording's stacks have more than ${limits.maxStackFrames} frames in all`);
  o.samples.set(
    sampleKey,
    new Sample({
      locationId,
      value: [o.periodNs],
      label: labels.map(([k, v]) => new Label({ key: o.strings.dedup(k), str: o.strings.dedup(v) })),
    }),
  );
}

/** A stack trace's location ids, leaf first, joined with commas; null for a trace without frames. */
function stackOf(chunk: Chunk, stackKey: number, o: Building): string | null {
  const frames = field(chunk.pools.get('jdk.types.StackTrace')?.get(stackKey), 'frames');
  if (!Array.isArray(frames) || frames.length === 0) return null;
  const symbol = (key: Value | undefined) => {
    const s = field(chunk.pools.get('jdk.types.Symbol')?.get(key as number), 'string');
    return typeof s === 'string' ? s : '';
  };
  const ids: number[] = [];
  // Frames are leaf first, as pprof's location ids are.
  for (const frame of frames) {
    const method = chunk.pools.get('jdk.types.Method')?.get(field(frame, 'method') as number);
    const cls = chunk.pools.get('java.lang.Class')?.get(field(method, 'type') as number);
    const className = symbol(field(cls, 'name'));
    const methodName = symbol(field(method, 'name')) || '<unknown>';
    const name = className ? `${className}.${methodName}` : methodName;
    const lineValue = field(frame, 'lineNumber');
    const line = typeof lineValue === 'number' && lineValue > 0 && lineValue < 2 ** 31 ? lineValue : 0;
    let fn = o.functions.get(name);
    if (!fn) {
      const s = o.strings.dedup(name);
      fn = new PFunction({ id: o.functions.size + 1, name: s, systemName: s });
      o.functions.set(name, fn);
    }
    const locKey = `${fn.id}:${line}`;
    let loc = o.locations.get(locKey);
    if (!loc) {
      loc = new Location({ id: o.locations.size + 1, line: [new Line({ functionId: fn.id, line })] });
      o.locations.set(locKey, loc);
    }
    ids.push(Number(loc.id));
  }
  return ids.join(',');
}
