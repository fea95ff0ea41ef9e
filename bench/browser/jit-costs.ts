/**
 * What else the renderer does while the profile worker opens a file given right after load: gives
 * FILE to a fresh page under Chrome tracing (V8's compile and GC categories on) and, between the
 * worker's `flamelens:worker:read` mark and the page's `flamelens:page:drawn`, sums per thread the
 * time of V8's compile and GC events (the background threads' Maglev and TurboFan jobs), and the
 * wall and CPU time of the worker's own task. On a 2-core machine the background compile jobs of
 * code first optimised during the real file compete with the worker for a core; this shows how
 * much, for comparing warm-up strategies.
 *
 *   node --import tsx bench/browser/jit-costs.ts DIST FILE [RUNS] [--idle-ms N] [--top N]
 *
 * DIST is a `vite build` output (e.g. bench/out/browser-dist). Prints per-run means.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { argValue } from '../lib/sizes';
import { serveApp, traceFirstDraw } from './app';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

const COSTS = /Compile|Optimize|Parse|GC|Maglev|Turbofan|Sparkplug/i;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const idleMs = Number(argValue(argv, '--idle-ms') ?? 0);
  const top = Number(argValue(argv, '--top') ?? 25);
  const positional = argv.filter((a, i) => !a.startsWith('--') && !['--idle-ms', '--top'].includes(argv[i - 1] ?? ''));
  const [dist, file] = positional;
  const runs = Number(positional[2] ?? 5);
  if (!dist || !file) throw new Error('usage: jit-costs.ts DIST FILE [RUNS] [--idle-ms N] [--top N]');
  const server = await serveApp(resolve(dist));
  const dir = mkdtempSync(join(tmpdir(), 'flamelens-jit-'));
  const sums = new Map<string, number>();
  const add = (k: string, v: number) => sums.set(k, (sums.get(k) ?? 0) + v);
  let measured = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const path = join(dir, `trace-${r}.json`);
      const categories = ['blink.user_timing', 'devtools.timeline', '__metadata', 'v8', 'disabled-by-default-v8.compile', 'disabled-by-default-v8.gc'];
      await traceFirstDraw(server.url, file, path, categories, idleMs);
      const events = (JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
      const threads = new Map<string, string>();
      for (const e of events) if (e.name === 'thread_name') threads.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
      const t0 = events.find((e) => e.name === 'flamelens:worker:read')?.ts;
      const t1 = events.find((e) => e.name === 'flamelens:page:drawn')?.ts;
      if (t0 === undefined || t1 === undefined) continue;
      measured++;
      add('window: worker read → page drawn (wall)', (t1 - t0) / 1000);
      for (const e of events) {
        if (e.ph !== 'X' || !e.dur) continue;
        let thread = threads.get(`${e.pid}/${e.tid}`) ?? '?';
        if (thread.startsWith('ThreadPool')) thread = 'background pool';
        // The worker's task that opens the file (it starts before the window: the read).
        if (thread.startsWith('DedicatedWorker') && e.name === 'HandlePostMessage' && e.ts <= t0 && e.ts + e.dur >= t0 && e.tdur !== undefined) {
          add('worker: opening task, wall', e.dur / 1000);
          add('worker: opening task, CPU', e.tdur / 1000);
        }
        if (!COSTS.test(e.name)) continue;
        const s = Math.max(e.ts, t0);
        const t = Math.min(e.ts + e.dur, t1);
        if (t > s) add(`${thread.padEnd(22)} ${e.name}`, (t - s) / 1000);
      }
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`means over ${measured} runs (ms; nested events overlap: TurbofanTask contains OptimizeBackground):`);
  for (const [k, v] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(v / Math.max(1, measured)).toFixed(1).padStart(8)}  ${k}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
