// Structural equality for the model's flat data (typed arrays of up to millions of entries).
// Vitest's toEqual on such objects takes seconds per comparison; this walks them element by element
// and names the first difference, e.g. "stackLocations[1042]: 17 vs 18".
import { expect } from 'vitest';

type Typed = Int32Array | Float64Array | Uint32Array | Uint8Array | Float32Array | Int8Array | Uint16Array | Int16Array;

function isTyped(x: unknown): x is Typed {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** The path and values of the first difference between a and b, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  const at = path || '(root)';
  if (isTyped(a) || isTyped(b)) {
    if (!isTyped(a) || !isTyped(b) || a.constructor !== b.constructor) return `${at}: ${kind(a)} vs ${kind(b)}`;
    if (a.length !== b.length) return `${at}.length: ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `${at}[${i}]: ${a[i]} vs ${b[i]}`;
    return undefined;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${at}: ${kind(a)} vs ${kind(b)}`;
    if (a.length !== b.length) return `${at}.length: ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = (o: object) =>
      Object.keys(o)
        .filter((k) => (o as Record<string, unknown>)[k] !== undefined)
        .sort();
    const ka = keys(a);
    const kb = keys(b);
    if (ka.join() !== kb.join()) return `${at} keys: ${ka.join(',')} vs ${kb.join(',')}`;
    for (const k of ka) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  return `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

function kind(x: unknown): string {
  return isTyped(x) ? x.constructor.name : Array.isArray(x) ? 'Array' : typeof x;
}

/** Asserts a and b are structurally equal (undefined properties count as absent, as in toEqual). */
export function expectSame(a: unknown, b: unknown, label?: string): void {
  expect(firstDifference(a, b), label).toBeUndefined();
}
