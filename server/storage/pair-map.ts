// An open-addressing hash map from a pair of non-negative int32 (parent, location) to a positive
// int32 id, on typed arrays: the hot path of interning stacks.
export class PairMap {
  private a: Int32Array;
  private b: Int32Array;
  private v: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.v = new Int32Array(n);
    this.mask = n - 1;
  }

  private slot(x: number, y: number): number {
    return (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
  }

  /** The id for (x, y), or 0 when absent. */
  get(x: number, y: number): number {
    for (let i = this.slot(x, y); ; i = (i + 1) & this.mask) {
      const v = this.v[i];
      if (v === 0) return 0;
      if (this.a[i] === x && this.b[i] === y) return v;
    }
  }

  /** Sets (x, y) → id (id > 0); the pair must be absent. */
  set(x: number, y: number, id: number): void {
    if ((this.size + 1) * 2 > this.v.length) this.grow();
    let i = this.slot(x, y);
    while (this.v[i] !== 0) i = (i + 1) & this.mask;
    this.a[i] = x;
    this.b[i] = y;
    this.v[i] = id;
    this.size++;
  }

  private grow(): void {
    const { a, b, v } = this;
    const n = v.length * 2;
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.v = new Int32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) this.set(a[i], b[i], v[i]);
  }
}
