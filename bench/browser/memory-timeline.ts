/**
 * Where a large file's renderer memory goes over time: opens FILE in Flamelens (the build in
 * bench/out/browser-dist, from `browser-bench.ts`) and prints the renderer's resident memory every
 * 100 ms with the page's progress text, until the first flame graph draw.
 *
 *   node --import tsx bench/browser/memory-timeline.ts bench/out/profile-u1000000-n5000000-seed3-g1.pb.gz [--after-ms 1000]
 *
 * --after-ms: how long to keep sampling after the draw (the worker prepares the graph 1 s after).
 */
import { join } from 'node:path';
import { VIEWPORT, launchChromium, serveApp } from './app';
import { OUT_DIR } from '../lib/sizes';
import { rendererMemory, rendererPids } from './procs';

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const afterAt = process.argv.indexOf('--after-ms');
  const afterMs = afterAt > 0 ? Number(process.argv[afterAt + 1]) : 1000;
  const server = await serveApp(join(OUT_DIR, 'browser-dist'));
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(`${server.url}/?mode=file&view=flame`);
  const t0 = performance.now();
  let peak = 0;
  const timer = setInterval(() => {
    const mem = rendererMemory(rendererPids());
    const rss = Math.max(0, ...mem.map((m) => m.rssBytes));
    const hwm = Math.max(0, ...mem.map((m) => m.hwmBytes));
    peak = Math.max(peak, hwm);
    void page
      .evaluate(() => document.querySelector('[data-testid="progress"]')?.textContent ?? '')
      .then((status) => console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s  rss ${(rss / 2 ** 30).toFixed(2)} GiB  hwm ${(hwm / 2 ** 30).toFixed(2)} GiB  ${status}`))
      .catch(() => undefined);
  }, 250);
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="flamegraph"]')?.getAttribute('data-draws') ?? 0) >= 1, undefined, { timeout: 180_000, polling: 100 });
  const drawnAt = performance.now();
  await new Promise((r) => setTimeout(r, afterMs));
  clearInterval(timer);
  console.log(`first draw at ${((drawnAt - t0) / 1000).toFixed(1)} s, sampled until ${((performance.now() - t0) / 1000).toFixed(1)} s; renderer peak ${(peak / 2 ** 30).toFixed(2)} GiB`);
  await browser.close();
  await server.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
