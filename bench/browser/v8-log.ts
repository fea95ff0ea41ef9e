/**
 * V8's optimisation log of one first draw, for finding code that drops out of optimised code: runs
 * Chromium with `--js-flags=--trace-opt --trace-deopt` and `--enable-logging=stderr`, gives FILE to
 * the page (after --idle-ms), and prints, in the order they arrived, V8's compiles and bail-outs and
 * the page's and the worker's console messages. For which step a line belongs to, add throw-away
 * `console.log` markers to a build (e.g. in each warm-up step and around the worker's open): they
 * come in the same log. Build DIST unminified (`npx vite build --minify false --outDir …`) for
 * function names.
 *
 *   node --import tsx bench/browser/v8-log.ts DIST FILE [--idle-ms N] [--all]
 *
 * Without --all, compiles of under 1 ms and on-stack-replacement entries are left out. Needs
 * coreutils' stdbuf (the browser runs line-buffered, so that lines keep their order).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../scripts/chromium-path';
import { argValue } from '../lib/sizes';
import { VIEWPORT, serveApp } from './app';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const idleMs = Number(argValue(argv, '--idle-ms') ?? 0);
  const all = argv.includes('--all');
  const [dist, file] = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--idle-ms');
  if (!dist || !file) throw new Error('usage: v8-log.ts DIST FILE [--idle-ms N] [--all]');
  const server = await serveApp(resolve(dist));
  const lines: string[] = [];
  const keep = (raw: string) => {
    for (const line of raw.split('\n')) {
      const console = /INFO:CONSOLE[^\]]*\] (".*?"), source/.exec(line);
      if (console) lines.push(`console ${console[1]}`);
      else if (/\[bailout|\[completed compiling/.test(line)) {
        const text = line
          .replace(/0x[0-9a-f]+ /g, '')
          .replace(/ \(sfi = [^)]*\)/g, '')
          .replace(/, (opt id|deopt exit|FP to SP|caller SP|pc) [^,\]]*/g, '');
        const took = /took [\d.]+, ([\d.]+),/.exec(text);
        if (!all && (/prepare for on stack|OSR'd inner/.test(text) || (took && Number(took[1]) < 1))) continue;
        lines.push(text.trim());
      }
    }
  };
  // A browser server, whose process's output is ours to read (launch hands it to Playwright's
  // debug logger instead).
  // Through stdbuf: V8 prints its log to stdout, which a pipe would buffer in 4 KB blocks, so that
  // its lines would arrive out of step with the console messages (on stderr, unbuffered).
  const wrapperDir = mkdtempSync(join(tmpdir(), 'flamelens-v8log-'));
  const wrapper = join(wrapperDir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec stdbuf -oL '${chromiumExecutable()}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const browserServer = await chromium.launchServer({
    executablePath: wrapper,
    args: [...CHROMIUM_ARGS, '--enable-logging=stderr', '--js-flags=--trace-opt --trace-deopt'],
    timeout: 60_000,
  });
  const proc = browserServer.process();
  proc.stdout?.on('data', (d: Buffer) => keep(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => keep(d.toString()));
  const browser = await chromium.connect(browserServer.wsEndpoint());
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${server.url}/?mode=file&view=flame`);
    if (idleMs > 0) await page.waitForTimeout(idleMs);
    lines.push('--- file given');
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="flamegraph"]')?.getAttribute('data-draws') ?? 0) >= 1);
    await page.waitForTimeout(300);
    lines.push('--- drawn (+300 ms)');
  } finally {
    await browser.close();
    await browserServer.close();
    await server.close();
    rmSync(wrapperDir, { recursive: true, force: true });
  }
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
