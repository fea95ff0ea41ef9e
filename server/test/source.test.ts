// GET /source: source files for the Source view, read only below FLAMELENS_SOURCE_PATH's folders.
// Escapes (`..`, symbolic links out of a root, hidden files) are refused with a 4xx, and the
// server goes on serving the files it may serve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TESTDATA } from '../../tests/helpers/corpus';
import { parseSourcePath } from '../source-roots';
import { type TestServer, startTestServer } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'flamelens-source-'));
const root = join(tmp, 'checkout');
const outside = join(tmp, 'outside');
let server: TestServer;

beforeAll(async () => {
  mkdirSync(join(root, 'app'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'app', 'main.go'), 'package main\n\nfunc main() {}\n');
  writeFileSync(join(root, 'big.go'), 'x'.repeat(20_000));
  writeFileSync(join(root, '.env'), 'TOKEN=secret\n');
  writeFileSync(join(outside, 'secret.go'), 'package secret // must not be served\n');
  symlinkSync(outside, join(root, 'leak'));
  symlinkSync(join(outside, 'secret.go'), join(root, 'app', 'linked.go'));
  server = await startTestServer({
    sourcePath: [root, join(TESTDATA, 'go')],
    limits: { maxSourceFileBytes: 16_000, maxSourcePathLength: 300 },
  });
});

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const get = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${server.url}/source?${new URLSearchParams({ path })}`, init);
  const text = await res.text();
  return { status: res.status, text, matched: res.headers.get('x-flamelens-source') };
};

describe('GET /source', () => {
  it('finds a profile’s file name by its longest suffix below a root', async () => {
    // profgen is built with -trimpath: its files are module paths, found in testdata/go as cpu.go.
    const r = await get('flamelens.dev/testdata/profgen/cpu.go');
    expect(r.status).toBe(200);
    expect(r.text).toBe(readFileSync(join(TESTDATA, 'go', 'cpu.go'), 'utf8'));
    expect(r.matched).toBe('cpu.go');
    // A build machine's absolute path finds the checkout's file.
    const abs = await get('/home/ci/build/app/main.go');
    expect(abs.status).toBe(200);
    expect(abs.text).toContain('func main()');
    expect(decodeURIComponent(abs.matched!)).toBe('app/main.go');
  });

  it('refuses ../ escapes with 400, before looking anything up', async () => {
    for (const path of [
      '../outside/secret.go',
      'app/../../outside/secret.go',
      'app\\..\\..\\outside\\secret.go',
      '/proc/self/cwd/../x.go',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.text).message, path).toMatch(/path traversal refused/);
    }
  });

  it('refuses a symbolic link out of its root, and hidden files, with 403', async () => {
    for (const path of ['leak/secret.go', 'app/linked.go']) {
      const r = await get(path);
      expect(r.status, path).toBe(403);
      expect(r.text).not.toContain('must not be served');
    }
    const env = await get('.env');
    expect(env.status).toBe(403);
    expect(env.text).not.toContain('TOKEN');
  });

  it('answers what it cannot serve with its limit or a 404', async () => {
    expect((await get('big.go')).status).toBe(413);
    expect(JSON.parse((await get('big.go')).text).message).toMatch(/maxSourceFileBytes.*FLAMELENS_MAX_SOURCE_FILE/);
    expect((await get('a/'.repeat(200) + 'x.go')).status).toBe(400);
    expect((await get('nowhere/none.go')).status).toBe(404);
    expect((await get('')).status).toBe(400);
    expect((await fetch(`${server.url}/source?path=cpu.go`, { method: 'POST' })).status).toBe(405);
  });

  it('is the API: another web origin is refused', async () => {
    const r = await get('cpu.go', { headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
  });

  it('still serves the files it may after refusing escapes', async () => {
    await get('../../../../etc/passwd');
    await get('leak/secret.go');
    const r = await get('app/main.go');
    expect(r.status).toBe(200);
    expect(r.text).toBe('package main\n\nfunc main() {}\n');
  });
});

describe('FLAMELENS_SOURCE_PATH', () => {
  it('is a list of folders; none configured answers 404 naming the variable', async () => {
    expect(parseSourcePath(`/a:/b::  /c `)).toEqual(['/a', '/b', '/c']);
    expect(parseSourcePath(undefined)).toEqual([]);
    const bare = await startTestServer();
    try {
      const res = await fetch(`${bare.url}/source?path=cpu.go`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { message: string }).message).toMatch(/FLAMELENS_SOURCE_PATH/);
    } finally {
      await bare.stop();
    }
  });

  it('refuses to start with a root that does not exist', async () => {
    await expect(startTestServer({ sourcePath: [join(tmp, 'missing')] })).rejects.toThrow(/FLAMELENS_SOURCE_PATH/);
  });
});
