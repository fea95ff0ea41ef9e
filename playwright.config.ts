import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumExecutable } from './scripts/chromium-path';

// End-to-end tests run the built app (dist/) served by the real embedded server, with a fresh
// data directory and no demo workload, in Chromium (Debian's by default; see scripts/chromium-path).
// The port is one the OS says is free (E2E_PORT overrides), so a port taken by another process
// does not fail the run. The config is evaluated again in each worker process: the environment,
// which workers inherit, carries the first choice to them.
process.env.E2E_PORT ??= freePort();
process.env.E2E_DATA ??= mkdtempSync(join(tmpdir(), 'flamelens-e2e-'));
const port = Number(process.env.E2E_PORT);
const dataDir = process.env.E2E_DATA;
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;

function freePort(): string {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx tsx server/main.ts --no-demo --port ${port}`,
    url: `http://127.0.0.1:${port}/ready`,
    reuseExistingServer: false,
    timeout: 60_000,
    // The Source view's server-side sources: the Go corpus's programs (e2e/source.spec.ts).
    env: {
      FLAMELENS_DATA: dataDir,
      FLAMELENS_DEMO: '0',
      FLAMELENS_SOURCE_PATH: fileURLToPath(new URL('testdata/go', import.meta.url)),
    },
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
