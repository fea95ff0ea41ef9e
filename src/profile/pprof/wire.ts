// Reading protobuf's wire format (varints, lengths, field skipping) over a byte range, for the
// streaming pprof reader. Errors are pprof-rules' "not a valid pprof profile".
import { notPprof } from '../../common/pprof-rules';
import type { GrowableFloat64 } from '../model/growable';

/** A cursor over the bytes [start, end) of one protobuf message. */
export class Reader {
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
    } else if (wire === 5) this.pos += 4;
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
export function readRepeated(r: Reader, wire: number, out: GrowableFloat64): void {
  if (wire === 2) {
    const e = r.lengthEnd();
    const sub = new Reader(r.buf, r.pos, e);
    r.pos = e;
    while (sub.pos < e) out.push(sub.int64());
  } else if (wire === 0) out.push(r.int64());
  else r.skip(wire);
}

/** A ValueType message's [type, unit] string indices. */
export function readValueType(buf: Uint8Array, s: number, e: number): [number, number] {
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

/** How many location ids a Sample message holds (packed: one per byte below 0x80). */
export function countLocationIds(buf: Uint8Array, start: number, end: number): number {
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
