// What the browser benchmarks share: a build of the app served by the real embedded server (with
// an empty data directory), and Debian's Chromium with the project's arguments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { startServer } from '../../server/app';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../scripts/chromium-path';

/** The benchmarks' window size. */
export const VIEWPORT = { width: 1280, height: 800 };

/** Serves `distDir` (a `vite build` output) and the API on a free port; `close` removes its data. */
export async function serveApp(distDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flamelens-bench-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: false, distDir });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Has Playwright set up its polling machinery in the page before the timed part: the first
 * waitForFunction sends and compiles Playwright's injected script (330 KB) in the page's main
 * thread, about 24 ms of a 2-core machine's CPU that would otherwise fall inside the first draw
 * being timed, competing with the app's worker (seen in a Chrome trace as a DevToolsSession
 * message). Both apps of a comparison get the same.
 */
export async function primePlaywright(page: Page): Promise<void> {
  await page.waitForFunction(() => true);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS, timeout: 60_000 });
}

