// The programs `npm run test:sdk` runs: finding a toolchain, preparing an SDK (go build, a venv
// with pyroscope-io, the Java agent from Maven Central), and running a child process with its
// output kept for the failure message. A missing toolchain or an unreachable registry is a
// `Skip` (the suite prints it and skips that SDK); anything else that goes wrong fails.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
/** Reused between runs and never committed: the Python venv, the Java agent. */
export const CACHE = join(ROOT, 'node_modules', '.cache', 'flamelens-sdk');

/** The versions the suite installs (pinned, so a new release cannot change a run unnoticed). */
export const PYROSCOPE_IO = 'pyroscope-io==1.4.0';
export const JAVA_AGENT = 'io.pyroscope:agent:2.9.2';

/** Why an SDK cannot run on this machine: printed as `sdk (<name>): skipped, <reason>`. */
export class Skip extends Error {}

/** True when `cmd` runs at all (`cmd version`-style probe). */
export function has(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  return !r.error && r.status === 0;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Keeps the last 64 KiB of a process's stdout and stderr together (enough to see why it failed). */
class Tail {
  private text = '';
  add(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-65_536);
  }
  toString(): string {
    return this.text;
  }
}

export interface Started {
  child: ChildProcess;
  done: Promise<Run>;
  output: () => string;
}

/** Starts a process; `done` settles when it exits (it never rejects: a spawn error is code null). */
export function start(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Started {
  const tail = new Tail();
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => tail.add(c));
  child.stderr!.on('data', (c: Buffer) => tail.add(c));
  const done = new Promise<Run>((resolveRun) => {
    child.once('error', (e) => {
      tail.add(Buffer.from(`\nspawn ${cmd}: ${e.message}\n`));
      resolveRun({ code: null, signal: null, output: tail.toString() });
    });
    child.once('close', (code, signal) => resolveRun({ code, signal, output: tail.toString() }));
  });
  return { child, done, output: () => tail.toString() };
}

/** Runs a command to the end; a non-zero exit throws `failure` (a Skip for registry steps) with the output. */
export async function run(
  cmd: string,
  args: string[],
  failure: (output: string) => Error,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const r = await start(cmd, args, opts).done;
  if (r.code !== 0) throw failure(r.output);
  return r.output;
}

const lastLine = (output: string) =>
  output
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .at(-1) ?? '';

/** Builds a Go main package (its module's dependencies fetched first) into `outDir`. */
export async function goBuild(moduleDir: string, pkg: string, out: string): Promise<void> {
  if (!has('go', ['version'])) throw new Skip('no go');
  const env = { GOFLAGS: '-mod=mod' };
  // The network step on its own: a module proxy out of reach is a skip, a compile error a failure.
  await run('go', ['mod', 'download'], (o) => new Skip(`go mod download failed (module proxy unreachable?): ${lastLine(o)}`), {
    cwd: moduleDir,
    env,
  });
  await run('go', ['build', '-o', out, pkg], (o) => new Error(`go build ${pkg} failed:\n${o}`), { cwd: moduleDir, env });
}

/** A venv under CACHE with pyroscope-io installed; returns its python. */
export async function pythonWithPyroscope(): Promise<string> {
  if (!has('python3')) throw new Skip('no python3');
  const venv = join(CACHE, 'python-venv');
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    mkdirSync(CACHE, { recursive: true });
    await run('python3', ['-m', 'venv', venv], (o) => new Skip(`python3 cannot make a venv: ${lastLine(o)}`));
  }
  // The pinned version, not whatever an older run left in the cache.
  const [pkg, version] = PYROSCOPE_IO.split('==');
  const check = `import importlib.metadata as m, pyroscope; assert m.version('${pkg}') == '${version}'`;
  const installed = spawnSync(python, ['-c', check], { stdio: 'ignore' }).status === 0;
  if (!installed)
    await run(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', PYROSCOPE_IO],
      (o) => new Skip(`pip could not install ${PYROSCOPE_IO} (PyPI unreachable?): ${lastLine(o)}`),
    );
  return python;
}

/** The Java agent's jar, copied from Maven Central (via the local Maven repository) into CACHE. */
export async function javaAgent(): Promise<string> {
  for (const tool of ['java', 'javac']) if (!has(tool, ['-version'])) throw new Skip(`no ${tool}`);
  if (!has('mvn', ['-v'])) throw new Skip('no mvn (Maven fetches the agent)');
  const dir = join(CACHE, 'java');
  const [, artifact, version] = JAVA_AGENT.split(':');
  const jar = join(dir, `${artifact}-${version}.jar`);
  if (!existsSync(jar)) {
    mkdirSync(dir, { recursive: true });
    await run(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=${JAVA_AGENT}`, `-DoutputDirectory=${dir}`],
      (o) => new Skip(`mvn could not fetch ${JAVA_AGENT} (Maven Central unreachable?): ${lastLine(o)}`),
      // dependency:copy needs no project; run it where no pom.xml is in the way.
      { cwd: dir },
    );
  }
  return jar;
}
