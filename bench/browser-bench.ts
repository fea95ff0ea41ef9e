/**
 * Browser benchmark (issue 3 "Speed" and issue 8 "Speed"): Flamelens and speedscope in real
 * Chromium on the generated benchmark files, in one run.
 *
 *   node --import tsx bench/browser-bench.ts [--sizes 10k,200k,1m] [--runs N | --runs 10k=5,1m=2]
 *        [--speedscope-runs N | 10k=3,...] [--no-build] [--no-speedscope] [--no-diff]
 *   npm run bench -- --only browser
 *
 * What it does:
 *  1. `npx vite build --outDir bench/out/browser-dist` (not dist/, which the e2e tests use), served
 *     by the project's own server (browser/app.ts serveApp: loopback, empty data dir, no demo);
 *     speedscope's built app (node_modules/speedscope/dist/release) from a static loopback server.
 *  2. First draw: a fresh Chromium per run (FLAMELENS_CHROMIUM or /usr/bin/chromium), one page
 *     1280×800. Flamelens: `/?mode=file&view=flame`, setInputFiles on [data-testid=file-input],
 *     until [data-testid=flamegraph] data-draws ≥ 1. speedscope: index.html, setInputFiles on its
 *     input[type=file], until its first WebGL draw call after its own `import` timer ends (see
 *     browser/page-hooks.ts). Both timed in the page (performance.now()): from the input's
 *     `change` event to the draw call returning, and to the next animation frame.
 *     The model floor (model-bench.ts's gunzip + pprof-format decode, in a process of its own:
 *     browser/floor.ts) is measured once before each Flamelens first draw, and "draw / floor"
 *     divides the two medians: on a machine whose speed drifts, a floor from model-bench.json,
 *     measured minutes earlier, is shown beside it but not used.
 *     Peak renderer memory: the renderer process's VmHWM from /proc (browser/procs.ts), read just
 *     after the first draw (+ 500 ms); CDP Performance.getMetrics JSHeapUsedSize (main thread
 *     only; Flamelens decodes in a worker) sampled every 100 ms as a second figure.
 *  3. In the last Flamelens run of each size: 60 hover moves and 20 zoom clicks (10 in, 10 out)
 *     with rAF intervals recorded in the page, per-interaction latency (event → tooltip mutation
 *     or → data-draws mutation), the call graph (view=graph, until [data-testid=callgraph] svg
 *     g.node exists; first = Graphviz cold) and the call tree (view=tree; expand all below the
 *     first row until data-rows changes).
 *  4. large.cpu (issue 8): the same graph measurement.
 * Results: tables on stdout, bench/out/browser-bench.json and bench/out/browser-bench.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromiumExecutable } from '../scripts/chromium-path';
import { ensureProfiles } from './generate';
import { serveApp } from './browser/app';
import { FloorProcess, type FloorRun } from './browser/floor';
import { interactions } from './browser/interactions';
import { fmt, modelFloors, render } from './browser/report';
import { type FirstDraw, type Json, type Session, endSession, firstDraw, log, openSession, withTimeout } from './browser/session';
import { startStaticServer } from './browser/static-server';
import { diffFirstDraw, graphRuns, treeExpandAll } from './browser/views';
import { mib } from './lib/report';
import { OUT_DIR, REPO_DIR, argValue, parseSizes, profilePath, runsFor } from './lib/sizes';

const LARGE_CPU = join(REPO_DIR, 'testdata', 'profiles', 'large.cpu');
const SPEEDSCOPE_DIR = join(REPO_DIR, 'node_modules', 'speedscope', 'dist', 'release');
const DIST_DIR = join(OUT_DIR, 'browser-dist');

// 10k: first draws of about 0.15 s vary by ±30% on this machine; more runs for a steadier median.
const DEFAULT_RUNS: Record<string, number> = { '10k': 11, '200k': 3, '1m': 2 };
const DEFAULT_SPEEDSCOPE_RUNS: Record<string, number> = { '10k': 3, '200k': 3, '1m': 1 };
const DEFAULT_GRAPH_RUNS: Record<string, number> = { '10k': 3, '200k': 3, '1m': 3, 'large.cpu': 4 };

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const sizes = parseSizes(argValue(argv, '--sizes'));
  const runsArg = argValue(argv, '--runs');
  const ssRunsArg = argValue(argv, '--speedscope-runs');
  const doBuild = !argv.includes('--no-build');
  const doSpeedscope = !argv.includes('--no-speedscope');
  const doDiff = !argv.includes('--no-diff');
  const started = new Date();
  const tStart = performance.now();
  const command = `node --import tsx bench/browser-bench.ts ${argv.join(' ')}`.trim();

  ensureProfiles(sizes);
  if (doBuild) {
    log(`vite build → ${relative(REPO_DIR, DIST_DIR)}`);
    const r = spawnSync('npx', ['vite', 'build', '--outDir', DIST_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: REPO_DIR,
      stdio: 'inherit',
      timeout: 600_000,
    });
    if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
  } else if (!existsSync(join(DIST_DIR, 'index.html'))) throw new Error(`${DIST_DIR} missing: run without --no-build`);

  const server = await serveApp(DIST_DIR);
  const speedscope = await startStaticServer(SPEEDSCOPE_DIR);
  const flamelensUrl = `${server.url}/?mode=file&view=flame`;
  const speedscopeUrl = `${speedscope.url}/index.html`;
  log(`Flamelens ${server.url}, speedscope ${speedscope.url}, Chromium ${chromiumExecutable()}`);
  const gitHead = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).stdout.trim();
  const gitDirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_DIR, encoding: 'utf8' }).stdout.trim().length > 0;

  const results: Json[] = [];
  const graphFiles: { name: string; file: string }[] = [];
  if (existsSync(LARGE_CPU)) graphFiles.push({ name: 'large.cpu', file: LARGE_CPU });
  try {
    for (const size of sizes) {
      const file = profilePath(size);
      const res: Json = { size: size.name, file: relative(REPO_DIR, file) };
      results.push(res);
      // Flamelens first draws; the last run also measures interactions, graph and tree.
      const runs = runsFor(runsArg, size.name, DEFAULT_RUNS[size.name] ?? 3);
      const fl: FirstDraw[] = [];
      // A floor run (in its own process, before the browser starts) before each first draw.
      const floor = await FloorProcess.start(size);
      const floorRuns: FloorRun[] = [];
      res.floorRuns = floorRuns;
      for (let r = 0; r < runs; r++) {
        const last = r === runs - 1;
        let s: Session | undefined;
        try {
          floorRuns.push(await floor.run());
          log(`floor ${size.name} #${r + 1}: ${fmt(floorRuns[r]!.totalMs)}`);
          s = await openSession(flamelensUrl);
          const d = await firstDraw(s, 'flamelens', file);
          fl.push(d);
          log(`flamelens ${size.name} #${r + 1}: ${d.status} draw ${fmt(d.drawMs)}, renderer peak ${mib(d.peakRendererHwm)}`);
          if (last && d.ok) {
            res.interactions = await withTimeout(interactions(s.page, 12345 + size.seed), 5 * 60_000, 'interactions');
            log(`  interactions: ${JSON.stringify(res.interactions)}`);
            res.graph = await withTimeout(graphRuns(s.page, runsFor(undefined, size.name, DEFAULT_GRAPH_RUNS[size.name] ?? 3)), 5 * 60_000, 'graph');
            log(`  graph: ${JSON.stringify(res.graph)}`);
            res.tree = await withTimeout(treeExpandAll(s.page), 5 * 60_000, 'tree');
            log(`  tree: ${JSON.stringify(res.tree)}`);
            if (doDiff) {
              res.diff = await withTimeout(diffFirstDraw(s.page, file), 10 * 60_000, 'diff');
              log(`  diff with itself: ${JSON.stringify(res.diff)}`);
            }
            s.sampler.tick();
            res.peakRendererAfterAll = s.sampler.peak().hwmBytes;
          }
        } catch (e) {
          const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
          log(`flamelens ${size.name} #${r + 1}: error ${msg}`);
          if (fl.length === r) fl.push({ ok: false, status: msg, wallMs: NaN, peakRendererHwm: NaN, peakRendererRssSampled: NaN, peakJsHeapUsed: NaN });
          else res.interactionError = msg;
        } finally {
          if (s) await endSession(s);
        }
      }
      floor.close();
      res.flamelens = fl;
      // speedscope first draws.
      if (doSpeedscope) {
        const sr = runsFor(ssRunsArg, size.name, DEFAULT_SPEEDSCOPE_RUNS[size.name] ?? 3);
        const ss: FirstDraw[] = [];
        for (let r = 0; r < sr; r++) {
          let s: Session | undefined;
          try {
            s = await openSession(speedscopeUrl);
            const d = await firstDraw(s, 'speedscope', file);
            ss.push(d);
            log(`speedscope ${size.name} #${r + 1}: ${d.status} draw ${fmt(d.drawMs)}, renderer peak ${mib(d.peakRendererHwm)} (sampled RSS ${mib(d.peakRendererRssSampled)})`);
            if (!d.ok) break; // a crash or a timeout is not retried
          } catch (e) {
            const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
            log(`speedscope ${size.name} #${r + 1}: error ${msg}`);
            ss.push({ ok: false, status: msg, wallMs: NaN, peakRendererHwm: NaN, peakRendererRssSampled: NaN, peakJsHeapUsed: NaN });
            break;
          } finally {
            if (s) await endSession(s);
          }
        }
        res.speedscope = ss;
      }
      writePartial(results);
    }

    // large.cpu: load, then the graph runs.
    for (const g of graphFiles) {
      let s: Session | undefined;
      const res: Json = { size: g.name, file: g.file };
      results.push(res);
      try {
        s = await openSession(flamelensUrl);
        const d = await firstDraw(s, 'flamelens', g.file);
        res.flamelens = [d];
        log(`flamelens ${g.name}: ${d.status} draw ${fmt(d.drawMs)}`);
        if (d.ok) {
          res.graph = await withTimeout(graphRuns(s.page, DEFAULT_GRAPH_RUNS['large.cpu']!), 5 * 60_000, 'graph');
          log(`  graph: ${JSON.stringify(res.graph)}`);
        }
      } catch (e) {
        res.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
        log(`flamelens ${g.name}: error ${String(res.error)}`);
      } finally {
        if (s) await endSession(s);
      }
    }
  } finally {
    await speedscope.close();
    await withTimeout(server.close(), 20_000, 'server.close').catch(() => {});
  }

  const floors = modelFloors();
  const report = render(results, floors, {
    command,
    date: started.toISOString(),
    durationS: (performance.now() - tStart) / 1000,
    gitHead,
    gitDirty,
    chromium: spawnSync(chromiumExecutable() ?? 'chromium', ['--version'], { encoding: 'utf8' }).stdout.trim(),
  });
  console.log(`\n${report.text}`);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(
    join(OUT_DIR, 'browser-bench.json'),
    JSON.stringify({ benchmark: 'browser: Flamelens vs speedscope, call graph, call tree (issues 3, 8)', ...report.meta, results, floors, pass: report.pass }, null, 2),
  );
  writeFileSync(join(OUT_DIR, 'browser-bench.md'), report.markdown);
  log(`wrote bench/out/browser-bench.json and bench/out/browser-bench.md (${((performance.now() - tStart) / 1000).toFixed(0)} s in all)`);
  return 0;
}

function writePartial(results: Json[]): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'browser-bench.partial.json'), JSON.stringify(results, null, 2));
}

main()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
