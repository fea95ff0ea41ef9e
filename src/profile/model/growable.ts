// Typed arrays that grow by doubling: the builders of tries and trees append to them in hot loops.

export class GrowableInt32 {
  data: Int32Array;
  length = 0;
  /** `max`: how many values it will hold at most, when known: it then never grows past that. */
  constructor(
    cap = 1024,
    private readonly max = Infinity,
  ) {
    this.data = new Int32Array(Math.max(16, cap));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(Math.max(this.length + 1, Math.min(this.max, this.data.length * 2)));
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  /** The pushed values, in an array of their own size. */
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /**
   * The pushed values for good: a view of the array when at least 7/8 of it is used (a spare
   * eighth is cheaper to keep than a second copy at the memory peak), else an exact-size copy,
   * the large array's memory given back at once. The GrowableInt32 must not be used afterwards.
   */
  fitted(): Int32Array {
    if (this.length >= this.data.length * 0.875) return this.data.subarray(0, this.length);
    const exact = this.trimmed();
    releaseArray(this.data);
    return exact;
  }
}

export class GrowableFloat64 {
  data: Float64Array;
  length = 0;
  constructor(cap = 1024) {
    this.data = new Float64Array(Math.max(16, cap));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Gives a large scratch array's memory back now instead of at the next garbage collection, by
 * detaching its buffer with ArrayBuffer.prototype.transfer. Opening a large profile allocates its
 * biggest arrays right after dropping others: the memory peak then does not depend on whether the
 * collector has run yet (about 100 MiB at 1M stacks).
 * Where the engine lacks transfer (Node 20), the buffer is still detached (moved into a clone that
 * is dropped), so that any later use of a released array shows in the unit tests too.
 * The array must own its buffer (not be a view into one still in use) and not be used afterwards.
 */
export function releaseArray(a: Int32Array | Float64Array): void {
  const buffer = a.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (buffer.byteLength === 0) return;
  if (typeof buffer.transfer === 'function') buffer.transfer(0);
  else structuredClone(buffer, { transfer: [buffer] });
}
