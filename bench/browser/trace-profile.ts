/**
 * Where the time goes when Flamelens opens a benchmark file in Chromium: one load under Chrome
 * tracing with the V8 sampling profiler on (category disabled-by-default-v8.cpu_profiler), which
 * samples every thread of the renderer — the page's main thread and the profile worker. The app is
 * built unminified (bench/out/browser-dist-profile) so that function names survive.
 *
 *   node --import tsx bench/browser/trace-profile.ts [--sizes 200k] [--graph] [--top 25] [--no-build] [--first-draw]
 *   node --import tsx bench/browser/trace-profile.ts --summarise bench/out/trace-200k.json [--first-draw]
 *
 * --first-draw counts only the samples between the worker's `flamelens:worker:read` mark and the
 * page's `flamelens:page:drawn` (the first draw of the file, without the warm-up before it).
 *
 * Prints, per thread, self time by function (with % of that thread's busy samples) and the total
 * time of the app's main phases; writes the trace to bench/out/trace-<size>.json.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR, REPO_DIR, argValue, parseSizes, profilePath } from '../lib/sizes';
import { VIEWPORT, launchChromium, serveApp } from './app';
import { installPageHooks } from './page-hooks';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  id?: string;
  ts: number;
  args?: {
    name?: string;
    data?: {
      startTime?: number;
      cpuProfile?: { nodes?: { id: number; parent?: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

const DIST = join(OUT_DIR, 'browser-dist-profile');

function summarise(tracePath: string, topN: number, firstDraw = false): string {
  const { traceEvents } = JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: TraceEvent[] };
  // Sample times are on the trace's clock (µs): a profile's startTime plus its deltas so far.
  const from = firstDraw ? traceEvents.find((e) => e.name === 'flamelens:worker:read')?.ts : undefined;
  const to = firstDraw ? traceEvents.find((e) => e.name === 'flamelens:page:drawn')?.ts : undefined;
  if (firstDraw && (from === undefined || to === undefined)) throw new Error('--first-draw: the trace has no flamelens marks');
  const clock = new Map<string, number>();
  const threadName = new Map<string, string>();
  for (const e of traceEvents) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  // One profile per thread: id → its thread, nodes and self time per node.
  const profiles = new Map<string, { thread: string; nodes: Map<number, { name: string; parent?: number }>; self: Map<number, number> }>();
  for (const e of traceEvents) {
    if (e.name !== 'Profile' && e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    let p = profiles.get(key);
    if (!p) profiles.set(key, (p = { thread: threadName.get(`${e.pid}:${e.tid}`) ?? `tid ${e.tid}`, nodes: new Map(), self: new Map() }));
    const data = e.args?.data;
    for (const n of data?.cpuProfile?.nodes ?? []) {
      const url = (n.callFrame.url ?? '').replace(/^.*\/assets\//, '');
      p.nodes.set(n.id, { name: `${n.callFrame.functionName || '(anonymous)'}${url ? ` ${url}:${(n.callFrame.lineNumber ?? 0) + 1}` : ''}`, parent: n.parent });
    }
    const samples = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    if (data?.startTime !== undefined) clock.set(key, data.startTime);
    let t = clock.get(key) ?? 0;
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] ?? 0;
      if (from !== undefined && (t < from || t > to!)) continue;
      p.self.set(samples[i]!, (p.self.get(samples[i]!) ?? 0) + Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0));
    }
    clock.set(key, t);
  }
  const out: string[] = [];
  for (const p of profiles.values()) {
    const byName = new Map<string, number>();
    const incl = new Map<string, number>();
    let busy = 0;
    for (const [id, us] of p.self) {
      const n = p.nodes.get(id);
      const name = n?.name ?? '?';
      if (name.startsWith('(idle)') || name.startsWith('(program)')) continue;
      busy += us;
      byName.set(name, (byName.get(name) ?? 0) + us);
      // Inclusive: every distinct function on the stack.
      const seen = new Set<string>();
      for (let a: number | undefined = id; a !== undefined; a = p.nodes.get(a)?.parent) {
        const nm = p.nodes.get(a)?.name ?? '?';
        if (!seen.has(nm)) {
          seen.add(nm);
          incl.set(nm, (incl.get(nm) ?? 0) + us);
        }
      }
    }
    if (busy < (firstDraw ? 5_000 : 50_000)) continue; // threads that were nearly idle
    const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
    out.push(`\n== ${p.thread}: ${(busy / 1000).toFixed(0)} ms busy (sampled)`);
    out.push('  self:');
    for (const [n, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, topN)) out.push(`   ${pct(us)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${n}`);
    out.push('  inclusive (app functions):');
    for (const [n, us] of [...incl]
      .filter(([n]) => /\.js:\d+$/.test(n) && !/^\(anonymous\)/.test(n))
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN))
      out.push(`   ${pct(us)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${n}`);
  }
  return out.join('\n');
}


async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const size = parseSizes(argValue(argv, '--sizes') ?? '200k')[0]!;
  const topN = Number(argValue(argv, '--top') ?? 25);
  const graph = argv.includes('--graph');
  const only = argValue(argv, '--summarise');
  const firstDraw = argv.includes('--first-draw');
  if (only) {
    console.log(summarise(only, topN, firstDraw));
    return;
  }
  if (!argv.includes('--no-build')) {
    const r = spawnSync('npx', ['vite', 'build', '--minify', 'false', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'], { cwd: REPO_DIR, stdio: 'inherit', timeout: 600_000 });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const server = await serveApp(DIST);
  const browser = await launchChromium();
  const tracePath = join(OUT_DIR, `trace-${size.name}${graph ? '-graph' : ''}.json`);
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    await page.addInitScript(installPageHooks);
    await page.goto(`${server.url}/?mode=file&view=flame`);
    if (!graph) {
      await browser.startTracing(page, {
        path: tracePath,
        categories: ['disabled-by-default-v8.cpu_profiler', 'v8.execute', '__metadata', ...(firstDraw ? ['blink.user_timing'] : [])],
      });
    }
    const t0 = Date.now();
    await page.setInputFiles('[data-testid="file-input"]', profilePath(size));
    await page.waitForFunction(() => (document.querySelector('[data-testid="flamegraph"]')?.getAttribute('data-draws') ?? '0') !== '0', undefined, { timeout: 300_000 });
    console.log(`first draw after ${Date.now() - t0} ms (wall, under tracing)`);
    if (graph) {
      await browser.startTracing(page, { path: tracePath, categories: ['disabled-by-default-v8.cpu_profiler', 'v8.execute', '__metadata'] });
      const t1 = Date.now();
      await page.click('[data-testid="view-graph"]');
      await page.locator('[data-testid="callgraph"] svg g.node').first().waitFor({ timeout: 300_000 });
      console.log(`graph after ${Date.now() - t1} ms (wall, under tracing)`);
    }
    await page.waitForTimeout(300);
    await browser.stopTracing();
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(summarise(tracePath, topN, firstDraw));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
