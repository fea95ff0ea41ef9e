/**
 * First draw of a file opened again in the same page (warm worker and page code), against the
 * first open: separates the cold start (code not yet optimised) from the work itself.
 *
 *   node --import tsx bench/browser/warm-reopen.ts FILE [RUNS] [--idle-ms N]
 *
 * --idle-ms waits that long after the page has loaded before the first open, as a person choosing
 * a file does (the worker warms up meanwhile).
 * Uses the build in bench/out/browser-dist (from browser-bench.ts). Times are from the file
 * input's change event (in the page) to the flame graph's next completed draw.
 */
import { join } from 'node:path';
import { VIEWPORT, launchChromium, serveApp } from './app';
import { OUT_DIR } from '../lib/sizes';

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const runs = Number(process.argv[3] ?? 5);
  const idleAt = process.argv.indexOf('--idle-ms');
  const idleMs = idleAt > 0 ? Number(process.argv[idleAt + 1]) : 0;
  const server = await serveApp(join(OUT_DIR, 'browser-dist'));
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(`${server.url}/?mode=file&view=flame`);
  await page.evaluate(() => {
    const w = window as Window & { __reopen?: { change: number[]; draws: number[] } };
    w.__reopen = { change: [], draws: [] };
    addEventListener('change', () => w.__reopen!.change.push(performance.now()), true);
    new MutationObserver(() => w.__reopen!.draws.push(performance.now())).observe(document.documentElement, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-draws'],
    });
  });
  if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const before = await page.evaluate(() => (window as Window & { __reopen?: { draws: number[] } }).__reopen!.draws.length);
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.waitForFunction(
      (n) => {
        const R = (window as Window & { __reopen?: { change: number[]; draws: number[] } }).__reopen!;
        return R.draws.length > n && R.draws[R.draws.length - 1]! > R.change[R.change.length - 1]!;
      },
      before,
      { timeout: 180_000 },
    );
    const ms = await page.evaluate(() => {
      const R = (window as Window & { __reopen?: { change: number[]; draws: number[] } }).__reopen!;
      const t = R.change[R.change.length - 1]!;
      return R.draws.find((d) => d > t)! - t;
    });
    times.push(ms);
    console.log(`open #${r + 1}: ${ms.toFixed(0)} ms${r === 0 ? ' (cold)' : ''}`);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  console.log(`cold ${times[0]!.toFixed(0)} ms; warm median ${warm[Math.floor(warm.length / 2)]!.toFixed(0)} ms (${warm.length} runs)`);
  await browser.close();
  await server.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
