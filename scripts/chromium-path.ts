import { existsSync } from 'node:fs';

/**
 * The Chromium that Playwright drives. Playwright cannot download its own browser on machines
 * without general internet access, so Debian's /usr/bin/chromium is the default;
 * FLAMELENS_CHROMIUM (or PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH) points elsewhere, and
 * FLAMELENS_CHROMIUM=playwright uses Playwright's own downloaded browser.
 */
export function chromiumExecutable(): string | undefined {
  const configured = process.env.FLAMELENS_CHROMIUM ?? process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
  if (configured === 'playwright') return undefined;
  if (configured) return configured;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return '/usr/bin/chromium';
}

/** How the tests and benchmarks start Chromium: headless-safe, and quiet on the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
