// The compact encoding of a stored profile's or block's samples: (leaf node, label set, value)
// entries sorted by node, node ids as delta varints, values as varints of value ÷ their greatest
// common divisor when all are integers (float64 otherwise), the label sets' JSON inline, then
// deflated. Profiles stored before it (encoding 0) keep their fixed-width form and are read as such.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export interface Samples {
  /** Leaf stack node ids, one per entry (may repeat with different label sets). */
  nodes: Uint32Array;
  values: Float64Array;
  /** The label sets the entries use (JSON of each) and each entry's set (-1: none); absent without labels. */
  labelSets?: string[];
  labelIndex?: Int32Array;
}

const VERSION = 1;
const INTEGRAL = 1;
const LABELLED = 2;
/** Integers beyond this are not exact in a float64 either: such rows keep float64 values. */
const MAX_EXACT = 2 ** 53;

class Writer {
  buf: Uint8Array;
  pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(16, size));
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }
  /** A non-negative integer up to 2^53, 7 bits a byte. */
  varint(v: number): void {
    this.room(8);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('truncated sample encoding');
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
    }
  }
}

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/** Encodes samples (zero values are kept: callers leave them out when they mean nothing). */
export function encodeSamples(s: Samples): Buffer {
  const n = s.nodes.length;
  const index = s.labelIndex;
  const labelled = !!(s.labelSets?.length && index);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => s.nodes[a]! - s.nodes[b]! || (index ? index[a]! - index[b]! : 0));
  let integral = true;
  let divisor = 0;
  for (let i = 0; i < n; i++) {
    const v = s.values[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > MAX_EXACT) {
      integral = false;
      break;
    }
    divisor = gcd(divisor, Math.abs(v));
  }
  if (divisor === 0) divisor = 1;
  const w = new Writer(n * 4 + 16);
  w.varint((integral ? INTEGRAL : 0) | (labelled ? LABELLED : 0));
  w.varint(n);
  if (labelled) {
    w.varint(s.labelSets!.length);
    for (const set of s.labelSets!) {
      const b = Buffer.from(set, 'utf8');
      w.varint(b.length);
      w.bytes(b);
    }
  }
  let prev = 0;
  for (const i of order) {
    w.varint(s.nodes[i]! - prev);
    prev = s.nodes[i]!;
  }
  if (labelled) for (const i of order) w.varint(index![i]! + 1);
  if (integral) {
    w.varint(divisor);
    for (const i of order) {
      const q = s.values[i]! / divisor;
      w.varint(q >= 0 ? q * 2 : -q * 2 - 1); // zigzag, in arithmetic: values reach 2^53
    }
  } else {
    const f = new Float64Array(n);
    order.forEach((i, k) => (f[k] = s.values[i]!));
    w.bytes(new Uint8Array(f.buffer));
  }
  const body = deflateRawSync(w.buf.subarray(0, w.pos));
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = VERSION;
  body.copy(out, 1);
  return out;
}

export function decodeSamples(blob: Uint8Array): Samples {
  if (blob[0] !== VERSION) throw new Error(`unknown sample encoding ${blob[0]}`);
  const r = new Reader(inflateRawSync(blob.subarray(1)));
  const flags = r.varint();
  const n = r.varint();
  const out: Samples = { nodes: new Uint32Array(n), values: new Float64Array(n) };
  if (flags & LABELLED) {
    const sets: string[] = [];
    for (let k = r.varint(); k > 0; k--) {
      const len = r.varint();
      sets.push(Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, len).toString('utf8'));
      r.pos += len;
    }
    out.labelSets = sets;
  }
  let node = 0;
  for (let i = 0; i < n; i++) out.nodes[i] = node += r.varint();
  if (out.labelSets) {
    out.labelIndex = new Int32Array(n);
    for (let i = 0; i < n; i++) out.labelIndex[i] = r.varint() - 1;
  }
  if (flags & INTEGRAL) {
    const divisor = r.varint();
    for (let i = 0; i < n; i++) {
      const z = r.varint();
      out.values[i] = (z % 2 === 0 ? z / 2 : -(z + 1) / 2) * divisor;
    }
  } else {
    // Copy: the inflated buffer's offset may not be 8-byte aligned.
    out.values.set(new Float64Array(new Uint8Array(r.buf.subarray(r.pos, r.pos + n * 8)).buffer));
  }
  return out;
}

/** The fixed-width form of profiles stored before the compact encoding: n float64 values, then n uint32 node ids. */
export function decodeLegacy(samples: Uint8Array, labelSets?: string | null, labelIndex?: Uint8Array | null): Samples {
  const n = samples.length / 12;
  const copy = new Uint8Array(samples); // SQLite's buffer may not be 8-byte aligned
  const out: Samples = { values: new Float64Array(copy.buffer, 0, n), nodes: new Uint32Array(copy.buffer, n * 8, n) };
  if (labelSets && labelIndex) {
    out.labelSets = JSON.parse(labelSets) as string[];
    out.labelIndex = new Int32Array(new Uint8Array(labelIndex).buffer);
  }
  return out;
}

/** A stored row's samples in either encoding (1: encodeSamples, 0: the fixed-width form). */
export function decodeStored(r: {
  samples: Uint8Array;
  encoding: number;
  label_sets?: string | null;
  label_index?: Uint8Array | null;
}): Samples {
  return r.encoding === 1 ? decodeSamples(r.samples) : decodeLegacy(r.samples, r.label_sets, r.label_index);
}

/** The sample label sets one row uses, renumbered from the profile's (PreparedProfile.labelSets). */
export class RowLabelSets {
  private readonly used = new Map<number, number>();
  private readonly index: Int32Array;
  constructor(
    private readonly sets: readonly string[],
    n: number,
  ) {
    this.index = new Int32Array(n);
  }
  set(entry: number, set: number): void {
    let local = -1;
    if (set >= 0) {
      local = this.used.get(set) ?? this.used.size;
      this.used.set(set, local);
    }
    this.index[entry] = local;
  }
  /** Undefined for a row whose samples have no labels. */
  rowSets(): string[] | undefined {
    return this.used.size ? [...this.used.keys()].map((s) => this.sets[s]!) : undefined;
  }
  rowIndex(): Int32Array | undefined {
    return this.used.size ? this.index : undefined;
  }
}

/** Sums entries per (node, label set): a block is the sum of the profiles (or blocks) it covers. */
export class SampleSum {
  /** Per node, the value without labels; per node and set, the value with. */
  private plain = new Map<number, number>();
  private labelled = new Map<number, Map<string, number>>();

  add(s: Samples): void {
    const { nodes, values, labelSets, labelIndex } = s;
    for (let i = 0; i < nodes.length; i++) {
      const set = labelIndex && labelSets ? labelSets[labelIndex[i]!] : undefined;
      const node = nodes[i]!;
      if (set === undefined) this.plain.set(node, (this.plain.get(node) ?? 0) + values[i]!);
      else {
        let m = this.labelled.get(node);
        if (!m) this.labelled.set(node, (m = new Map()));
        m.set(set, (m.get(set) ?? 0) + values[i]!);
      }
    }
  }

  samples(): Samples {
    let n = this.plain.size;
    for (const m of this.labelled.values()) n += m.size;
    const out: Samples = { nodes: new Uint32Array(n), values: new Float64Array(n) };
    let k = 0;
    for (const [node, v] of this.plain) {
      out.nodes[k] = node;
      out.values[k++] = v;
    }
    if (this.labelled.size) {
      const setIds = new Map<string, number>();
      out.labelIndex = new Int32Array(n).fill(-1);
      for (const [node, m] of this.labelled) {
        for (const [set, v] of m) {
          let id = setIds.get(set);
          if (id === undefined) setIds.set(set, (id = setIds.size));
          out.nodes[k] = node;
          out.labelIndex[k] = id;
          out.values[k++] = v;
        }
      }
      out.labelSets = [...setIds.keys()];
    }
    return out;
  }
}
