// `npm run test:sdk`: the real Grafana Pyroscope SDKs push into the embedded backend, and the
// embedded backend scrapes a real Go service (pull mode); then the suite asks the backend what a
// user would: is the service there, with its profile types and tags, is the known hot function
// on top, and was nothing refused. The programs run at the same time (about 30 s each), each
// against its own server; a missing toolchain or registry skips that SDK with one printed line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetsJson } from '../server/test/helpers';
import { eventually, flame, labelValues, points, profileTypes, rejects, startBackend, type Backend } from './backend';
import { goBuild, javaAgent, pythonWithPyroscope, ROOT, run, Skip, start, type Run, type Started } from './programs';

/** How long each SDK program pushes: several uploads at the 5 s intervals the programs set. */
const SECONDS = 30;
/** How long the suite waits for data it expects once a program has finished (generous: a busy machine). */
const WAIT_MS = 90_000;

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const MEMORY = ['alloc_objects:count', 'alloc_space:bytes', 'inuse_objects:count', 'inuse_space:bytes'].map(
  (t) => `memory:${t}:space:bytes`,
);
const GOROUTINE = 'goroutine:goroutine:count:goroutine:count';
const CONTENTION = (name: string) => [
  `${name}:contentions:count:contentions:count`,
  `${name}:delay:nanoseconds:contentions:count`,
];

interface Sdk {
  name: 'go' | 'python' | 'node' | 'java';
  service: string;
  /** Builds or installs what the program needs; returns how to run it against `server`. Throws Skip. */
  prepare(work: string): Promise<(server: string) => { cmd: string; args: string[]; env?: NodeJS.ProcessEnv }>;
  seconds: number;
  /** Profile types the service must have, each with data. */
  types: string[];
  /** The CPU-like type whose top functions must include `hot`. */
  cpu: string;
  hot: string;
  /** Labels the program sets (static tags and a per-call tag) and their values. */
  tags: Record<string, string>;
}

const SDKS: Sdk[] = [
  {
    name: 'go',
    service: 'flamelens-sdk-go',
    async prepare(work) {
      const bin = join(work, 'sdkgo');
      await goBuild(join(ROOT, 'testdata/sdk/go'), '.', bin);
      return (server) => ({ cmd: bin, args: ['-server', server, '-app', this.service, '-duration', `${this.seconds}s`] });
    },
    seconds: SECONDS,
    types: [CPU, ...MEMORY, 'goroutines:goroutine:count:goroutine:count', ...CONTENTION('mutex'), ...CONTENTION('block')],
    cpu: CPU,
    hot: 'main.flamelensSdkGoHotLoop',
    tags: { sdk_test: 'go', region: 'local', handler: 'checkout' },
  },
  {
    name: 'python',
    service: 'flamelens-sdk-python',
    async prepare() {
      const python = await pythonWithPyroscope();
      return (server) => ({
        cmd: python,
        args: [join(ROOT, 'testdata/sdk/python/app.py'), server, this.service, String(this.seconds)],
      });
    },
    seconds: SECONDS,
    types: [CPU, ...MEMORY],
    cpu: CPU,
    hot: 'flamelens_sdk_python_hot_loop',
    tags: { sdk_test: 'python', region: 'local', handler: 'checkout' },
  },
  {
    name: 'node',
    service: 'flamelens-sdk-node',
    async prepare() {
      // @pyroscope/nodejs is a devDependency: present wherever `npm ci` ran.
      return (server) => ({
        cmd: process.execPath,
        args: [join(ROOT, 'testdata/sdk/node/app.mjs'), server, this.service, String(this.seconds)],
      });
    },
    seconds: SECONDS,
    types: [
      'process_cpu:cpu:nanoseconds:wall:nanoseconds',
      'wall:wall:nanoseconds:wall:nanoseconds',
      'memory:inuse_space:bytes:inuse_space:bytes',
    ],
    cpu: 'process_cpu:cpu:nanoseconds:wall:nanoseconds',
    hot: 'flamelensSdkNodeHotLoop',
    tags: { sdk_test: 'node', region: 'local', handler: 'checkout' },
  },
  {
    name: 'java',
    service: 'flamelens-sdk-java',
    async prepare(work) {
      const agent = await javaAgent();
      const classes = join(work, 'java');
      // Compiled against the agent for its labels API, which the agent provides at run time.
      await run(
        'javac',
        ['-cp', agent, '-d', classes, join(ROOT, 'testdata/sdk/java/App.java')],
        (o) => new Error(`javac failed:\n${o}`),
      );
      return (server) => ({
        cmd: 'java',
        args: [`-javaagent:${agent}`, '-cp', classes, 'App', String(this.seconds)],
        env: {
          PYROSCOPE_APPLICATION_NAME: `${this.service}{sdk_test=java,region=local}`,
          PYROSCOPE_SERVER_ADDRESS: server,
          PYROSCOPE_UPLOAD_INTERVAL: '5s',
        },
      });
    },
    seconds: SECONDS,
    types: [CPU],
    cpu: CPU,
    hot: 'App.flamelensSdkJavaHotLoop',
    tags: { sdk_test: 'java', region: 'local', handler: 'checkout' },
  },
];

type Outcome = { skipped: string } | { failed: Error } | { backend: Backend; run: Run };

const work = mkdtempSync(join(tmpdir(), 'flamelens-sdk-'));
const backends: Backend[] = [];
const children: Started[] = [];
const outcomes = new Map<string, Promise<Outcome>>();

async function runSdk(sdk: Sdk): Promise<Outcome> {
  try {
    const command = await sdk.prepare(work);
    const backend = await startBackend();
    backends.push(backend);
    const { cmd, args, env } = command(backend.server.url);
    const program = start(cmd, args, { env });
    children.push(program);
    // The program stops itself after sdk.seconds; past this it is hung, and killed.
    const timer = setTimeout(() => program.child.kill('SIGKILL'), (sdk.seconds + 90) * 1000);
    const run = await program.done;
    clearTimeout(timer);
    return { backend, run };
  } catch (e) {
    return e instanceof Skip ? { skipped: e.message } : { failed: e as Error };
  }
}

/** What is missing from what the SDK's program should have stored, or undefined when all is there. */
async function missing(b: Backend, sdk: Sdk): Promise<string | undefined> {
  const types = await profileTypes(b, sdk.service);
  const absent = sdk.types.filter((t) => !types.includes(t));
  if (absent.length) return `profile types missing: ${absent.join(', ')} (stored: ${types.join(', ') || 'none'})`;
  for (const type of sdk.types) {
    if ((await flame(b, sdk.service, type)).total <= 0) return `${type} is empty`;
  }
  for (const [name, value] of Object.entries(sdk.tags)) {
    const values = await labelValues(b, sdk.service, name);
    if (!values.includes(value)) return `label ${name}=${value} missing (values: ${values.join(', ') || 'none'})`;
  }
  const top = (await flame(b, sdk.service, sdk.cpu)).top.slice(0, 5);
  if (!top.some((f) => f.name.includes(sdk.hot))) return `${sdk.hot} not in the top 5: ${top.map((f) => f.name).join(', ')}`;
  if (sdk.tags.handler) {
    // The per-call tag is on the right samples: the hot function runs under handler=checkout.
    const selector = `{service_name="${sdk.service}", handler="${sdk.tags.handler}"}`;
    const tagged = (await flame(b, sdk.service, sdk.cpu, selector)).top.slice(0, 5);
    if (!tagged.some((f) => f.name.includes(sdk.hot)))
      return `${sdk.hot} not in the top 5 of ${selector}: ${tagged.map((f) => f.name).join(', ')}`;
  }
  const { uploads, type } = await mostUploads(b, sdk);
  if (uploads < 3) return `only ${uploads} uploads of ${type}`;
  return undefined;
}

/**
 * The type uploaded most often and how many times (one series point per upload at a 1 s step):
 * SDKs upload some types less often than they are told (pyroscope-go's CPU profile every 10 s).
 */
async function mostUploads(b: Backend, sdk: Sdk): Promise<{ uploads: number; type: string }> {
  let best = { uploads: 0, type: sdk.cpu };
  for (const type of sdk.types) {
    const n = (await points(b, sdk.service, type)).length;
    if (n > best.uploads) best = { uploads: n, type };
  }
  return best;
}

beforeAll(() => {
  for (const sdk of SDKS) outcomes.set(sdk.name, runSdk(sdk));
  outcomes.set('pull mode', runPull());
});

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.done));
  await Promise.all(backends.map((b) => b.server.stop()));
  rmSync(work, { recursive: true, force: true });
});

/** The outcome, or a printed skip; throws when preparing the SDK failed. */
async function ready(name: string, skip: () => void): Promise<{ backend: Backend; run: Run }> {
  const o = await outcomes.get(name)!;
  if ('skipped' in o) {
    console.log(`sdk (${name}): skipped, ${o.skipped}`);
    skip();
  }
  if ('failed' in o) throw o.failed;
  return o as { backend: Backend; run: Run };
}

describe('SDKs push into the embedded backend', () => {
  for (const sdk of SDKS) {
    it(`${sdk.name}: ${sdk.service} with its profile types, tags and hot function; nothing refused`, async (ctx) => {
      const { backend, run } = await ready(sdk.name, () => ctx.skip());
      expect(run.code, `the ${sdk.name} program failed:\n${run.output}`).toBe(0);
      const problem = await eventually(() => missing(backend, sdk), WAIT_MS);
      expect(problem, `${problem}\nprogram output:\n${run.output}`).toBeUndefined();
      expect(rejects(backend), run.output).toEqual([]);
      const cpu = await flame(backend, sdk.service, sdk.cpu);
      const hot = cpu.top.find((f) => f.name.includes(sdk.hot))!;
      const types = await profileTypes(backend, sdk.service);
      const { uploads, type } = await mostUploads(backend, sdk);
      console.log(
        `sdk (${sdk.name}): ${types.length} profile types, ${uploads} uploads of ${type}, ` +
          `${hot.name} ${((100 * hot.self) / cpu.total).toFixed(0)}% self (rank ${cpu.top.indexOf(hot) + 1})`,
      );
    });
  }
});

// ---- Pull mode: the embedded server scrapes a stdlib net/http/pprof Go service.

const PARKED = 40;
const PULL_SERVICE = 'flamelens-pull-go';
let pullService: Started | undefined;

async function runPull(): Promise<Outcome> {
  try {
    const bin = join(work, 'service');
    await goBuild(join(ROOT, 'testdata/go'), './service', bin);
    pullService = start(bin, ['-addr', '127.0.0.1:0', '-parked', String(PARKED), '-duration', '3m']);
    children.push(pullService);
    const listening = await eventually(
      async () => (/listening on (\S+)/.test(pullService!.output()) ? undefined : 'not listening yet'),
      30_000,
    );
    if (listening) throw new Error(`the Go service did not start:\n${pullService.output()}`);
    const addr = /listening on (\S+)/.exec(pullService.output())![1]!;
    const backend = await startBackend({
      scrape: {
        scrape_configs: [
          {
            job_name: 'go-service',
            // Short, so several scrapes (CPU for 4 s each) happen within half a minute.
            scrape_interval: '5s',
            static_configs: [{ targets: [`http://${addr}`], labels: { service_name: PULL_SERVICE } }],
          },
        ],
      },
    });
    backends.push(backend);
    return { backend, run: { code: 0, signal: null, output: '' } };
  } catch (e) {
    return e instanceof Skip ? { skipped: e.message } : { failed: e as Error };
  }
}

describe('pull mode scrapes a real Go service', () => {
  const pull: Sdk = {
    name: 'go',
    service: PULL_SERVICE,
    prepare: () => Promise.reject(new Error('unused')),
    seconds: 0,
    types: [CPU, ...MEMORY, GOROUTINE, ...CONTENTION('mutex'), ...CONTENTION('block')],
    cpu: CPU,
    hot: 'main.flamelensServiceHotLoop',
    tags: { job: 'go-service' },
  };

  it('CPU, heap (alloc deltas), goroutine, mutex and block, with plausible content; every target up', async (ctx) => {
    const { backend } = await ready('pull mode', () => ctx.skip());
    const b = backend;
    const problem = await eventually(async () => {
      const base = await missing(b, pull);
      if (base) return base;
      const goroutines = Math.max(0, ...(await points(b, PULL_SERVICE, GOROUTINE)));
      // The parked ones, the hot loop, the allocator, the contender and its four workers, and the
      // one waiting to close the HTTP server: what the program started besides main.
      if (goroutines < PARKED + 8) return `at most ${goroutines} goroutines in one scrape`;
      // The first heap scrape only records the baseline of the cumulative alloc_* columns.
      const inuse = (await points(b, PULL_SERVICE, MEMORY[3]!)).length;
      const allocs = (await points(b, PULL_SERVICE, MEMORY[1]!)).length;
      if (allocs !== inuse - 1) return `${allocs} alloc_space points for ${inuse} inuse_space points (expected one fewer)`;
      const alloc = await flame(b, PULL_SERVICE, MEMORY[1]!);
      if (!alloc.top.slice(0, 5).some((f) => f.name === 'main.flamelensServiceAllocate'))
        return `main.flamelensServiceAllocate not in alloc_space's top 5: ${alloc.top.slice(0, 5).map((f) => f.name)}`;
      for (const type of [...CONTENTION('mutex'), ...CONTENTION('block')]) {
        const f = await flame(b, PULL_SERVICE, type);
        if (!f.top.some((x) => x.name === 'main.flamelensServiceContend.func1' || x.name === 'main.flamelensServiceContend'))
          return `${type} has no stack through main.flamelensServiceContend`;
      }
      return undefined;
    }, WAIT_MS);
    expect(problem, `${problem}\nservice output:\n${pullService?.output()}`).toBeUndefined();
    const targets = (await (await fetch(`${b.server.url}/targets`)).json()) as TargetsJson;
    expect(targets.targets.map((t) => `${t.profile} ${t.health}`).sort()).toEqual(
      ['block', 'goroutine', 'memory', 'mutex', 'process_cpu'].map((p) => `${p} up`),
    );
    for (const t of targets.targets) expect(t.failures, `${t.profile}: ${t.lastError}`).toBe(0);
    expect(rejects(b)).toEqual([]);
    const cpu = await flame(b, PULL_SERVICE, CPU);
    const hot = cpu.top.find((f) => f.name === pull.hot)!;
    const scrapes = targets.targets.map((t) => `${t.profile} ${t.scrapes}`).join(', ');
    console.log(
      `pull (go service): scrapes ${scrapes}; ${pull.hot} ${((100 * hot.self) / cpu.total).toFixed(0)}% self, ` +
        `max ${Math.max(...(await points(b, PULL_SERVICE, GOROUTINE)))} goroutines in one scrape`,
    );
  });
});
