/**
 * Profile decode + aggregation benchmark (issue 2, "Speed").
 *
 * For each generated size, in one process, medians of several runs of:
 *   (a) the floor: fflate gunzipSync + pprof-format Profile.decode, nothing else;
 *   (b) Flamelens: openProfile(bytes) (gunzip, decode, validation, flattening, stack trie) then
 *       session.top(defaultSampleIndex, 'functions'), the aggregation every view needs.
 * Plus a per-phase breakdown of (b), memory (peak RSS growth in a fresh process per variant, and
 * the heap retained by the result after a full GC), and a sanity check of the top table against
 * sums computed independently from pprof-format's decode.
 *
 *   node --max-old-space-size=16384 --expose-gc --import tsx bench/model-bench.ts
 *        [--sizes 10k,200k,1m] [--runs N | --runs 10k=15,1m=1] [--breakdown 10k,200k] [--no-peak] [--no-breakdown]
 *
 * (re-executes itself with those node flags when started without --expose-gc, e.g. by `tsx`).
 * Results: a table on stdout and bench/out/model-bench.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { aggregateGraph } from '../src/profile/model/aggregate';
import { gunzipLimited } from '../src/common/gzip';
import { loadProfile } from '../tests/oracle/load';
import { toProfileData } from '../tests/oracle/profile-data';
import { ProfileSession, openProfile } from '../src/profile/model/session';
import { buildStackTrie } from '../src/profile/model/stack-trie';
import { topRows } from '../src/profile/reports/top';
import { type ProfileMeta, ensureProfiles } from './generate';
import { markdownTable, median, mib, seconds, textTable } from './lib/report';
import { checkTopAgainstDecode } from './lib/sanity';
import { type BenchSize, OUT_DIR, REPO_DIR, argValue, metaPath, parseSizes, profilePath, runsFor } from './lib/sizes';

export const NODE_FLAGS = ['--max-old-space-size=16384', '--expose-gc'];
const SELF = fileURLToPath(import.meta.url);
const TARGET_RATIO = 1.5;

type Gc = () => void;
const gc = (globalThis as { gc?: Gc }).gc;

/** Runs per size: fewer for the big one, whose runs take seconds. */
function defaultRuns(size: BenchSize): number {
  if (size.samples <= 100_000) return 15;
  if (size.samples <= 1_000_000) return 5;
  return 3;
}

function heapNow(): { heapUsed: number; arrayBuffers: number; rss: number } {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/** Live heap (JS heap + ArrayBuffer backing stores) after a full GC. */
function liveAfterGc(): number {
  gc!();
  const m = heapNow();
  return m.heapUsed + m.arrayBuffers;
}

interface FloorRun {
  gunzipMs: number;
  decodeMs: number;
  totalMs: number;
}
interface FlamelensRun {
  openMs: number;
  topMs: number;
  totalMs: number;
}

function runFloor(gz: Uint8Array): { run: FloorRun; profile: Profile } {
  const t0 = performance.now();
  const raw = gunzipSync(gz);
  const t1 = performance.now();
  const profile = Profile.decode(raw);
  const t2 = performance.now();
  return { run: { gunzipMs: t1 - t0, decodeMs: t2 - t1, totalMs: t2 - t0 }, profile };
}

function runFlamelens(gz: Uint8Array): { run: FlamelensRun; session: ProfileSession; top: ReturnType<ProfileSession['top']> } {
  const t0 = performance.now();
  const session = openProfile(gz);
  const t1 = performance.now();
  const top = session.top(session.data.defaultSampleIndex, 'functions');
  const t2 = performance.now();
  return { run: { openMs: t1 - t0, topMs: t2 - t1, totalMs: t2 - t0 }, session, top };
}

/** One run of each where runs are short (the JIT's warm-up); multi-second runs amortise it. */
export function warmUp(size: BenchSize, gz: Uint8Array): void {
  if (size.samples > 100_000) return;
  runFloor(gz);
  runFlamelens(gz);
}

/** A timed floor run after a full GC; with `retained`, also the heap its result holds. */
export function timedFloor(gz: Uint8Array, retained: boolean) {
  const base = liveAfterGc();
  const f = runFloor(gz);
  return { run: f.run, retained: retained ? liveAfterGc() - base : NaN };
}

/** A timed Flamelens run after a full GC; with `retained`, also the heap its session holds. */
function timedFlamelens(gz: Uint8Array, retained: boolean) {
  const base = liveAfterGc();
  const b = runFlamelens(gz);
  return {
    run: b.run,
    retained: retained ? liveAfterGc() - base : NaN,
    top: b.top,
    summary: b.session.summary(),
    sampleIndex: b.session.data.defaultSampleIndex,
  };
}

/** The phases of (b), called one by one through src/profile's own modules. */
function runBreakdown(gz: Uint8Array) {
  const t: number[] = [performance.now()];
  const lap = () => t.push(performance.now());
  const raw = gunzipLimited(gz);
  lap();
  const profile = loadProfile(raw); // sniff + Profile.decode + validation
  lap();
  const data = toProfileData(profile);
  lap();
  const trie = buildStackTrie(data);
  lap();
  const session = new ProfileSession(data, trie);
  const nodes = session.nodes('functions');
  lap();
  const graph = aggregateGraph(trie, nodes, data.defaultSampleIndex);
  lap();
  const rows = topRows(graph, nodes, 'flat');
  lap();
  const d = (i: number) => t[i + 1]! - t[i]!;
  return {
    phases: {
      gunzipLimited: d(0),
      'loadProfile (decode + validate)': d(1),
      toProfileData: d(2),
      buildStackTrie: d(3),
      buildNodeTable: d(4),
      aggregateGraph: d(5),
      topRows: d(6),
    } as Record<string, number>,
    trieNodes: trie.size,
    rows: rows.length,
  };
}

interface SizeResult {
  size: BenchSize;
  profile: Record<string, unknown> & { uniqueStacks: number; samples: number; gzipBytes: number; rawBytes: number };
  runs: number;
  floorRuns: FloorRun[];
  flamelensRuns: FlamelensRun[];
  median: { floorMs: number; gunzipMs: number; decodeMs: number; flamelensMs: number; openProfileMs: number; topMs: number };
  ratio: number;
  breakdownMs?: Record<string, number>;
  breakdownRuns: number;
  memory: {
    method: string;
    retainedFloor: number;
    retainedFlamelens: number;
    peakFloor?: PeakResult | { error: string };
    peakFlamelens?: PeakResult | { error: string };
  };
  sanity: ReturnType<typeof checkTopAgainstDecode>;
}

interface PeakResult {
  variant: 'floor' | 'flamelens';
  /** Kernel's peak resident set of the fresh process, minus its RSS just before the run. */
  peakRssGrowth: number;
  peakRss: number;
  rssBefore: number;
  /** heapUsed + arrayBuffers after a full GC with the result still referenced, minus before. */
  retained: number;
}

/** Child mode: one run of one variant in a fresh process, for a clean peak. */
function peakChild(size: BenchSize, variant: 'floor' | 'flamelens'): void {
  const gz = new Uint8Array(readFileSync(profilePath(size)));
  const base = liveAfterGc();
  const rssBefore = heapNow().rss;
  const keep = variant === 'floor' ? runFloor(gz).profile : runFlamelens(gz).session;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const retained = liveAfterGc() - base;
  const result: PeakResult = { variant, peakRssGrowth: peakRss - rssBefore, peakRss, rssBefore, retained };
  process.stdout.write(`PEAK ${JSON.stringify(result)}\n`);
  if (keep === undefined) process.exit(1); // keeps `keep` alive up to here
}

function measurePeak(size: BenchSize, variant: 'floor' | 'flamelens'): PeakResult | { error: string } {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, '--import', 'tsx', SELF, '--peak-child', variant, '--sizes', size.name], {
    cwd: REPO_DIR,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('PEAK '));
  if (r.status !== 0 || !line) return { error: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').slice(-500)}` };
  return JSON.parse(line.slice(5)) as PeakResult;
}

function main(): void {
  const argv = process.argv.slice(2);
  const sizes = parseSizes(argValue(argv, '--sizes'));
  const peakVariant = argValue(argv, '--peak-child');
  if (peakVariant === 'floor' || peakVariant === 'flamelens') {
    peakChild(sizes[0]!, peakVariant);
    return;
  }
  const runsArg = argValue(argv, '--runs');
  const withPeak = !argv.includes('--no-peak');
  const breakdownSizes = argValue(argv, '--breakdown')
    ?.split(',')
    .map((x) => x.trim().toLowerCase());

  ensureProfiles(sizes);
  const started = new Date();
  const loadAverageAtStart = os.loadavg();
  const results: SizeResult[] = [];
  let failed = false;
  /** Prints the table (final) and writes bench/out/model-bench.json (after every size). */
  const report = (final: boolean) => {
    const rows = results.map((r) => {
      const pf = r.memory.peakFloor as PeakResult | undefined;
      const pb = r.memory.peakFlamelens as PeakResult | undefined;
      return [
        r.size.name,
        r.profile.uniqueStacks.toLocaleString('en'),
        r.profile.samples.toLocaleString('en'),
        `${mib(r.profile.gzipBytes)} / ${mib(r.profile.rawBytes)}`,
        `${r.runs}`,
        seconds(r.median.floorMs),
        seconds(r.median.openProfileMs),
        seconds(r.median.topMs),
        seconds(r.median.flamelensMs),
        `${r.ratio.toFixed(2)}×`,
        pf ? mib(pf.peakRssGrowth) : '–',
        pb ? mib(pb.peakRssGrowth) : '–',
        `${mib(r.memory.retainedFloor)} / ${mib(r.memory.retainedFlamelens)}`,
        r.sanity.ok ? 'ok' : 'FAILED',
      ];
    });
    const header = [
      'size',
      'stacks',
      'samples',
      'gz / raw',
      'runs',
      '(a) floor',
      'openProfile',
      'top',
      '(b) Flamelens',
      '(b)/(a)',
      'peak RSS (a)',
      'peak RSS (b)',
      'retained (a) / (b)',
      'sanity',
    ];
    const json = () => ({
      benchmark: 'profile decode + aggregation (issue 2)',
      date: started.toISOString(),
      command: `node ${NODE_FLAGS.join(' ')} --import tsx bench/model-bench.ts ${argv.join(' ')}`.trim(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        totalMemBytes: os.totalmem(),
        node: process.version,
        v8: process.versions.v8,
        platform: `${os.platform()} ${os.release()}`,
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg(),
      },
      targetRatio: TARGET_RATIO,
      results,
      markdown: markdownTable(
        header.slice(0, -1),
        rows.map((r) => r.slice(0, -1)),
      ),
    });
    const jsonPath = join(OUT_DIR, 'model-bench.json');
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(jsonPath, JSON.stringify({ ...json(), partial: !final }, null, 2));
    if (!final) return;
    console.log(
      `\nProfile decode + aggregation — medians (${started.toISOString()}; load average ${loadAverageAtStart.map((x) => x.toFixed(1)).join(' ')} at start, ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} at end)\n`,
    );
    console.log(textTable(header, rows));
    for (const r of results) {
      if (r.size.uniqueStacks >= 200_000) {
        console.log(
          `target ≤ ${TARGET_RATIO}× the floor at ${r.size.name}: ${r.ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'} (${r.ratio.toFixed(2)}×)`,
        );
      }
    }
    console.log(`\nwrote ${jsonPath.slice(REPO_DIR.length + 1)}`);
  };
  for (const size of sizes) {
    const meta = JSON.parse(readFileSync(metaPath(size), 'utf8')) as ProfileMeta;
    const gz = new Uint8Array(readFileSync(profilePath(size)));
    const runs = runsFor(runsArg, size.name, defaultRuns(size));
    console.log(
      `\n${size.name}: ${meta.uniqueStacks.toLocaleString('en')} stacks, ${meta.samples.toLocaleString('en')} samples, ` +
        `${mib(meta.gzipBytes)} gzipped / ${mib(meta.rawBytes)} raw; ${runs} runs of each`,
    );

    warmUp(size, gz);
    const floorRuns: FloorRun[] = [];
    const flRuns: FlamelensRun[] = [];
    let retainedFloor = NaN;
    let retainedFlamelens = NaN;
    let lastTop: ReturnType<ProfileSession['top']> | undefined;
    let summary: ReturnType<ProfileSession['summary']> | undefined;
    let sampleIndex = -1;
    for (let r = 0; r < runs; r++) {
      // Alternate the two so that machine noise spreads over both; collect garbage before each run.
      const last = r === runs - 1;
      const f = timedFloor(gz, last);
      floorRuns.push(f.run);
      if (last) retainedFloor = f.retained;
      const b = timedFlamelens(gz, last);
      flRuns.push(b.run);
      if (last) {
        retainedFlamelens = b.retained;
        lastTop = b.top;
        summary = b.summary;
        sampleIndex = b.sampleIndex;
      }
      console.log(
        `  run ${r + 1}: floor ${seconds(f.run.totalMs)} (gunzip ${seconds(f.run.gunzipMs)}, decode ${seconds(f.run.decodeMs)}); ` +
          `Flamelens ${seconds(b.run.totalMs)} (openProfile ${seconds(b.run.openMs)}, top ${seconds(b.run.topMs)})`,
      );
    }

    // Sanity: the top table against sums from pprof-format's decode alone.
    gc!();
    const check = checkTopAgainstDecode(runFloor(gz).profile, sampleIndex, lastTop!, meta.totals);
    if (sampleIndex !== meta.totals.length - 1)
      check.problems.push(`default sample index ${sampleIndex}, expected the last type`);
    if (summary!.sampleCount !== meta.samples) check.problems.push(`sampleCount ${summary!.sampleCount} ≠ ${meta.samples}`);
    check.ok = check.problems.length === 0;
    console.log(
      check.ok
        ? `  sanity: OK (total ${lastTop!.total} = Σ values; flat and cum of all ${check.rowsChecked} rows match the decode)`
        : `  sanity: FAILED\n    ${check.problems.join('\n    ')}`,
    );
    if (!check.ok) failed = true;
    const topRows = lastTop!.names.length;
    lastTop = undefined;
    gc!();

    let breakdown: ReturnType<typeof runBreakdown> | undefined;
    const breakdownRuns = size.samples > 1_000_000 ? 1 : 3;
    const withBreakdown = !argv.includes('--no-breakdown') && (!breakdownSizes || breakdownSizes.includes(size.name));
    if (withBreakdown) {
      const all: ReturnType<typeof runBreakdown>[] = [];
      for (let r = 0; r < breakdownRuns; r++) {
        gc!();
        all.push(runBreakdown(gz));
      }
      const phases: Record<string, number> = {};
      for (const k of Object.keys(all[0]!.phases)) phases[k] = median(all.map((x) => x.phases[k]!));
      breakdown = { ...all[0]!, phases };
      console.log(
        `  breakdown (median of ${breakdownRuns}): ${Object.entries(phases)
          .map(([k, v]) => `${k} ${seconds(v)}`)
          .join(', ')}`,
      );
    }

    let peaks: (PeakResult | { error: string })[] = [];
    if (withPeak) {
      peaks = [measurePeak(size, 'floor'), measurePeak(size, 'flamelens')];
      for (const p of peaks) if ('error' in p) console.log(`  peak measurement failed: ${p.error}`);
    }

    const med = {
      floorMs: median(floorRuns.map((r) => r.totalMs)),
      gunzipMs: median(floorRuns.map((r) => r.gunzipMs)),
      decodeMs: median(floorRuns.map((r) => r.decodeMs)),
      flamelensMs: median(flRuns.map((r) => r.totalMs)),
      openProfileMs: median(flRuns.map((r) => r.openMs)),
      topMs: median(flRuns.map((r) => r.topMs)),
    };
    results.push({
      size,
      profile: {
        file: profilePath(size).slice(REPO_DIR.length + 1),
        uniqueStacks: meta.uniqueStacks,
        samples: meta.samples,
        functions: meta.functions,
        locations: meta.locations,
        inlinedLocations: meta.inlinedLocations,
        meanDepth: meta.meanDepth,
        maxDepth: meta.maxDepth,
        recursiveStackShare: meta.recursiveStackShare,
        depthHistogram: meta.depthHistogram,
        gzipBytes: meta.gzipBytes,
        rawBytes: meta.rawBytes,
        trieNodes: summary!.stackPrefixes + 1,
        topRows,
      },
      runs,
      floorRuns,
      flamelensRuns: flRuns,
      median: med,
      ratio: med.flamelensMs / med.floorMs,
      breakdownMs: breakdown?.phases,
      breakdownRuns: withBreakdown ? breakdownRuns : 0,
      memory: {
        method:
          'peak: kernel max RSS of a fresh process running the variant once, minus its RSS just before; ' +
          'retained: heapUsed + arrayBuffers after a full GC (--expose-gc) with the result referenced, minus before',
        retainedFloor,
        retainedFlamelens,
        peakFloor: peaks.find((p) => 'variant' in p && p.variant === 'floor'),
        peakFlamelens: peaks.find((p) => 'variant' in p && p.variant === 'flamelens'),
      },
      sanity: check,
    });
    report(false); // partial results survive an interrupted run
  }

  report(true);
  if (failed) {
    console.error('sanity check FAILED: the figures above are not trustworthy');
    process.exit(1);
  }
}

/** Without --expose-gc (e.g. started by plain `tsx`), re-run this file with the flags it needs. */
function reexec(): never {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, '--import', 'tsx', SELF, ...process.argv.slice(2)], {
    cwd: REPO_DIR,
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (typeof gc !== 'function') reexec();
  else main();
}
