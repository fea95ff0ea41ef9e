// `npm start` (scripts/start.mjs) builds the app only when its sources changed since the last
// build, then serves it: a second start with nothing changed goes straight to the server.
import { afterAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error a plain ES module script without types
import { fingerprint } from '../../scripts/build-inputs.mjs';

const ROOT = resolve(__dirname, '../..');
const dist = mkdtempSync(join(tmpdir(), 'flamelens-dist-'));
const data = mkdtempSync(join(tmpdir(), 'flamelens-data-'));
afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

/** Runs `npm start`'s script until the server listens; returns its output so far and its URL. */
function start(): Promise<{ child: ChildProcess; out: () => string; url: string }> {
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-demo', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, FLAMELENS_DIST: dist, FLAMELENS_DATA: data },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolvePromise({ child, out: () => out, url: m[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`start exited (${code}): ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

it('serves the existing build when the sources did not change, and rebuilds when they did', async () => {
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>prebuilt marker</title>');
  writeFileSync(join(dist, '.build-inputs'), fingerprint() + '\n');
  const first = await start();
  try {
    expect(first.out()).toContain('the app is up to date');
    expect(first.out()).not.toContain('building the app');
    expect(await (await fetch(first.url + '/')).text()).toContain('prebuilt marker');
  } finally {
    await stop(first.child);
  }

  // A stamp from other sources: the app is built again before the server starts.
  writeFileSync(join(dist, '.build-inputs'), 'sources of another build\n');
  const second = await start();
  try {
    expect(second.out()).toContain('building the app into dist/ (sources changed since the last build)');
    const page = await (await fetch(second.url + '/')).text();
    expect(page).not.toContain('prebuilt marker');
    expect(page).toContain('<div id="root">');
    expect(readFileSync(join(dist, '.build-inputs'), 'utf8').trim()).toBe(fingerprint());
  } finally {
    await stop(second.child);
  }
}, 180_000);
