// Kubernetes pod discovery for pull mode, against a STAND-IN for the Kubernetes API server: a
// node:http server in this test that implements only what discovery uses, the pod list
// (GET /api/v1/pods, /api/v1/namespaces/<ns>/pods) and its watch stream (?watch=true, one JSON
// event per line). The server under test talks to it with @kubernetes/client-node through a
// kubeconfig written here. Pods point at a Go-style pprof target on loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeScrapeConfig } from '../scrape/config';
import { podTargets } from '../scrape/kubernetes';
import type { TargetStatus } from '../scrape/targets';
import { readFixture, startTestServer, type TargetsJson, type TestServer } from './helpers';

const TOKEN = 'stand-in-token';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

const closeServer = (s: Server) =>
  new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });

interface PodSpec {
  name: string;
  namespace: string;
  phase: string;
  ip?: string;
  node?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: { name: string; ports?: { name?: string; containerPort: number }[] }[];
}

function podJson(p: PodSpec, resourceVersion: number) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      uid: `uid-${p.namespace}-${p.name}`,
      resourceVersion: String(resourceVersion),
      labels: p.labels ?? {},
      annotations: p.annotations ?? {},
    },
    spec: {
      nodeName: p.node ?? 'node-a',
      containers: (p.containers ?? [{ name: 'main' }]).map((c) => ({ image: 'example/go-app:1', ...c })),
    },
    status: { phase: p.phase, ...(p.ip ? { podIP: p.ip } : {}) },
  };
}

/** The stand-in Kubernetes API server: pods, a resourceVersion counter, an event log, open watches. */
class StandInApiServer {
  private rv = 100;
  private pods = new Map<string, ReturnType<typeof podJson>>();
  private log: { rv: number; type: string; object: ReturnType<typeof podJson> }[] = [];
  private watches = new Set<{ res: ServerResponse; namespace?: string }>();
  readonly requests: string[] = [];
  server!: Server;
  port = 0;

  async start(): Promise<void> {
    ({ server: this.server, port: this.port } = await listen((req, res) => this.handle(req, res)));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(url.pathname + url.search);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 }));
      return;
    }
    const m = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      return;
    }
    const namespace = m[1] ? decodeURIComponent(m[1]) : undefined;
    const inNs = (o: { metadata: { namespace: string } }) => namespace === undefined || o.metadata.namespace === namespace;
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') {
      const since = Number(url.searchParams.get('resourceVersion') || 0);
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      for (const e of this.log)
        if (e.rv > since && inNs(e.object)) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
      const w = { res, namespace };
      this.watches.add(w);
      res.on('close', () => this.watches.delete(w));
      return;
    }
    const body = JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.rv) },
      items: [...this.pods.values()].filter(inNs),
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private emit(type: string, object: ReturnType<typeof podJson>): void {
    this.log.push({ rv: this.rv, type, object });
    for (const w of this.watches)
      if (w.namespace === undefined || w.namespace === object.metadata.namespace)
        w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  put(p: PodSpec): void {
    const key = `${p.namespace}/${p.name}`;
    const type = this.pods.has(key) ? 'MODIFIED' : 'ADDED';
    const obj = podJson(p, ++this.rv);
    this.pods.set(key, obj);
    this.emit(type, obj);
  }

  delete(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const obj = this.pods.get(key);
    if (!obj) return;
    this.pods.delete(key);
    this.emit('DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } });
  }

  /** Drops every open watch connection, as an API server restart would. */
  dropWatches(): void {
    for (const w of this.watches) w.res.socket?.destroy();
    this.watches.clear();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

function kubeconfig(dir: string, name: string, port: number): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: stand-in',
      '    cluster:',
      `      server: http://127.0.0.1:${port}`,
      // client-node refuses plain http unless TLS verification is explicitly off.
      '      insecure-skip-tls-verify: true',
      'users:',
      '  - name: tester',
      '    user:',
      `      token: ${TOKEN}`,
      'contexts:',
      '  - name: test',
      '    context: {cluster: stand-in, user: tester}',
      'current-context: test',
    ].join('\n'),
  );
  return file;
}

async function getTargets(s: TestServer): Promise<TargetsJson> {
  const res = await fetch(`${s.url}/targets`);
  expect(res.status).toBe(200);
  return (await res.json()) as TargetsJson;
}

async function eventually<T>(what: string, fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 3000)}`);
}

const summary = (targets: TargetStatus[]) => targets.map((t) => `${t.labels.service_name} ${t.labels.pod} ${t.profile}`).sort();

describe('pod annotations → targets', () => {
  const job = normalizeScrapeConfig({ scrape_configs: [{ job_name: 'k8s', kubernetes_sd_configs: [{}] }] }).jobs[0]!;
  const pod = (p: Partial<PodSpec>): V1Pod =>
    podJson({ name: 'p', namespace: 'ns', phase: 'Running', ip: '10.1.2.3', ...p }, 1) as unknown as V1Pod;

  it('needs a running pod with an IP that asks to be scraped', () => {
    const ann = { 'profiles.grafana.com/memory.scrape': 'true', 'profiles.grafana.com/memory.port': '6060' };
    expect(podTargets(pod({ annotations: ann }), job)).toHaveLength(1);
    expect(podTargets(pod({ annotations: ann, phase: 'Pending' }), job)).toEqual([]);
    expect(podTargets(pod({ annotations: ann, phase: 'Succeeded' }), job)).toEqual([]);
    expect(podTargets(pod({ annotations: ann, ip: undefined }), job)).toEqual([]);
    expect(podTargets(pod({}), job)).toEqual([]);
    expect(
      podTargets(
        pod({ annotations: { 'profiles.grafana.com/memory.scrape': 'false', 'profiles.grafana.com/memory.port': '6060' } }),
        job,
      ),
    ).toEqual([]);
  });

  it('Grafana annotations: port, port_name, path, scheme per profile; the container that declares the port', () => {
    const t = podTargets(
      pod({
        name: 'api-1',
        labels: { app: 'api' },
        containers: [
          { name: 'envoy', ports: [{ name: 'admin', containerPort: 9901 }] },
          {
            name: 'api',
            ports: [
              { name: 'http', containerPort: 8080 },
              { name: 'pprof', containerPort: 6060 },
            ],
          },
        ],
        annotations: {
          'profiles.grafana.com/cpu.scrape': 'true',
          'profiles.grafana.com/cpu.port_name': 'pprof',
          'profiles.grafana.com/memory.scrape': 'true',
          'profiles.grafana.com/memory.port': '9901',
          'profiles.grafana.com/memory.path': 'admin/heap',
          'profiles.grafana.com/memory.scheme': 'https',
          'profiles.grafana.com/mutex.scrape': 'true',
          'profiles.grafana.com/mutex.port_name': 'no-such-port',
        },
      }),
      job,
    );
    expect(t.map((x) => `${x.profile} ${x.address}${x.path} ${x.labels.container}`)).toEqual([
      'process_cpu http://10.1.2.3:6060/debug/pprof/profile api',
      'memory https://10.1.2.3:9901/admin/heap envoy',
    ]);
    expect(t[0]!.labels).toEqual({
      service_name: 'api',
      namespace: 'ns',
      pod: 'api-1',
      container: 'api',
      node: 'node-a',
      job: 'k8s',
      instance: '10.1.2.3:6060',
    });
  });

  it('pyroscope.io annotations: cpu and mem on by default, others on request; Grafana wins for its profile', () => {
    const base = { 'pyroscope.io/scrape': 'true', 'pyroscope.io/port': '4040' };
    expect(podTargets(pod({ annotations: base }), job).map((x) => x.profile)).toEqual(['process_cpu', 'memory']);
    expect(
      podTargets(
        pod({
          annotations: {
            ...base,
            'pyroscope.io/profile-cpu-enabled': 'false',
            'pyroscope.io/profile-goroutines-enabled': 'true',
            'pyroscope.io/profile-block-enabled': 'true',
            'profiles.grafana.com/memory.scrape': 'false',
          },
        }),
        job,
      ).map((x) => x.profile),
    ).toEqual(['goroutine', 'block']);
  });

  it('service_name: annotation, then app.kubernetes.io/name, then app, then namespace/container', () => {
    const ann = { 'pyroscope.io/scrape': 'true', 'pyroscope.io/port': '4040', 'pyroscope.io/profile-cpu-enabled': 'false' };
    const name = (p: Partial<PodSpec>) => podTargets(pod(p), job)[0]!.labels.service_name;
    expect(name({ annotations: { ...ann, 'pyroscope.io/application-name': 'legacy' }, labels: { app: 'x' } })).toBe('legacy');
    expect(name({ annotations: { ...ann, 'profiles.grafana.com/service_name': 'grafana-name' }, labels: { app: 'x' } })).toBe(
      'grafana-name',
    );
    expect(name({ annotations: ann, labels: { app: 'x', 'app.kubernetes.io/name': 'y' } })).toBe('y');
    expect(name({ annotations: ann, labels: { app: 'x' } })).toBe('x');
    expect(name({ annotations: ann, containers: [{ name: 'worker' }] })).toBe('ns/worker');
  });
});

describe('Kubernetes discovery against a stand-in API server', () => {
  let api: StandInApiServer;
  let target: { server: Server; port: number };
  const targetRequests: string[] = [];
  let server: TestServer;
  let dir: string;
  let P = 0;

  beforeAll(async () => {
    // The Go-style pprof endpoint every discovered pod points at (all pods have IP 127.0.0.1).
    const files: Record<string, Uint8Array> = {
      '/debug/pprof/profile': readFixture('go-cpu-tiny.pb.gz'),
      '/debug/pprof/heap': readFixture('go-heap-2.pb.gz'),
      '/debug/pprof/goroutine': readFixture('go-goroutine.pb.gz'),
      '/custom/goroutine': readFixture('go-goroutine.pb.gz'),
    };
    target = await listen((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      targetRequests.push(u.pathname);
      const body = files[u.pathname];
      if (!body) {
        res.writeHead(404);
        res.end('404 page not found\n');
      } else res.end(body);
    });
    P = target.port;
    api = new StandInApiServer();
    await api.start();
    api.put({
      name: 'checkout-abc',
      namespace: 'shop',
      phase: 'Running',
      ip: '127.0.0.1',
      node: 'node-a',
      labels: { 'app.kubernetes.io/name': 'checkout', app: 'ignored' },
      containers: [
        { name: 'sidecar', ports: [{ name: 'metrics', containerPort: 9999 }] },
        { name: 'app', ports: [{ name: 'pprof', containerPort: P }] },
      ],
      annotations: {
        'profiles.grafana.com/memory.scrape': 'true',
        'profiles.grafana.com/memory.port_name': 'pprof',
        'profiles.grafana.com/cpu.scrape': 'true',
        'profiles.grafana.com/cpu.port': String(P),
        'profiles.grafana.com/goroutine.scrape': 'true',
        'profiles.grafana.com/goroutine.port': String(P),
        'profiles.grafana.com/goroutine.path': '/custom/goroutine',
      },
    });
    api.put({
      name: 'legacy-xyz',
      namespace: 'billing',
      phase: 'Running',
      ip: '127.0.0.1',
      node: 'node-b',
      labels: { app: 'not-this' },
      containers: [{ name: 'api' }],
      annotations: {
        'pyroscope.io/scrape': 'true',
        'pyroscope.io/port': String(P),
        'pyroscope.io/application-name': 'billing-api',
        'pyroscope.io/profile-mem-enabled': 'false',
        'pyroscope.io/profile-goroutines-enabled': 'true',
      },
    });
    api.put({
      name: 'batch-1',
      namespace: 'shop',
      phase: 'Pending',
      labels: { app: 'batch' },
      annotations: { 'profiles.grafana.com/memory.scrape': 'true', 'profiles.grafana.com/memory.port': String(P) },
    });
    api.put({
      name: 'plain',
      namespace: 'shop',
      phase: 'Running',
      ip: '127.0.0.1',
      containers: [{ name: 'web', ports: [{ containerPort: P }] }],
    });
    api.put({
      name: 'worker-0',
      namespace: 'tools',
      phase: 'Running',
      ip: '127.0.0.1',
      containers: [{ name: 'worker', ports: [{ containerPort: P }] }],
      annotations: { 'profiles.grafana.com/memory.scrape': 'true' },
    });

    dir = mkdtempSync(join(tmpdir(), 'flamelens-k8s-'));
    // A second kubeconfig whose API server is not there: its discovery reports the error, the rest goes on.
    const dead = await listen(() => {});
    const deadPort = dead.port;
    await closeServer(dead.server);
    server = await startTestServer({
      scrape: {
        scrape_configs: [
          {
            job_name: 'k8s',
            scrape_interval: '1s',
            kubernetes_sd_configs: [
              { kubeconfig: kubeconfig(dir, 'stand-in.yaml', api.port) },
              { kubeconfig: kubeconfig(dir, 'dead.yaml', deadPort), namespaces: ['nowhere'] },
            ],
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await Promise.all([api?.close(), target && closeServer(target.server)]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists and watches pods: annotated running pods become targets with Kubernetes labels and get scraped', async () => {
    const { targets, discovery } = await eventually(
      'targets scraped',
      () => getTargets(server),
      (t) => t.targets.length === 6 && t.targets.every((x) => x.health === 'up'),
    );
    expect(summary(targets)).toEqual([
      'billing-api legacy-xyz goroutine',
      'billing-api legacy-xyz process_cpu',
      'checkout checkout-abc goroutine',
      'checkout checkout-abc memory',
      'checkout checkout-abc process_cpu',
      'tools/worker worker-0 memory',
    ]);
    const mem = targets.find((t) => t.labels.pod === 'checkout-abc' && t.profile === 'memory');
    expect(mem).toMatchObject({
      job: 'k8s',
      source: 'kubernetes',
      url: `http://127.0.0.1:${P}/debug/pprof/heap`,
      labels: {
        service_name: 'checkout',
        namespace: 'shop',
        pod: 'checkout-abc',
        container: 'app',
        node: 'node-a',
        job: 'k8s',
        instance: `127.0.0.1:${P}`,
      },
    });
    expect(targets.find((t) => t.labels.pod === 'legacy-xyz' && t.profile === 'process_cpu')!.labels).toMatchObject({
      container: 'api',
      node: 'node-b',
      namespace: 'billing',
    });
    expect(targets.find((t) => t.labels.pod === 'checkout-abc' && t.profile === 'goroutine')!.url).toBe(
      `http://127.0.0.1:${P}/custom/goroutine`,
    );
    expect(targetRequests).toContain('/custom/goroutine');

    expect(discovery).toHaveLength(2);
    expect(discovery[0]).toMatchObject({ job: 'k8s', mechanism: 'kubernetes', namespace: '', state: 'ok', error: null, pods: 3 });
    expect(discovery[1]).toMatchObject({ job: 'k8s', namespace: 'nowhere', state: 'error' });
    expect(discovery[1]!.error).toMatch(/ECONNREFUSED/);
    // The client really listed and then watched.
    expect(api.requests.some((r) => r.startsWith('/api/v1/pods') && !r.includes('watch'))).toBe(true);
    expect(api.requests.some((r) => r.startsWith('/api/v1/pods?') && r.includes('watch=true'))).toBe(true);

    // Stored like pushed profiles, with the pod's labels.
    const { json } = await server.rpc('Series', {
      matchers: ['{namespace="shop"}'],
      labelNames: ['service_name', 'pod', 'container', 'node', '__profile_type__'],
      start: Date.now() - 3600_000,
      end: Date.now(),
    });
    const rows = (json.labelsSet as { labels: { name: string; value: string }[] }[]).map((s) =>
      s.labels.map((l) => `${l.name}=${l.value}`).join(','),
    );
    expect(rows).toContain(
      '__profile_type__=memory:inuse_space:bytes:space:bytes,container=app,node=node-a,pod=checkout-abc,service_name=checkout',
    );
    expect(rows).toContain(
      '__profile_type__=process_cpu:cpu:nanoseconds:cpu:nanoseconds,container=app,node=node-a,pod=checkout-abc,service_name=checkout',
    );
  });

  it('follows the watch: a pod that starts running is added, pods that stop running or are deleted are dropped', async () => {
    api.put({
      name: 'batch-1',
      namespace: 'shop',
      phase: 'Running',
      ip: '127.0.0.1',
      labels: { app: 'batch' },
      annotations: { 'profiles.grafana.com/memory.scrape': 'true', 'profiles.grafana.com/memory.port': String(P) },
    });
    await eventually(
      'batch-1 added',
      () => getTargets(server),
      (t) => t.targets.some((x) => x.labels.pod === 'batch-1'),
    );

    api.put({
      name: 'checkout-abc',
      namespace: 'shop',
      phase: 'Succeeded',
      ip: '127.0.0.1',
      labels: { 'app.kubernetes.io/name': 'checkout' },
      annotations: { 'profiles.grafana.com/memory.scrape': 'true', 'profiles.grafana.com/memory.port': String(P) },
    });
    api.delete('billing', 'legacy-xyz');
    const { targets, discovery } = await eventually(
      'checkout and legacy dropped',
      () => getTargets(server),
      (t) => t.targets.every((x) => x.labels.pod !== 'checkout-abc' && x.labels.pod !== 'legacy-xyz'),
    );
    expect(summary(targets)).toEqual(['batch batch-1 memory', 'tools/worker worker-0 memory']);
    expect(discovery[0]!.pods).toBe(2);
  });

  it('survives the API server dropping its watches; a pod deleted meanwhile disappears', async () => {
    await eventually(
      'a watch is open',
      async () => api.openWatches,
      (n) => n > 0,
    );
    api.dropWatches();
    api.delete('tools', 'worker-0');
    const { targets } = await eventually(
      'worker-0 dropped',
      () => getTargets(server),
      (t) => t.targets.every((x) => x.labels.pod !== 'worker-0'),
    );
    expect(summary(targets)).toEqual(['batch batch-1 memory']);
    // And it keeps watching.
    api.put({
      name: 'batch-2',
      namespace: 'shop',
      phase: 'Running',
      ip: '127.0.0.1',
      labels: { app: 'batch' },
      annotations: { 'profiles.grafana.com/memory.scrape': 'true', 'profiles.grafana.com/memory.port': String(P) },
    });
    await eventually(
      'batch-2 added',
      () => getTargets(server),
      (t) => summary(t.targets).join() === 'batch batch-1 memory,batch batch-2 memory',
    );
  });
});
