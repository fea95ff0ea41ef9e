/**
 * Where the first draw's time goes: gives FILE to a fresh page (as browser-bench.ts does: right
 * after the load event, or after --idle-ms) under Chrome tracing, and reads the app's User Timing
 * marks (`flamelens:…`, set by the page and the profile worker) and the file input's change event
 * from the trace, which puts both threads on one clock. Prints each step's median over the runs.
 *
 *   node --import tsx bench/browser/first-draw-phases.ts FILE [RUNS] [--idle-ms N] [--dist DIR] [--all-marks]
 *
 * Uses the build in bench/out/browser-dist (from browser-bench.ts) unless --dist says otherwise.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OUT_DIR, argValue } from '../lib/sizes';
import { serveApp, traceFirstDraw } from './app';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  args?: { data?: { type?: string } };
}

/** Steps in order: [label, from, to]; the marks are the app's, 'change' is the input's event. */
const STEPS: [string, string, string, string][] = [
  ['request', 'page: change → open request', 'change', 'page:open'],
  ['to-worker', 'to the worker (incl. a warm-up step in progress)', 'page:open', 'worker:open'],
  ['read', 'worker: read the file + gunzip', 'worker:open', 'worker:read'],
  ['decode', 'worker: decode', 'worker:read', 'worker:decoded'],
  ['trie', 'worker: stack trie', 'worker:decoded', 'worker:opened'],
  ['flame', 'worker: flame graph', 'worker:opened', 'worker:flame-built'],
  ['page', 'page: receive, render, draw', 'worker:flame-built', 'page:drawn'],
  ['total', 'total: change → drawn', 'change', 'page:drawn'],
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const idleMs = Number(argValue(argv, '--idle-ms') ?? 0);
  const dist = resolve(argValue(argv, '--dist') ?? join(OUT_DIR, 'browser-dist'));
  const positional = argv.filter((a, i) => !a.startsWith('--') && !['--idle-ms', '--dist'].includes(argv[i - 1] ?? ''));
  const file = positional[0];
  const runs = Number(positional[1] ?? 7);
  if (!file) throw new Error('usage: first-draw-phases.ts FILE [RUNS] [--idle-ms N] [--dist DIR]');
  const traceDir = mkdtempSync(join(tmpdir(), 'flamelens-phases-'));
  const server = await serveApp(dist);
  const perStep: number[][] = STEPS.map(() => []);
  // --all-marks: every mark's offset from the change event, for marks added while investigating.
  const allMarks = argv.includes('--all-marks');
  const markOffsets = new Map<string, number[]>();
  try {
    for (let r = 0; r < runs; r++) {
      const tracePath = join(traceDir, `trace-${r}.json`);
      await traceFirstDraw(server.url, file, tracePath, ['blink.user_timing', 'devtools.timeline', '__metadata'], idleMs);
      const { traceEvents } = JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: TraceEvent[] };
      // Each mark's first occurrence after the change event (the warm-up runs some of the same code).
      const change = traceEvents.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'change')?.ts ?? NaN;
      const at = new Map<string, number>([['change', change]]);
      for (const e of [...traceEvents].sort((a, b) => a.ts - b.ts)) {
        if (e.cat.includes('user_timing') && e.name.startsWith('flamelens:') && e.ts >= change && !at.has(e.name.slice(10))) at.set(e.name.slice(10), e.ts);
      }
      for (const [name, ts] of at) if (allMarks) markOffsets.set(name, [...(markOffsets.get(name) ?? []), (ts - change) / 1000]);
      const line = STEPS.map(([short, , from, to], k) => {
        const ms = ((at.get(to) ?? NaN) - (at.get(from) ?? NaN)) / 1000;
        perStep[k]!.push(ms);
        return `${short} ${ms.toFixed(0)}`;
      });
      console.log(`run ${r + 1}: ${line.join(', ')} ms`);
    }
  } finally {
    await server.close();
    rmSync(traceDir, { recursive: true, force: true });
  }
  const median = (x: number[]) => {
    const s = x.filter(Number.isFinite).sort((a, b) => a - b);
    return s.length ? s[Math.floor(s.length / 2)]! : NaN;
  };
  console.log(`\nmedians over ${runs} runs (${file}${idleMs ? `, given after ${idleMs} ms idle` : ', given right after load'}):`);
  for (const [k, [, label]] of STEPS.entries()) console.log(`  ${median(perStep[k]!).toFixed(0).padStart(5)} ms  ${label}`);
  if (allMarks) {
    console.log('\nevery mark, median ms after the change event:');
    const rows = [...markOffsets].map(([name, x]) => [name, median(x)] as const).sort((a, b) => a[1] - b[1]);
    for (const [name, ms] of rows) console.log(`  ${ms.toFixed(1).padStart(7)}  ${name}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
