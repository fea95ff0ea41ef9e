import { Prng, zipfCdf } from './prng';
import { GrowableInt32 } from '../../src/profile/model/growable';

/**
 * A synthetic Go-like program and random stacks through it, for the benchmark profiles.
 *
 * The program: about 3,000 functions in ~60 packages (application packages, library packages and
 * a runtime), each calling 2–6 others. Callees are picked with a Zipf bias, so some call paths are
 * hot and most are cold, as in real profiles. Some functions call themselves or a partner
 * (recursion), and small helpers are inlined into their callers (locations with 2–3 lines).
 *
 * The stacks: most are grown from an existing stack (keep a long prefix, then walk on from the
 * function that prefix ends in), a few are fresh walks from the root, so siblings share parents
 * and distinct stacks mostly differ near their leaves. Depth (locations per stack) is mostly
 * 20–60, up to 120.
 */

export const MAX_DEPTH = 120;
const LEAF_LINES = 4;

export interface SyntheticFunction {
  name: string;
  file: string;
  startLine: number;
  callees: number[];
  /** A call to it is inlined into the caller (most of the time). */
  inlinable: boolean;
  /** Calls nothing: a stack that reaches it ends there. */
  leaf: boolean;
}

/** A location: its lines leaf first (the innermost inlined frame first), as in pprof. */
export interface SyntheticLocation {
  fn: number[];
  line: number[];
  /** The function this call site calls (-1 for a leaf location). */
  callee: number;
}

const APP_PACKAGES = [
  'api',
  'auth',
  'billing',
  'cache',
  'cart',
  'catalog',
  'checkout',
  'codec',
  'config',
  'db',
  'events',
  'feed',
  'geo',
  'gateway',
  'index',
  'inventory',
  'ledger',
  'mail',
  'media',
  'metrics',
  'orders',
  'payments',
  'pricing',
  'queue',
  'ranking',
  'search',
  'session',
  'shipping',
  'storage',
  'stream',
  'tax',
  'tenant',
  'trace',
  'users',
  'wallet',
  'webhook',
  'worker',
  'rpc',
  'batch',
  'export',
].map((p) => `github.com/acme/shop/internal/${p}`);
const LIB_PACKAGES = [
  'encoding/json',
  'net/http',
  'database/sql',
  'compress/gzip',
  'crypto/tls',
  'bufio',
  'sync',
  'sort',
  'strings',
  'bytes',
  'regexp',
  'fmt',
  'io',
  'reflect',
  'strconv',
  'time',
  'context',
  'google.golang.org/grpc',
  'google.golang.org/protobuf/proto',
  'github.com/jackc/pgx/v5',
];
const RUNTIME_LEAVES = [
  'mallocgc',
  'memmove',
  'memclrNoHeapPointers',
  'futex',
  'nanotime',
  'mapaccess2',
  'mapassign',
  'growslice',
  'scanobject',
  'gcDrain',
  'findObject',
  'greyobject',
  'markBits.isMarked',
  'heapBitsSetType',
  'spanOf',
  'lock2',
  'unlock2',
  'casgstatus',
  'newobject',
  'makeslice',
  'concatstrings',
  'slicebytetostring',
  'memequal',
  'aeshashbody',
  'procyield',
  'osyield',
  'usleep',
  'nextFreeFast',
  'publicationBarrier',
  'madvise',
];
const TYPES = [
  'Server',
  'Client',
  'Cache',
  'Codec',
  'Pool',
  'Router',
  'Store',
  'Queue',
  'Index',
  'Builder',
  'Reader',
  'Writer',
  'Handler',
  'Manager',
  'Table',
  'Conn',
  'Tx',
  'Batch',
  'Span',
  'Decoder',
];
const METHODS = [
  'Get',
  'Put',
  'Handle',
  'Serve',
  'Encode',
  'Decode',
  'Flush',
  'Scan',
  'Lookup',
  'Merge',
  'Visit',
  'Walk',
  'Load',
  'Save',
  'Apply',
  'Validate',
  'Resolve',
  'Dispatch',
  'Compute',
  'Update',
  'Delete',
  'List',
  'Open',
  'Close',
  'Next',
  'Read',
  'Write',
  'Sort',
  'Hash',
  'Compare',
  'marshal',
  'unmarshal',
  'process',
  'retry',
  'prepare',
  'commit',
  'fetch',
  'emit',
  'parse',
  'render',
];

export interface SyntheticProgram {
  functions: SyntheticFunction[];
  /** runtime.goexit: every stack starts here. */
  root: number;
}

/** The program is the same for every profile size (its own fixed seed). */
export function buildProgram(seed = 0x5eed): SyntheticProgram {
  const rng = new Prng(seed);
  const functions: SyntheticFunction[] = [];
  const names = new Set<string>();
  const pkgFunctions: number[][] = [];
  const addFn = (name: string, file: string, startLine: number, inlinable: boolean, leaf: boolean) => {
    let unique = name;
    for (let k = 2; names.has(unique); k++) unique = `${name}${k}`;
    names.add(unique);
    functions.push({ name: unique, file, startLine, callees: [], inlinable, leaf });
    return functions.length - 1;
  };

  const packages = [...APP_PACKAGES, ...LIB_PACKAGES];
  const nApp = APP_PACKAGES.length;
  for (let p = 0; p < packages.length; p++) {
    const path = packages[p]!;
    const isApp = p < nApp;
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dir = isApp ? `/home/build/shop/${path.slice('github.com/acme/shop/'.length)}` : `/usr/local/go/src/${path}`;
    const n = rng.range(40, 60);
    const list: number[] = [];
    const lineInFile = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const type = rng.pick(TYPES);
      const method = rng.pick(METHODS);
      const form = rng.int(10);
      let name: string;
      let fileBase: string;
      if (form < 5) {
        name = `${path}.(*${type}).${method}`;
        fileBase = type.toLowerCase();
      } else if (form < 7) {
        name = `${path}.${type}.${method}`;
        fileBase = type.toLowerCase();
      } else if (form < 9) {
        name = `${path}.${method.toLowerCase()}${type}`;
        fileBase = base;
      } else {
        name = `${path}.(*${type}).${method}.func${rng.range(1, 3)}`;
        fileBase = type.toLowerCase();
      }
      const file = `${dir}/${fileBase}.go`;
      const start = (lineInFile.get(file) ?? rng.range(10, 40)) + rng.range(5, 20);
      lineInFile.set(file, start + 40);
      list.push(addFn(name, file, start, rng.chance(0.15), false));
    }
    pkgFunctions.push(list);
  }
  const runtime: number[] = [];
  for (const leaf of RUNTIME_LEAVES) {
    runtime.push(
      addFn(
        `runtime.${leaf}`,
        `/usr/local/go/src/runtime/${leaf.split('.')[0]!.toLowerCase()}.go`,
        rng.range(20, 900),
        false,
        true,
      ),
    );
  }
  const root = addFn('runtime.goexit', '/usr/local/go/src/runtime/asm_amd64.s', 1700, false, false);

  // Call graph, layered like real code so that most stacks do not revisit a function: a function
  // calls later functions of its own package, the next few application packages, libraries, and
  // (rarely) the runtime; libraries call later libraries or back into application code (callbacks).
  const nLib = LIB_PACKAGES.length;
  for (let p = 0; p < packages.length; p++) {
    const isApp = p < nApp;
    const own = pkgFunctions[p]!;
    for (let i = 0; i < own.length; i++) {
      const f = own[i]!;
      const fn = functions[f]!;
      const nCallees = rng.range(2, 6);
      const seen = new Set<number>([f]);
      while (fn.callees.length < nCallees) {
        const r = rng.next();
        let g: number;
        if (r < 0.3 && i < own.length - 1) g = own[rng.range(i + 1, own.length - 1)]!;
        else if (r < 0.7) {
          const q = isApp
            ? (p + rng.range(1, 3)) % nApp
            : p < packages.length - 1 && rng.chance(0.5)
              ? rng.range(p + 1, packages.length - 1)
              : rng.int(nApp);
          g = rng.pick(pkgFunctions[q]!);
        } else if (r < 0.93) g = rng.pick(pkgFunctions[nApp + rng.int(nLib)]!);
        else g = rng.pick(runtime);
        if (seen.has(g)) continue;
        seen.add(g);
        fn.callees.push(g);
      }
    }
  }
  // Recursion: some functions call themselves, some pairs call each other (on a random call site).
  const all = pkgFunctions.flat().filter((f) => !functions[f]!.inlinable);
  const insertCallee = (f: number, g: number) => {
    const callees = functions[f]!.callees;
    callees.splice(rng.int(callees.length + 1), 0, g);
  };
  for (let i = 0; i < all.length * 0.015; i++) {
    const f = rng.pick(all);
    insertCallee(f, f);
  }
  for (let i = 0; i < all.length * 0.005; i++) {
    const f = rng.pick(all);
    const g = rng.pick(all);
    if (f === g) continue;
    insertCallee(f, g);
    insertCallee(g, f);
  }
  // Entry points: a dozen goroutine bodies, started from runtime.goexit.
  const entries = new Set<number>();
  while (entries.size < 12) entries.add(rng.pick(pkgFunctions[rng.int(nApp)]!));
  functions[root]!.callees = [...entries];
  return { functions, root };
}

/** Distinct stacks (root first, as location indices) and the locations they use. */
export interface StackSet {
  count: number;
  /** Stack i is locs[start[i] .. start[i+1]), root first. */
  start: Int32Array;
  locs: Int32Array;
  locations: SyntheticLocation[];
  /** The entry function (below runtime.goexit) of each stack, for labels. */
  entry: Int32Array;
}

/** Generates `count` distinct stacks through `program`, deterministically from `seed`. */
export function generateStacks(program: SyntheticProgram, count: number, seed: number): StackSet {
  const { functions, root } = program;
  const rng = new Prng(seed);
  const calleeCdf = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => zipfCdf(Math.max(1, n), 1.1));
  const leafCdf = zipfCdf(LEAF_LINES, 1.0);

  const locations: SyntheticLocation[] = [];
  const callBase = new Int32Array(functions.length + 1);
  for (let f = 0; f < functions.length; f++) callBase[f + 1] = callBase[f]! + functions[f]!.callees.length;
  const callLoc = new Int32Array(callBase[functions.length]!).fill(-1);
  const leafLoc = new Int32Array(functions.length * LEAF_LINES).fill(-1);
  const inlinedLoc = new Map<string, number>();
  const callLine = (f: number, slot: number) => functions[f]!.startLine + 3 + 2 * slot;
  const leafLine = (f: number, k: number) => functions[f]!.startLine + 2 + 5 * k;

  /** The location for (innermost frame f at line, callers inlined into it: pending, outer first). */
  const locationFor = (f: number, line: number, callee: number, pending: number[], cached: Int32Array, at: number) => {
    if (pending.length === 0) {
      let id = cached[at]!;
      if (id < 0) {
        id = locations.push({ fn: [f], line: [line], callee }) - 1;
        cached[at] = id;
      }
      return id;
    }
    const key = `${f}:${line}|${pending.join(',')}`;
    let id = inlinedLoc.get(key);
    if (id === undefined) {
      const loc: SyntheticLocation = { fn: [f], line: [line], callee };
      for (let k = pending.length - 2; k >= 0; k -= 2) {
        loc.fn.push(pending[k]!);
        loc.line.push(pending[k + 1]!);
      }
      id = locations.push(loc) - 1;
      inlinedLoc.set(key, id);
    }
    return id;
  };

  const drawDepth = () => {
    const r = rng.next();
    if (r < 0.04) return rng.range(3, 15);
    if (r < 0.12) return rng.range(60, MAX_DEPTH);
    return Math.max(8, Math.min(MAX_DEPTH, Math.round(37 + 11 * rng.normal())));
  };

  const buf = new Int32Array(MAX_DEPTH + 4);
  /** Walks on from buf[0..c) to a stack of about `target` locations; returns its length. */
  const walk = (c: number, target: number): number => {
    let f = c === 0 ? root : locations[buf[c - 1]!]!.callee;
    let d = c;
    const pending: number[] = [];
    for (;;) {
      const fn = functions[f]!;
      const remaining = target - d;
      if (remaining <= 1 || fn.callees.length === 0) {
        const k = rng.fromCdf(leafCdf);
        buf[d++] = locationFor(f, leafLine(f, k), -1, pending, leafLoc, f * LEAF_LINES + k);
        return d;
      }
      const cdf = calleeCdf[Math.min(fn.callees.length, 9)]!;
      let slot = rng.fromCdf(cdf);
      // Runtime leaves end a stack: avoid them until the stack is nearly as deep as intended.
      for (let tries = 0; tries < 3 && remaining > 2 && functions[fn.callees[slot]!]!.leaf; tries++) slot = rng.fromCdf(cdf);
      const g = fn.callees[slot]!;
      if (functions[g]!.inlinable && pending.length < 4 && rng.chance(0.9)) {
        pending.push(f, callLine(f, slot));
        f = g;
        continue;
      }
      buf[d++] = locationFor(f, callLine(f, slot), g, pending, callLoc, callBase[f]! + slot);
      pending.length = 0;
      f = g;
    }
  };

  const start = new Int32Array(count + 1);
  const entry = new Int32Array(count);
  const locs = new GrowableInt32(1 << 16);
  const seen = new Set<number>();
  let n = 0;
  let failures = 0;
  while (n < count) {
    let c = 0;
    if (n > 0 && failures < 20 && !rng.chance(0.1)) {
      const s = rng.int(n);
      const from = start[s]!;
      const len = start[s + 1]! - from;
      c = Math.min(len - 1, Math.max(1, Math.floor(len * (0.55 + 0.43 * rng.next()))));
      for (let i = 0; i < c; i++) buf[i] = locs.data[from + i]!;
    }
    let target = drawDepth();
    if (target <= c) target = Math.min(MAX_DEPTH, c + 1 + rng.int(4));
    const len = walk(c, target);
    // 52-bit hash of the stack; a duplicate (or, rarely, a collision) is redrawn.
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < len; i++) {
      h1 = Math.imul(h1 ^ buf[i]!, 0x01000193);
      h2 = Math.imul(h2 ^ (buf[i]! + 0x9e3779b9), 0x85ebca6b) ^ (h2 >>> 13);
    }
    const h = (h1 >>> 0) * 2 ** 20 + ((h2 >>> 0) & 0xfffff);
    if (seen.has(h)) {
      failures++;
      continue;
    }
    failures = 0;
    seen.add(h);
    for (let i = 0; i < len; i++) locs.push(buf[i]!);
    entry[n] = locations[buf[0]!]!.callee;
    n++;
    start[n] = locs.length;
  }
  return { count, start, locs: locs.data.subarray(0, locs.length), locations, entry };
}
