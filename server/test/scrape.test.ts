// Pull mode against real HTTP: Go-style /debug/pprof targets served by node:http from the shared
// pprof fixtures (one good, one that sleeps past the timeout, one that answers garbage), scraped
// by startServer with a scrape config, checked through /targets and the Connect query API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Profile } from 'pprof-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultTimeoutMs, loadScrapeConfigFile, normalizeScrapeConfig } from '../scrape/config';
import { toDelta } from '../scrape/delta';
import { cpuSeconds } from '../scrape/manager';
import { PROFILE_KIND } from '../scrape/profiles';
import { columnSum, decodeFixture, readFixture, startTestServer, type TargetsJson, type TestServer } from './helpers';

/** A copy of the profile with every value of the chosen columns multiplied by k. */
function scaled(p: Profile, k: number, columns: (type: string) => boolean): Profile {
  const s = p.stringTable.strings;
  const scale = p.sampleType.map((t) => columns(s[Number(t.type)]!));
  const copy = Profile.decode(p.encode());
  for (const sample of copy.sample) sample.value = sample.value.map((v, i) => (scale[i] ? Number(v) * k : Number(v)));
  return copy;
}

const sumOf = (p: Profile | undefined, type: string) => {
  if (!p) return 0;
  const i = p.sampleType.findIndex((t) => p.stringTable.strings[Number(t.type)] === type);
  return i < 0 ? 0 : columnSum(p, i);
};

describe('scrape config', () => {
  it('applies the real defaults: 15 s interval, timeout interval minus a margin capped at 10 s, CPU seconds 14, all five profiles', () => {
    const cfg = normalizeScrapeConfig({ scrape_configs: [{ job_name: 'go', static_configs: [{ targets: ['10.0.0.1:6060'] }] }] });
    const job = cfg.jobs[0]!;
    expect(job.intervalMs).toBe(15_000);
    expect(job.timeoutMs).toBe(10_000);
    expect(cpuSeconds(job.intervalMs)).toBe(14);
    expect(cfg.maxConcurrentScrapes).toBe(8);
    expect(job.staticConfigs[0]!.targets).toEqual(['http://10.0.0.1:6060']);
    expect(Object.entries(job.profiles).map(([k, v]) => `${k} ${v.enabled} ${v.path}`)).toEqual([
      'process_cpu true /debug/pprof/profile',
      'memory true /debug/pprof/heap',
      'goroutine true /debug/pprof/goroutine',
      'mutex true /debug/pprof/mutex',
      'block true /debug/pprof/block',
    ]);
    expect(defaultTimeoutMs(5_000)).toBe(4_000);
    expect(defaultTimeoutMs(1_000)).toBe(1_000);
    expect(defaultTimeoutMs(500)).toBe(500);
    expect(defaultTimeoutMs(60_000)).toBe(10_000);
  });

  it('rejects bad configs with the path of every problem', () => {
    const bad = (input: unknown) => {
      try {
        normalizeScrapeConfig(input, 'flamelens.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const msg = bad({
      scrape_configs: [
        {
          job_name: 'go',
          scrape_interval: 15,
          static_configs: [{ targets: ['ftp://x:1', 'http://h:1/debug/pprof'], labels: { __name__: 'x', 'bad-name': 'y' } }],
          profiles: { memory: { enabeld: true }, cpu: true },
        },
      ],
      scrape_cofigs: [],
    });
    expect(msg).toContain('invalid scrape config flamelens.yaml');
    expect(msg).toContain('scrape_configs[0].scrape_interval: expected a duration such as 15s');
    expect(msg).toContain('scrape_configs[0].static_configs[0].targets[0]: invalid target "ftp://x:1": only http and https');
    expect(msg).toContain('targets[1]: invalid target "http://h:1/debug/pprof": give scheme://host:port only');
    expect(msg).toMatch(/labels.__name__.*reserved/);
    expect(msg).toMatch(/labels.bad-name.*letters, digits/);
    expect(msg).toMatch(/profiles.*enabeld/);
    expect(msg).toMatch(/profiles.*cpu/);
    expect(msg).toMatch(/scrape_cofigs/);

    expect(
      bad({
        scrape_configs: [{ job_name: 'a', scrape_interval: '5s', scrape_timeout: '6s', static_configs: [{ targets: ['h:1'] }] }],
      }),
    ).toContain('scrape_timeout (6000 ms) must not exceed scrape_interval (5000 ms)');
    expect(bad({ scrape_configs: [{ job_name: 'a' }] })).toContain('needs static_configs or kubernetes_sd_configs');
    expect(
      bad({
        scrape_configs: [
          { job_name: 'a', static_configs: [{ targets: ['h:1'] }] },
          { job_name: 'a', static_configs: [{ targets: ['h:2'] }] },
        ],
      }),
    ).toContain('duplicate job_name');
    expect(
      bad({ scrape_configs: [{ job_name: 'a', scrape_interval: 'soon', static_configs: [{ targets: ['h:1'] }] }] }),
    ).toContain('invalid duration "soon"');
  });

  it('reads flamelens.yaml; a relative kubeconfig is relative to the file; YAML errors name the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flamelens-cfg-'));
    try {
      const file = join(dir, 'flamelens.yaml');
      writeFileSync(
        file,
        [
          'max_concurrent_scrapes: 3',
          'scrape_configs:',
          '  - job_name: go',
          '    scrape_interval: 30s',
          '    profiles:',
          '      goroutine: false',
          '      memory: {path: /internal/heap}',
          '    static_configs:',
          "      - targets: ['http://127.0.0.1:6060']",
          '        labels: {service_name: checkout, namespace: shop}',
          '    kubernetes_sd_configs:',
          '      - {namespaces: [shop], kubeconfig: kube/config}',
        ].join('\n'),
      );
      const cfg = loadScrapeConfigFile(file);
      expect(cfg.maxConcurrentScrapes).toBe(3);
      expect(cfg.jobs[0]!.intervalMs).toBe(30_000);
      expect(cfg.jobs[0]!.profiles.goroutine.enabled).toBe(false);
      expect(cfg.jobs[0]!.profiles.memory).toEqual({ enabled: true, path: '/internal/heap' });
      expect(cfg.jobs[0]!.staticConfigs[0]!.labels).toEqual({ service_name: 'checkout', namespace: 'shop' });
      expect(cfg.jobs[0]!.kubernetes).toEqual([{ namespaces: ['shop'], kubeconfig: join(dir, 'kube/config') }]);
      writeFileSync(file, 'scrape_configs: [\n  - job_name: x');
      expect(() => loadScrapeConfigFile(file)).toThrow(/flamelens\.yaml is not valid YAML/);
      expect(() => loadScrapeConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read config/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('startServer fails with the config error before it listens', async () => {
    await expect(
      startTestServer({ scrape: { scrape_configs: [{ job_name: 'x', static_configs: [{ targets: [] }] }] } }),
    ).rejects.toThrow(/targets: a static config needs at least one target/);
    // Scraped profiles go to the local store, which proxy mode does not query.
    const scrape = { scrape_configs: [{ job_name: 'x', static_configs: [{ targets: ['127.0.0.1:1'] }] }] };
    await expect(startTestServer({ scrape, upstream: { url: 'http://127.0.0.1:1' } })).rejects.toThrow(
      /cannot be combined with proxy mode/,
    );
  });
});

describe('deltas of cumulative profiles', () => {
  const heap = decodeFixture(readFixture('go-heap-2.pb.gz'));
  const mutex = decodeFixture(readFixture('go-mutex.pb.gz'));
  const alloc = (t: string) => t.startsWith('alloc_');
  const all = () => true;

  it('heap: the first scrape keeps only inuse_*, later ones store alloc_* as current minus previous, inuse_* as is', () => {
    const first = toDelta(heap, PROFILE_KIND.memory.cumulative, undefined, 1000)!;
    expect(first.first).toBe(true);
    expect(first.profile!.sampleType.map((t) => first.profile!.stringTable.strings[Number(t.type)])).toEqual([
      'inuse_objects',
      'inuse_space',
    ]);
    expect(sumOf(first.profile, 'inuse_space')).toBe(sumOf(heap, 'inuse_space'));

    const second = toDelta(scaled(heap, 3, alloc), PROFILE_KIND.memory.cumulative, first.state, 16_000)!;
    expect(second.first).toBe(false);
    expect(second.reset).toBe(false);
    expect(sumOf(second.profile, 'alloc_space')).toBe(2 * sumOf(heap, 'alloc_space'));
    expect(sumOf(second.profile, 'alloc_objects')).toBe(2 * sumOf(heap, 'alloc_objects'));
    expect(sumOf(second.profile, 'inuse_space')).toBe(sumOf(heap, 'inuse_space'));
    expect(Number(second.profile!.durationNanos)).toBe(15_000 * 1e6);

    // Nothing new allocated: alloc_* deltas are 0 and dropped, inuse_* samples stay.
    const third = toDelta(scaled(heap, 3, alloc), PROFILE_KIND.memory.cumulative, second.state, 31_000)!;
    expect(sumOf(third.profile, 'alloc_space')).toBe(0);
    expect(sumOf(third.profile, 'inuse_space')).toBe(sumOf(heap, 'inuse_space'));
    for (const s of third.profile!.sample) expect(s.value.some((v) => Number(v) > 0)).toBe(true);
  });

  it('mutex: the first scrape stores nothing, then per-stack deltas; samples that did not grow are dropped', () => {
    const first = toDelta(mutex, all, undefined, 0)!;
    expect(first.profile).toBeUndefined();
    // Grow only the first sample.
    const grown = Profile.decode(mutex.encode());
    grown.sample[0]!.value = grown.sample[0]!.value.map((v) => Number(v) + 5);
    const second = toDelta(grown, all, first.state, 1)!;
    expect(second.profile!.sample).toHaveLength(1);
    expect(second.profile!.sample[0]!.value.map(Number)).toEqual([5, 5]);
  });

  it('a counter that went down (process restart) makes the current values the delta', () => {
    const first = toDelta(scaled(mutex, 4, all), all, undefined, 0)!;
    const restarted = toDelta(mutex, all, first.state, 1)!;
    expect(restarted.reset).toBe(true);
    expect(sumOf(restarted.profile, 'delay')).toBe(sumOf(mutex, 'delay'));
    const after = toDelta(scaled(mutex, 3, all), all, restarted.state, 2)!;
    expect(after.reset).toBe(false);
    expect(sumOf(after.profile, 'delay')).toBe(2 * sumOf(mutex, 'delay'));
  });

  it('profiles without cumulative types pass through untouched', () => {
    expect(toDelta(heap, PROFILE_KIND.goroutine.cumulative, undefined, 0)).toBeUndefined();
    expect(toDelta(heap, PROFILE_KIND.process_cpu.cumulative, undefined, 0)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Go-style targets over real HTTP.

interface GoTarget {
  server: Server;
  url: string;
  hits: Map<string, number>;
  requests: string[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closeServer = (s: Server) =>
  new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });

/** Versions of a cumulative profile served in turn: k × the fixture for k = 1..VERSIONS, then the last one again. */
const VERSIONS = 4;

async function goTarget(kind: 'good' | 'slow' | 'garbage'): Promise<GoTarget> {
  const cpu = readFixture('go-cpu-tiny.pb.gz');
  const goroutine = readFixture('go-goroutine.pb.gz');
  const heap = decodeFixture(readFixture('go-heap-2.pb.gz'));
  const mutex = decodeFixture(readFixture('go-mutex.pb.gz'));
  const block = decodeFixture(readFixture('go-block.pb.gz'));
  const versions = (p: Profile, cols: (t: string) => boolean) =>
    Array.from({ length: VERSIONS }, (_, i) => scaled(p, i + 1, cols).encode());
  const served: Record<string, Uint8Array[]> = {
    '/debug/pprof/profile': [cpu],
    '/debug/pprof/goroutine': [goroutine],
    '/debug/pprof/heap': versions(heap, (t) => t.startsWith('alloc_')),
    '/debug/pprof/mutex': versions(mutex, () => true),
    '/debug/pprof/block': versions(block, () => true),
  };
  const hits = new Map<string, number>();
  const requests: string[] = [];
  const { server, url } = await listen((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push(u.pathname + u.search);
    if (kind === 'slow') {
      // Longer than any timeout in this test; the scraper gives up first.
      const t = setTimeout(() => res.end(readFixture('go-cpu-tiny.pb.gz')), 4000);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (kind === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('<html>this is not a profile</html>');
      return;
    }
    const list = served[u.pathname];
    if (!list) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found\n');
      return;
    }
    const n = hits.get(u.pathname) ?? 0;
    hits.set(u.pathname, n + 1);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff' });
    res.end(list[Math.min(n, list.length - 1)]);
  });
  return { server, url, hits, requests, close: () => closeServer(server) };
}

async function getTargets(s: TestServer): Promise<TargetsJson> {
  const res = await fetch(`${s.url}/targets`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return (await res.json()) as TargetsJson;
}

/** Polls until check passes (bounded). */
async function eventually<T>(what: string, fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

describe('pull mode over HTTP', () => {
  let good: GoTarget;
  let slow: GoTarget;
  let garbage: GoTarget;
  let server: TestServer;
  let refused: string;
  const LIMIT = 4;

  beforeAll(async () => {
    [good, slow, garbage] = await Promise.all([goTarget('good'), goTarget('slow'), goTarget('garbage')]);
    // A port nobody listens on.
    const gone = await listen(() => {});
    refused = gone.url;
    await closeServer(gone.server);
    server = await startTestServer({
      scrape: {
        max_concurrent_scrapes: LIMIT,
        scrape_configs: [
          {
            job_name: 'go',
            scrape_interval: '1s',
            static_configs: [{ targets: [good.url], labels: { service_name: 'checkout', namespace: 'shop', pod: 'checkout-0' } }],
          },
          {
            job_name: 'sleepy',
            scrape_interval: '1s',
            scrape_timeout: '300ms',
            static_configs: [{ targets: [slow.url], labels: { service_name: 'sleepy' } }],
          },
          {
            job_name: 'junk',
            scrape_interval: '1s',
            profiles: { process_cpu: false, goroutine: false, block: false, mutex: { enabled: false } },
            static_configs: [{ targets: [garbage.url, refused] }],
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await Promise.all([good?.close(), slow?.close(), garbage?.close()]);
  });

  it('scrapes every profile of the good target, while the slow and the garbage ones fail on their own', async () => {
    const { targets } = await eventually(
      'enough scrapes',
      () => getTargets(server),
      (t) =>
        t.targets
          .filter((x) => x.labels.service_name === 'checkout')
          .every((x) => x.scrapes >= VERSIONS + 1 && x.health === 'up') &&
        t.targets.filter((x) => x.labels.service_name !== 'checkout').every((x) => x.failures >= 2),
    );
    expect(targets).toHaveLength(5 + 5 + 2);
    const goodOnes = targets.filter((t) => t.labels.service_name === 'checkout');
    expect(goodOnes.map((t) => t.profile).sort()).toEqual(['block', 'goroutine', 'memory', 'mutex', 'process_cpu']);
    const host = new URL(good.url).host;
    for (const t of goodOnes) {
      expect(t).toMatchObject({
        job: 'go',
        source: 'static',
        health: 'up',
        lastError: null,
        failures: 0,
        intervalMs: 1000,
        tenant: 'anonymous',
        labels: { service_name: 'checkout', namespace: 'shop', pod: 'checkout-0', job: 'go', instance: host },
      });
      expect(Date.parse(t.lastScrape!)).toBeGreaterThan(Date.now() - 60_000);
      expect(t.lastScrapeDurationMs).toBeGreaterThanOrEqual(0);
    }
    const cpu = goodOnes.find((t) => t.profile === 'process_cpu')!;
    expect(cpu.url).toBe(`${good.url}/debug/pprof/profile?seconds=1`);
    // The default timeout (1 s for a 1 s interval) plus the profiling seconds.
    expect(cpu.timeoutMs).toBe(2000);
    expect(good.requests).toContain('/debug/pprof/profile?seconds=1');
    expect(goodOnes.find((t) => t.profile === 'memory')!.url).toBe(`${good.url}/debug/pprof/heap`);

    const sleepy = targets.filter((t) => t.labels.service_name === 'sleepy');
    expect(sleepy).toHaveLength(5);
    for (const t of sleepy) {
      expect(t.health).toBe('down');
      expect(t.lastError).toBe(`timeout: no complete answer within ${t.profile === 'process_cpu' ? 1300 : 300} ms`);
      expect(t.lastScrapeDurationMs).toBeLessThan(3000);
    }
    const junk = targets.filter((t) => t.job === 'junk');
    expect(junk).toHaveLength(2);
    for (const t of junk)
      expect(t).toMatchObject({ profile: 'memory', health: 'down', labels: { service_name: 'junk', job: 'junk' } });
    expect(junk.find((t) => t.url.startsWith(garbage.url))!.lastError).toMatch(/^malformed pprof: /);
    expect(junk.find((t) => t.url.startsWith(refused))!.lastError).toBe('fetch failed: ECONNREFUSED');
  });

  it('stores scrapes under the same profile type ids and labels as pushed profiles', async () => {
    const { json } = await server.rpc('ProfileTypes', { start: Date.now() - 3600_000, end: Date.now() });
    const ids = (json.profileTypes as { ID: string }[]).map((t) => t.ID).sort();
    expect(ids).toEqual(
      [
        'block:contentions:count:contentions:count',
        'block:delay:nanoseconds:contentions:count',
        'goroutine:goroutine:count:goroutine:count',
        'memory:alloc_objects:count:space:bytes',
        'memory:alloc_space:bytes:space:bytes',
        'memory:inuse_objects:count:space:bytes',
        'memory:inuse_space:bytes:space:bytes',
        'mutex:contentions:count:contentions:count',
        'mutex:delay:nanoseconds:contentions:count',
        'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
        'process_cpu:samples:count:cpu:nanoseconds',
      ].sort(),
    );
    const { json: series } = await server.rpc('Series', {
      matchers: ['{service_name="checkout"}'],
      labelNames: ['service_name', 'namespace', 'pod', 'job', 'instance', '__profile_type__'],
      start: Date.now() - 3600_000,
      end: Date.now(),
    });
    const cpuSeries = (series.labelsSet as { labels: { name: string; value: string }[] }[])
      .map((s) => Object.fromEntries(s.labels.map((l) => [l.name, l.value])))
      .find((l) => l.__profile_type__ === 'process_cpu:cpu:nanoseconds:cpu:nanoseconds');
    expect(cpuSeries).toEqual({
      __profile_type__: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      service_name: 'checkout',
      namespace: 'shop',
      pod: 'checkout-0',
      job: 'go',
      instance: new URL(good.url).host,
    });
    // Nothing from the failing targets.
    const { json: names } = await server.rpc('LabelValues', {
      name: 'service_name',
      matchers: [],
      start: Date.now() - 3600_000,
      end: Date.now(),
    });
    expect(names.names).toEqual(['checkout']);
  });

  const merged = async (profileTypeID: string) => {
    const res = await server.rpc('SelectMergeProfile', {
      profileTypeID,
      labelSelector: '{service_name="checkout"}',
      start: Date.now() - 3600_000,
      end: Date.now() + 1000,
    });
    expect(res.status).toBe(200);
    const strings: string[] = res.json.stringTable!;
    let total = 0;
    for (const s of res.json.sample ?? []) total += Number(s.value[0]);
    return { total, strings, samples: (res.json.sample ?? []).length };
  };

  it('stores alloc_* of the heap and mutex/block as deltas between scrapes, inuse_* as scraped', async () => {
    const heap = decodeFixture(readFixture('go-heap-2.pb.gz'));
    const mutex = decodeFixture(readFixture('go-mutex.pb.gz'));
    const block = decodeFixture(readFixture('go-block.pb.gz'));
    // The target served 1×, 2×, 3×, 4× the fixture, then 4× again: the deltas add up to 3×.
    expect(good.hits.get('/debug/pprof/heap')).toBeGreaterThanOrEqual(VERSIONS + 1);
    expect((await merged('memory:alloc_space:bytes:space:bytes')).total).toBe(3 * sumOf(heap, 'alloc_space'));
    expect((await merged('memory:alloc_objects:count:space:bytes')).total).toBe(3 * sumOf(heap, 'alloc_objects'));
    expect((await merged('mutex:delay:nanoseconds:contentions:count')).total).toBe(3 * sumOf(mutex, 'delay'));
    expect((await merged('mutex:contentions:count:contentions:count')).total).toBe(3 * sumOf(mutex, 'contentions'));
    expect((await merged('block:delay:nanoseconds:contentions:count')).total).toBe(3 * sumOf(block, 'delay'));
    // In-use values are stored as they are, once per scrape (the first one included).
    const inuse = (await merged('memory:inuse_space:bytes:space:bytes')).total;
    const perScrape = sumOf(heap, 'inuse_space');
    expect(inuse % perScrape).toBe(0);
    expect(inuse / perScrape).toBeGreaterThanOrEqual(VERSIONS + 1);
    // CPU and goroutines are not cumulative: every scrape as served.
    const cpu = await merged('process_cpu:cpu:nanoseconds:cpu:nanoseconds');
    expect(cpu.total % sumOf(decodeFixture(readFixture('go-cpu-tiny.pb.gz')), 'cpu')).toBe(0);
    expect(cpu.total).toBeGreaterThan(0);
    expect(cpu.strings).toContain('runtime.main');
    // go-goroutine.pb.gz counts 11 goroutines.
    expect((await merged('goroutine:goroutine:count:goroutine:count')).total % 11).toBe(0);

    // The timeline: one delta per scrape interval, none at the first scrape.
    const res = await server.rpc('SelectSeries', {
      profileTypeID: 'mutex:delay:nanoseconds:contentions:count',
      labelSelector: '{service_name="checkout"}',
      start: Date.now() - 3600_000,
      end: Date.now() + 1000,
      step: 3600,
    });
    const points = res.json.series![0]!.points as { value: number }[];
    expect(points.reduce((a, p) => a + p.value, 0)).toBe(3 * sumOf(mutex, 'delay'));
  });
});

describe('concurrency limit', () => {
  it('never runs more than max_concurrent_scrapes at once, however many targets are due', async () => {
    const heap = readFixture('go-heap-2.pb.gz');
    let active = 0;
    let maxActive = 0;
    let served = 0;
    // Every answer takes 400 ms: 6 targets × 0.4 s per 1 s interval want more than 2 slots.
    const target = await listen((_req, res) => {
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active--;
        served++;
        res.end(heap);
      }, 400);
    });
    const server = await startTestServer({
      scrape: {
        max_concurrent_scrapes: 2,
        scrape_configs: [
          {
            job_name: 'many',
            scrape_interval: '1s',
            profiles: { process_cpu: false, goroutine: false, mutex: false, block: false },
            static_configs: Array.from({ length: 6 }, (_, i) => ({
              targets: [target.url],
              labels: { service_name: `svc-${i}` },
            })),
          },
        ],
      },
    });
    try {
      const { targets } = await eventually(
        'two scrapes of every target',
        () => getTargets(server),
        (t) => t.targets.length === 6 && t.targets.every((x) => x.scrapes >= 2),
      );
      expect(targets.every((t) => t.health === 'up')).toBe(true);
      expect(served).toBeGreaterThanOrEqual(12);
      expect(maxActive).toBe(2);
    } finally {
      await server.stop();
      await closeServer(target.server);
    }
  });
});
