// An open-addressing hash map from a pair of non-negative int32 (parent and key, caller and
// callee) to a positive int32, on one typed array: the hot path of building trees and graphs in
// the app (call graph edges, flame, inverted, sandwich and projected trees; the stack trie's own
// index shares its hash) and of interning stacks on the server. A Map keyed by a number made of
// the pair would hold heap numbers and cost far more.

/** Hash of a pair of ints. */
export function pairHash(x: number, y: number): number {
  return (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
}

/** Slots for a table that will hold about `hint` entries: a power of two, at most half full. */
export function slotCount(hint: number): number {
  let cap = 1024;
  while (cap < hint * 2) cap *= 2;
  return cap;
}

/**
 * (x, y) → a positive int. Each slot's x, y and value sit side by side in one array, so a probe
 * touches one cache line.
 */
export class PairMap {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacityHint = 0) {
    const cap = slotCount(capacityHint);
    this.slots = new Int32Array(cap * 3);
    this.mask = cap - 1;
  }

  /** The value of (x, y), or -(slot+1) when absent so that `insert` needs no second probe. */
  find(x: number, y: number): number {
    const slots = this.slots;
    let slot = pairHash(x, y) & this.mask;
    for (;;) {
      const i = slot * 3;
      const v = slots[i + 2]!;
      if (v === 0) return -(slot + 1);
      if (slots[i] === x && slots[i + 1] === y) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Adds (x, y) → value (> 0) at the empty slot `find` reported. */
  insert(emptySlot: number, x: number, y: number, value: number): void {
    const i = emptySlot * 3;
    this.slots[i] = x;
    this.slots[i + 1] = y;
    this.slots[i + 2] = value;
    if (++this.count * 2 > this.mask + 1) this.grow();
  }

  /** Adds (x, y) → value (> 0) unless the pair is already there. */
  set(x: number, y: number, value: number): void {
    const found = this.find(x, y);
    if (found < 0) this.insert(-found - 1, x, y, value);
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(cap * 3);
    this.mask = cap - 1;
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] === 0) continue;
      let slot = pairHash(old[i]!, old[i + 1]!) & this.mask;
      while (this.slots[slot * 3 + 2] !== 0) slot = (slot + 1) & this.mask;
      this.slots.set(old.subarray(i, i + 3), slot * 3);
    }
  }
}
