/**
 * Generates the benchmark's large, deterministic pprof files (gzipped) into bench/out/, cached by
 * their parameters. Run directly (`node --max-old-space-size=16384 --import tsx bench/generate.ts
 * [--sizes 10k,200k,1m] [--force]`) or through `ensureProfiles`, which spawns it in a child
 * process so that the generator's garbage never weighs on a measurement.
 *
 * The profile is encoded in pieces with pprof-format and concatenated (a protobuf message is the
 * concatenation of its fields): sample types, then the samples in chunks, then mappings,
 * locations, functions, the string table and the scalar fields. Only one chunk of Sample objects
 * exists at a time.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Gzip } from 'fflate';
import {
  Function as PprofFunction,
  Location,
  Mapping,
  Profile,
  Sample,
  StringTable,
  ValueType,
  emptyTableToken,
} from 'pprof-format';
import { Prng } from './lib/prng';
import {
  type BenchSize,
  GENERATOR_VERSION,
  OUT_DIR,
  REPO_DIR,
  argValue,
  isCached,
  metaPath,
  parseSizes,
  profilePath,
} from './lib/sizes';
import { MAX_DEPTH, buildProgram, generateStacks } from './lib/synthetic-program';

/** What the generator knows about a file it wrote; the benchmark cross-checks it. */
export interface ProfileMeta {
  generatorVersion: number;
  size: BenchSize;
  file: string;
  functions: number;
  locations: number;
  inlinedLocations: number;
  uniqueStacks: number;
  samples: number;
  /** Σ value per sample type: [samples/count, cpu/nanoseconds]. */
  totals: number[];
  meanDepth: number;
  maxDepth: number;
  /** Stacks by depth in locations: "1-9", "10-19", ... "120". */
  depthHistogram: Record<string, number>;
  /** Share of distinct stacks in which some function appears more than once. */
  recursiveStackShare: number;
  rawBytes: number;
  gzipBytes: number;
  seconds: number;
}

const PERIOD = 10_000_000; // 10 ms, as Go's 100 Hz CPU profiler
const CHUNK = 25_000;
const TIME = Date.UTC(2024, 0, 15, 12, 0, 0);

export function generateProfile(size: BenchSize): ProfileMeta {
  const t0 = performance.now();
  const program = buildProgram();
  const stacks = generateStacks(program, size.uniqueStacks, size.seed);
  const { functions } = program;
  const rng = new Prng(size.seed * 7919 + 17);

  const strings = new StringTable();
  const sampleType = [
    new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }),
    new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }),
  ];
  const handlerKey = strings.dedup('handler');
  const workerKey = strings.dedup('worker');
  const handlerOf = new Map<number, number>();
  const handler = (entryFn: number) => {
    let s = handlerOf.get(entryFn);
    if (s === undefined) {
      const name = functions[entryFn]!.name;
      const pkg = name.slice(0, name.indexOf('.', name.lastIndexOf('/')));
      s = strings.dedup(`/v1/${pkg.slice(pkg.lastIndexOf('/') + 1)}/${handlerOf.size}`);
      handlerOf.set(entryFn, s);
    }
    return s;
  };
  const workers: number[] = [];
  const worker = (r: number) => {
    while (workers.length <= r) workers.push(strings.dedup(`w${workers.length}`));
    return workers[r]!;
  };

  // Sample order: every distinct stack once, plus repeats of (mostly hot) stacks, shuffled as Go's
  // profile builder emits them (hash order). A repeat carries a different `worker` label, so
  // pprof keeps it as a separate sample.
  const U = size.uniqueStacks;
  const N = size.samples;
  const order = new Int32Array(N);
  for (let i = 0; i < U; i++) order[i] = i;
  for (let i = U; i < N; i++) {
    const u = rng.next();
    order[i] = Math.floor(U * u * u);
  }
  for (let i = N - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const occurrences = new Uint32Array(U);

  mkdirSync(OUT_DIR, { recursive: true });
  const file = profilePath(size);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let gzipBytes = 0;
  let rawBytes = 0;
  const gz = new Gzip({ level: 1, mtime: 0 }, (chunk) => {
    writeSync(fd, chunk);
    gzipBytes += chunk.length;
  });
  const emit = (bytes: Uint8Array, final = false) => {
    rawBytes += bytes.length;
    gz.push(bytes, final);
  };
  const piece = (fields: ConstructorParameters<typeof Profile>[0]) =>
    new Profile({ stringTable: new StringTable(emptyTableToken), ...fields }).encode();

  emit(piece({ sampleType }));
  const totals = [0, 0];
  for (let from = 0; from < N; from += CHUNK) {
    const to = Math.min(N, from + CHUNK);
    const sample: Sample[] = [];
    for (let i = from; i < to; i++) {
      const s = order[i]!;
      const r = occurrences[s]!++;
      const a = stacks.start[s]!;
      const b = stacks.start[s + 1]!;
      const locationId: number[] = [];
      for (let k = b - 1; k >= a; k--) locationId.push(stacks.locs[k]! + 1); // leaf first
      const x = rng.next();
      const count = x < 0.75 ? 1 : x < 0.9 ? rng.range(2, 3) : rng.range(4, 40);
      totals[0]! += count;
      totals[1]! += count * PERIOD;
      sample.push(
        new Sample({
          locationId,
          value: [count, count * PERIOD],
          label: [
            { key: handlerKey, str: handler(stacks.entry[s]!) },
            { key: workerKey, str: worker(r) },
          ],
        }),
      );
    }
    emit(piece({ sample }));
  }

  const mapping = [
    new Mapping({
      id: 1,
      memoryStart: 0x400000,
      memoryLimit: 0x400000 + 0x4000000,
      filename: strings.dedup('/usr/local/bin/shop-server'),
      buildId: strings.dedup('b1d5e2f0c0ffee00'),
      hasFunctions: true,
      hasFilenames: true,
      hasLineNumbers: true,
      hasInlineFrames: true,
    }),
  ];
  const fnIds = functions.map((f, i) => {
    const name = strings.dedup(f.name);
    return new PprofFunction({ id: i + 1, name, systemName: name, filename: strings.dedup(f.file), startLine: f.startLine });
  });
  let inlinedLocations = 0;
  const location = stacks.locations.map((l, i) => {
    if (l.fn.length > 1) inlinedLocations++;
    return new Location({
      id: i + 1,
      mappingId: 1,
      address: 0x401000 + i * 0x13,
      line: l.fn.map((f, k) => ({ functionId: f + 1, line: l.line[k]! })),
    });
  });
  emit(
    piece({
      mapping,
      location,
      function: fnIds,
      stringTable: strings,
      timeNanos: BigInt(TIME) * 1_000_000n,
      durationNanos: 10_000_000_000,
      periodType: { type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') },
      period: PERIOD,
    }),
    true,
  );
  closeSync(fd);
  renameSync(tmp, file);

  const meta: ProfileMeta = {
    generatorVersion: GENERATOR_VERSION,
    size,
    file,
    functions: functions.length,
    locations: stacks.locations.length,
    inlinedLocations,
    uniqueStacks: U,
    samples: N,
    totals,
    ...stackStats(
      stacks.start,
      stacks.locs,
      stacks.locations.map((l) => l.fn),
    ),
    rawBytes,
    gzipBytes,
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileSync(metaPath(size), JSON.stringify(meta, null, 2));
  return meta;
}

function stackStats(start: Int32Array, locs: Int32Array, locFns: number[][]) {
  const histogram: Record<string, number> = {};
  for (let lo = 0; lo < MAX_DEPTH; lo += 10) histogram[`${Math.max(1, lo)}-${lo + 9}`] = 0;
  histogram[`${MAX_DEPTH}`] = 0;
  let sumDepth = 0;
  let maxDepth = 0;
  let recursive = 0;
  const stamp = new Map<number, number>();
  const n = start.length - 1;
  for (let s = 0; s < n; s++) {
    const depth = start[s + 1]! - start[s]!;
    sumDepth += depth;
    maxDepth = Math.max(maxDepth, depth);
    const lo = Math.min(MAX_DEPTH, Math.floor(depth / 10) * 10);
    const bucket = lo >= MAX_DEPTH ? `${MAX_DEPTH}` : `${Math.max(1, lo)}-${lo + 9}`;
    histogram[bucket] = (histogram[bucket] ?? 0) + 1;
    let repeats = false;
    for (let k = start[s]!; k < start[s + 1]! && !repeats; k++) {
      for (const f of locFns[locs[k]!]!) {
        if (stamp.get(f) === s) {
          repeats = true;
          break;
        }
        stamp.set(f, s);
      }
    }
    if (repeats) recursive++;
  }
  return { meanDepth: sumDepth / n, maxDepth, depthHistogram: histogram, recursiveStackShare: recursive / n };
}

/**
 * Makes sure the files for `sizes` exist, generating missing ones in a child process with a large
 * heap. Returns nothing; throws if generation fails.
 */
export function ensureProfiles(sizes: BenchSize[], force = false): void {
  const missing = sizes.filter((s) => force || !isCached(s));
  if (missing.length === 0) return;
  console.log(`generating ${missing.map((s) => s.name).join(', ')} into bench/out/ (cached for later runs)...`);
  const args = [
    '--max-old-space-size=16384',
    '--import',
    'tsx',
    'bench/generate.ts',
    '--sizes',
    missing.map((s) => s.name).join(','),
  ];
  if (force) args.push('--force');
  const r = spawnSync(process.execPath, args, { cwd: REPO_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`profile generation failed (exit ${r.status ?? r.signal})`);
}

function main(): void {
  const argv = process.argv.slice(2);
  const sizes = parseSizes(argValue(argv, '--sizes'));
  const force = argv.includes('--force');
  for (const size of sizes) {
    if (!force && isCached(size)) {
      console.log(`${size.name}: cached (${profilePath(size)})`);
      continue;
    }
    const m = generateProfile(size);
    const mb = (b: number) => (b / 2 ** 20).toFixed(1);
    console.log(
      `${size.name}: ${m.uniqueStacks} stacks, ${m.samples} samples, ${m.functions} functions, ${m.locations} locations ` +
        `(${m.inlinedLocations} inlined), depth mean ${m.meanDepth.toFixed(1)} max ${m.maxDepth}, ` +
        `${(m.recursiveStackShare * 100).toFixed(1)}% recursive; ${mb(m.rawBytes)} MiB raw, ${mb(m.gzipBytes)} MiB gzipped, ` +
        `${m.seconds.toFixed(1)} s`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
