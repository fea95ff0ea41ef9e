/**
 * First draw of one file by two builds of the app, in alternation (A, B, A, B, …), each run in a
 * fresh browser: on a shared machine whose speed drifts, only builds measured side by side can be
 * compared. Timed as browser-bench.ts times it (page hooks: the file input's change event to the
 * flame graph's first completed draw), with the file given right after the page's load event, or
 * after --idle-ms.
 *
 *   node --import tsx bench/browser/ab-first-draw.ts DIST_A DIST_B FILE [RUNS] [--idle-ms N]
 *
 * To build an older commit into DIST_A:
 *   git worktree add /tmp/old <commit> && ln -s "$PWD/node_modules" /tmp/old/node_modules
 *   (cd /tmp/old && npx vite build --outDir "$OLDPWD/bench/out/dist-a" --emptyOutDir)
 */
import { resolve } from 'node:path';
import { argValue } from '../lib/sizes';
import { VIEWPORT, launchChromium, primePlaywright, serveApp } from './app';
import { type BenchState, installPageHooks } from './page-hooks';

type W = Window & { __bench?: BenchState };

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const idleMs = Number(argValue(argv, '--idle-ms') ?? 0);
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--idle-ms');
  const [distA, distB, file] = positional;
  const runs = Number(positional[3] ?? 9);
  if (!distA || !distB || !file) throw new Error('usage: ab-first-draw.ts DIST_A DIST_B FILE [RUNS] [--idle-ms N]');
  const dists = [resolve(distA), resolve(distB)];
  const servers = await Promise.all(dists.map((d) => serveApp(d)));
  const times: number[][] = [[], []];
  try {
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < 2; k++) {
        const browser = await launchChromium();
        try {
          const page = await browser.newPage({ viewport: VIEWPORT });
          await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
          await page.addInitScript(installPageHooks);
          await page.goto(`${servers[k]!.url}/?mode=file&view=flame`);
          await primePlaywright(page);
          if (idleMs > 0) await page.waitForTimeout(idleMs);
          await page.setInputFiles('[data-testid="file-input"]', file);
          await page.waitForFunction(() => (window as W).__bench!.marks.some((m) => m.id === 'flamegraph' && m.attr === 'data-draws' && m.n >= 1), undefined, {
            polling: 50,
            timeout: 120_000,
          });
          const ms = await page.evaluate(() => {
            const B = (window as W).__bench!;
            return B.marks.find((m) => m.id === 'flamegraph' && m.attr === 'data-draws' && m.n >= 1)!.t - B.change[0]!;
          });
          times[k]!.push(ms);
          console.log(`${k === 0 ? 'A' : 'B'} #${r + 1}: ${ms.toFixed(0)} ms`);
        } finally {
          await browser.close();
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
  const [a, b] = [median(times[0]!), median(times[1]!)];
  console.log(`A ${distA}: median ${a.toFixed(0)} ms (${times[0]!.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`B ${distB}: median ${b.toFixed(0)} ms (${times[1]!.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`B / A = ${(b / a).toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
