/**
 * Browser benchmark: Flamelens and speedscope in real Chromium on the generated profiles, in one
 * run: first draw against the model floor, renderer memory, speedscope side by side, then hover
 * and zoom, the call graph, the call tree and the diff in the page that drew; last, the call graph
 * of a real profile (testdata/profiles/large.cpu).
 *
 *   node --import tsx bench/browser-bench.ts [--sizes 10k,200k,1m] [--runs N | --runs 10k=5,1m=2]
 *        [--speedscope-runs N | 10k=3,...] [--no-build] [--no-speedscope] [--no-diff]
 *   npm run bench -- --only browser
 *
 * The app is built with vite into bench/out/browser-dist and served by the project's own server
 * (browser/app.ts); speedscope's built app by a static server. Every first draw has a fresh
 * Chromium whose page has loaded and been idle for 1 s (browser/session.ts), as when a person
 * picks a file. A floor run (model-bench.ts's gunzip + decode, in a process of its own:
 * browser/floor.ts) comes right before each Flamelens first draw, so that "draw / floor" divides
 * two medians measured side by side on a machine whose speed may drift.
 * Results: tables and targets (PASS / FAIL) on stdout, bench/out/browser-bench.json and
 * bench/out/browser-bench.md (the Markdown for BENCHMARKS.md's latest table).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromiumExecutable } from '../scripts/chromium-path';
import { ensureProfiles } from './generate';
import { serveApp } from './browser/app';
import { FloorProcess } from './browser/floor';
import { interactions } from './browser/interactions';
import { type ProfileResult, fmt, render } from './browser/report';
import { type App, type FirstDraw, type Session, endSession, firstDraw, log, openSession, withTimeout } from './browser/session';
import { startStaticServer } from './browser/static-server';
import { diffFirstDraw, graphRuns, treeExpandAll } from './browser/views';
import { mib } from './lib/report';
import { type BenchSize, OUT_DIR, REPO_DIR, argValue, parseSizes, profilePath, runsFor } from './lib/sizes';

const LARGE_CPU = join(REPO_DIR, 'testdata', 'profiles', 'large.cpu');
const SPEEDSCOPE_DIR = join(REPO_DIR, 'node_modules', 'speedscope', 'dist', 'release');
const DIST_DIR = join(OUT_DIR, 'browser-dist');
const MINUTE = 60_000;

// 10k first draws are short and vary most from run to run: more runs for a steadier median.
const DEFAULT_RUNS: Record<string, number> = { '10k': 11, '200k': 3, '1m': 2 };
const DEFAULT_SPEEDSCOPE_RUNS: Record<string, number> = { '10k': 3, '200k': 3, '1m': 1 };
const DEFAULT_GRAPH_RUNS: Record<string, number> = { '10k': 3, '200k': 3, '1m': 3, 'large.cpu': 4 };

interface Options {
  runsArg?: string;
  speedscopeRunsArg?: string;
  speedscope: boolean;
  diff: boolean;
}

const drawText = (d: FirstDraw) => (d.ok ? fmt(d.drawMs) : d.status);
const idleText = (d: FirstDraw) =>
  d.pageIdle
    ? ` (page loaded at ${fmt(d.pageIdle.loaded)}, last busy at ${fmt(d.pageIdle.lastBusy)}, idle ${fmt(d.pageIdle.idleFor)})`
    : '';
const message = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0]! : String(e));
const failed = (status: string): FirstDraw => ({
  ok: false,
  status,
  wallMs: NaN,
  peakRendererHwm: NaN,
  peakRendererRssSampled: NaN,
  peakJsHeapUsed: NaN,
});

/** A fresh browser for one first draw of `file`; `after` (which keeps its own errors) runs in the same page once it has drawn. */
async function oneRun(app: App, url: string, file: string, after?: (s: Session) => Promise<void>): Promise<FirstDraw> {
  let s: Session | undefined;
  try {
    s = await openSession(app, url);
    const d = await firstDraw(s, file);
    if (d.ok && after) await after(s);
    return d;
  } catch (e) {
    return failed(message(e));
  } finally {
    if (s) await endSession(s);
  }
}

/** Flamelens first draws of one generated size, a floor run before each; the last run goes on to the interactions and views. */
async function flamelensRuns(size: BenchSize, url: string, o: Options, res: ProfileResult): Promise<void> {
  const file = profilePath(size);
  const runs = runsFor(o.runsArg, size.name, DEFAULT_RUNS[size.name] ?? 3);
  const floor = await FloorProcess.start(size);
  try {
    for (let r = 0; r < runs; r++) {
      const f = await floor.run();
      res.floorRuns.push(f);
      const last = r === runs - 1;
      const d = await oneRun('flamelens', url, file, last ? (s) => afterFirstDraw(s, size, file, o, res) : undefined);
      res.flamelens.push(d);
      log(
        `${size.name} #${r + 1}: floor ${fmt(f.totalMs)}, Flamelens ${drawText(d)}, renderer peak ${mib(d.peakRendererHwm)}${idleText(d)}`,
      );
    }
  } finally {
    floor.close();
  }
}

/** Interactions, call graph, call tree and diff, in the page that has just drawn the file. */
async function afterFirstDraw(s: Session, size: BenchSize, file: string, o: Options, res: ProfileResult): Promise<void> {
  try {
    res.interactions = await withTimeout(interactions(s.page, 12345 + size.seed), 5 * MINUTE, 'interactions');
    log(`  interactions: ${JSON.stringify(res.interactions)}`);
    res.graph = await withTimeout(graphRuns(s.page, DEFAULT_GRAPH_RUNS[size.name] ?? 3), 5 * MINUTE, 'graph');
    log(`  graph: ${JSON.stringify(res.graph)}`);
    res.tree = await withTimeout(treeExpandAll(s.page), 5 * MINUTE, 'tree');
    log(`  tree: ${JSON.stringify(res.tree)}`);
    if (o.diff) {
      res.diff = await withTimeout(diffFirstDraw(s.page, file), 10 * MINUTE, 'diff');
      log(`  diff with itself: ${JSON.stringify(res.diff)}`);
    }
  } catch (e) {
    res.error = message(e);
    log(`  error: ${res.error}`);
  }
}

/** speedscope's first draws; a crash or a timeout is not retried. */
async function speedscopeRuns(size: BenchSize, url: string, o: Options): Promise<FirstDraw[]> {
  const out: FirstDraw[] = [];
  const runs = runsFor(o.speedscopeRunsArg, size.name, DEFAULT_SPEEDSCOPE_RUNS[size.name] ?? 3);
  for (let r = 0; r < runs; r++) {
    const d = await oneRun('speedscope', url, profilePath(size));
    out.push(d);
    log(
      `${size.name} #${r + 1}: speedscope ${drawText(d)} (${fmt(d.wallMs)} in all), renderer peak ${mib(Math.max(d.peakRendererHwm, d.peakRendererRssSampled))}${idleText(d)}`,
    );
    if (!d.ok) break;
  }
  return out;
}

/** Builds the app into bench/out/browser-dist (not dist/, which the e2e tests use). */
function build(): void {
  log(`vite build → ${relative(REPO_DIR, DIST_DIR)}`);
  const r = spawnSync('npx', ['vite', 'build', '--outDir', DIST_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: REPO_DIR,
    stdio: 'inherit',
    timeout: 10 * MINUTE,
  });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const sizes = parseSizes(argValue(argv, '--sizes'));
  const o: Options = {
    runsArg: argValue(argv, '--runs'),
    speedscopeRunsArg: argValue(argv, '--speedscope-runs'),
    speedscope: !argv.includes('--no-speedscope'),
    diff: !argv.includes('--no-diff'),
  };
  const started = new Date();
  const tStart = performance.now();
  const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO_DIR, encoding: 'utf8' }).stdout.trim();

  ensureProfiles(sizes);
  if (!argv.includes('--no-build')) build();
  else if (!existsSync(join(DIST_DIR, 'index.html'))) throw new Error(`${DIST_DIR} missing: run without --no-build`);
  const server = await serveApp(DIST_DIR);
  const speedscope = await startStaticServer(SPEEDSCOPE_DIR);
  const flamelensUrl = `${server.url}/?mode=file&view=flame`;
  log(`Flamelens ${server.url}, speedscope ${speedscope.url}, Chromium ${chromiumExecutable()}`);

  const results: ProfileResult[] = [];
  try {
    for (const size of sizes) {
      const res: ProfileResult = { size: size.name, file: relative(REPO_DIR, profilePath(size)), floorRuns: [], flamelens: [] };
      results.push(res);
      await flamelensRuns(size, flamelensUrl, o, res);
      if (o.speedscope) res.speedscope = await speedscopeRuns(size, `${speedscope.url}/index.html`, o);
      writeJson('browser-bench.partial.json', results);
    }
    // A real profile (issue 8): its first draw, then the call graph.
    if (existsSync(LARGE_CPU)) {
      const res: ProfileResult = { size: 'large.cpu', file: relative(REPO_DIR, LARGE_CPU), floorRuns: [], flamelens: [] };
      results.push(res);
      const d = await oneRun('flamelens', flamelensUrl, LARGE_CPU, async (s) => {
        res.graph = await withTimeout(graphRuns(s.page, DEFAULT_GRAPH_RUNS['large.cpu']!), 5 * MINUTE, 'graph').catch(
          (e: unknown) => {
            res.error = message(e);
            return undefined;
          },
        );
      });
      res.flamelens.push(d);
      log(`large.cpu: Flamelens ${drawText(d)}, graph ${JSON.stringify(res.graph)}`);
    }
  } finally {
    await speedscope.close();
    await withTimeout(server.close(), 20_000, 'server.close').catch(() => {});
  }

  const meta = {
    command: `node --import tsx bench/browser-bench.ts ${argv.join(' ')}`.trim(),
    date: started.toISOString(),
    durationS: (performance.now() - tStart) / 1000,
    gitHead: git('rev-parse', '--short', 'HEAD'),
    gitDirty: git('status', '--porcelain', '--', 'src').length > 0,
    chromium: spawnSync(chromiumExecutable() ?? 'chromium', ['--version'], { encoding: 'utf8' }).stdout.trim(),
  };
  const report = render(results, meta);
  console.log(`\n${report.text}`);
  writeJson('browser-bench.json', {
    benchmark: 'browser: first draw, memory, speedscope, interactions, graph, tree, diff',
    ...meta,
    results,
    targets: report.targets,
  });
  writeFileSync(join(OUT_DIR, 'browser-bench.md'), `${report.markdown}\n`);
  log(`wrote bench/out/browser-bench.json and bench/out/browser-bench.md (${meta.durationS.toFixed(0)} s in all)`);
  // A benchmark that measured nothing has failed; a target missed is a result, not an error.
  return results.some((r) => r.flamelens.some((d) => d.ok)) ? 0 : 1;
}

function writeJson(name: string, value: unknown): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, name), JSON.stringify(value, null, 2));
}

main()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
