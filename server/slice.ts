// Cooperative slicing of long work on the event loop, and the lock that serialises writers.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Slices of at most this many ms of work run between two turns of the event loop. */
export const SLICE_MS = 8;

/**
 * Long loops call `tick()` every few hundred iterations; it yields to the event loop once the
 * current slice has run SLICE_MS, so that /ready and other requests are answered meanwhile.
 */
export class Slicer {
  private start = performance.now();

  async tick(): Promise<void> {
    if (performance.now() - this.start < SLICE_MS) return;
    await nextTurn();
    this.start = performance.now();
  }
}

/** A FIFO mutex: SQLite has one writer, and a sliced write transaction must not interleave with another. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
