// The app under test: a build served by the real embedded server (with an empty data directory),
// and Debian's Chromium with the project's arguments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
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

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS, timeout: 60_000 });
}
