// Counting what a pprof holds from its wire format alone, so that the per-profile limits are
// checked before the profile is decoded into objects (which costs many times its size).
import { ClientError } from '../errors';
import { overLimit, type Limits } from '../limits';

export interface PprofCounts {
  samples: number;
  locations: number;
  functions: number;
  strings: number;
  /** Σ of the samples' location ids. */
  frames: number;
  /** The most labels any one sample has. */
  maxSampleLabels: number;
}

const malformed = (why: string) => new ClientError(400, `malformed pprof: protobuf decoding failed: ${why}`);

class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  varint(): number {
    let x = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw malformed('a varint runs past its message');
      if (i >= 10) throw malformed('a varint is longer than 10 bytes');
      const c = this.buf[this.pos++]!;
      x += (c & 0x7f) * mul;
      if (c < 0x80) return x;
      mul *= 128;
    }
  }

  /** Skips a field's payload; returns [start, end) for length-delimited ones. */
  skip(wire: number): [number, number] | undefined {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else if (wire === 2) {
      const len = this.varint();
      const start = this.pos;
      this.pos += len;
      if (this.pos > this.end) throw malformed('a field runs past its message');
      return [start, this.pos];
    } else throw malformed(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw malformed('a field runs past its message');
    return undefined;
  }
}

/** Location ids and labels of one Sample message. */
function scanSample(buf: Uint8Array, start: number, end: number): { frames: number; labels: number } {
  const c = new Cursor(buf, start, end);
  let frames = 0;
  let labels = 0;
  while (c.pos < end) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    const span = c.skip(wire);
    if (field === 1) {
      if (span)
        for (let k = span[0]; k < span[1]; k++)
          if (buf[k]! < 0x80) frames++;
          else if (wire === 0) frames++;
    } else if (field === 3 && wire === 2) labels++;
  }
  return { frames, labels };
}

export function scanPprof(buf: Uint8Array): PprofCounts {
  const counts: PprofCounts = { samples: 0, locations: 0, functions: 0, strings: 0, frames: 0, maxSampleLabels: 0 };
  const c = new Cursor(buf, 0, buf.length);
  while (c.pos < buf.length) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const span = c.skip(tag % 8);
    if (!span) continue;
    if (field === 2) {
      counts.samples++;
      const s = scanSample(buf, span[0], span[1]);
      counts.frames += s.frames;
      if (s.labels > counts.maxSampleLabels) counts.maxSampleLabels = s.labels;
    } else if (field === 4) counts.locations++;
    else if (field === 5) counts.functions++;
    else if (field === 6) counts.strings++;
  }
  return counts;
}

/** Throws the limit's error (413 / 400) for the first count over its limit. */
export function checkCounts(n: PprofCounts, limits: Limits): void {
  if (n.samples > limits.maxSamples) throw overLimit('maxSamples', limits, `the profile has ${n.samples} samples`);
  if (n.locations > limits.maxLocations) throw overLimit('maxLocations', limits, `the profile has ${n.locations} locations`);
  if (n.functions > limits.maxFunctions) throw overLimit('maxFunctions', limits, `the profile has ${n.functions} functions`);
  if (n.strings > limits.maxStrings) throw overLimit('maxStrings', limits, `the profile has ${n.strings} strings`);
  if (n.frames > limits.maxStackFrames)
    throw overLimit('maxStackFrames', limits, `the profile's stacks have ${n.frames} frames in all`);
  if (n.maxSampleLabels > limits.maxSampleLabels)
    throw overLimit('maxSampleLabels', limits, `a sample has ${n.maxSampleLabels} labels`);
}
