// Kubernetes pod discovery: list + watch pods with @kubernetes/client-node's ListWatch, and turn
// running pods whose annotations ask for it into scrape targets.
//
// Annotations (per profile; `cpu` and `process_cpu` both name the CPU profile):
//   Grafana: profiles.grafana.com/<profile>.scrape: "true", .port, .port_name, .path, .scheme,
//            profiles.grafana.com/service_name
//   Older:   pyroscope.io/scrape: "true", pyroscope.io/port, pyroscope.io/scheme,
//            pyroscope.io/application-name, pyroscope.io/profile-<name>-enabled
//            (cpu and mem on unless "false"; goroutines, block, mutex off unless "true").
// A Grafana `<profile>.scrape` annotation decides for that profile, whatever pyroscope.io/* says.
import { isIPv6 } from 'node:net';
import { CoreV1Api, KubeConfig, ListWatch, Watch, type V1Pod, type V1PodList } from '@kubernetes/client-node';
import type { JobConfig } from './config';
import { PROFILE_KINDS, type ProfileKind } from './profiles';
import type { TargetSpec } from './targets';

const GRAFANA = 'profiles.grafana.com/';
const PYROSCOPE = 'pyroscope.io/';

/** Annotation names of each profile, Grafana convention and pyroscope.io. */
const NAMES: Record<ProfileKind, { grafana: string[]; pyroscope: string[]; pyroscopeDefault: boolean }> = {
  process_cpu: { grafana: ['cpu', 'process_cpu'], pyroscope: ['cpu', 'process_cpu'], pyroscopeDefault: true },
  memory: { grafana: ['memory'], pyroscope: ['mem', 'memory'], pyroscopeDefault: true },
  goroutine: { grafana: ['goroutine'], pyroscope: ['goroutines', 'goroutine'], pyroscopeDefault: false },
  mutex: { grafana: ['mutex'], pyroscope: ['mutex'], pyroscopeDefault: false },
  block: { grafana: ['block'], pyroscope: ['block'], pyroscopeDefault: false },
};

const truthy = (v: string | undefined) => v !== undefined && ['true', '1', 'yes', 'on'].includes(v.trim().toLowerCase());

/** Scrape targets of one pod (none unless it is Running, has an IP and asks to be scraped). */
export function podTargets(pod: V1Pod, job: JobConfig): TargetSpec[] {
  if (pod.status?.phase !== 'Running' || !pod.status.podIP) return [];
  const ann = pod.metadata?.annotations ?? {};
  const podLabels = pod.metadata?.labels ?? {};
  const namespace = pod.metadata?.namespace ?? 'default';
  const podName = pod.metadata?.name ?? '';
  const containers = pod.spec?.containers ?? [];
  const ip = pod.status.podIP;
  const host = isIPv6(ip) ? `[${ip}]` : ip;
  const out: TargetSpec[] = [];
  for (const kind of PROFILE_KINDS) {
    const names = NAMES[kind.name];
    const g = (key: string) => {
      for (const n of names.grafana) {
        const v = ann[`${GRAFANA}${n}.${key}`];
        if (v !== undefined) return v;
      }
      return undefined;
    };
    let port: string | undefined;
    let portName: string | undefined;
    let path: string | undefined;
    let scheme: string | undefined;
    const grafanaScrape = g('scrape');
    if (grafanaScrape !== undefined) {
      if (!truthy(grafanaScrape)) continue;
      port = g('port');
      portName = g('port_name');
      path = g('path');
      scheme = g('scheme');
    } else if (truthy(ann[`${PYROSCOPE}scrape`])) {
      const flag = names.pyroscope.map((n) => ann[`${PYROSCOPE}profile-${n}-enabled`]).find((v) => v !== undefined);
      if (!(flag === undefined ? names.pyroscopeDefault : truthy(flag))) continue;
      port = ann[`${PYROSCOPE}port`];
      scheme = ann[`${PYROSCOPE}scheme`];
    } else continue;

    // The port, and the container that declares it.
    let container = containers[0]?.name;
    let portNumber: number | undefined;
    if (port !== undefined && port.trim() !== '') {
      portNumber = Number(port);
      const owner = containers.find((c) => c.ports?.some((p) => p.containerPort === portNumber));
      if (owner) container = owner.name;
    } else if (portName) {
      const owner = containers.find((c) => c.ports?.some((p) => p.name === portName));
      portNumber = owner?.ports?.find((p) => p.name === portName)?.containerPort;
      if (owner) container = owner.name;
    } else {
      const owner = containers.find((c) => c.ports?.length);
      portNumber = owner?.ports?.[0]?.containerPort;
      if (owner) container = owner.name;
    }
    if (portNumber === undefined || !Number.isInteger(portNumber) || portNumber <= 0 || portNumber > 65535) continue;
    const s = (scheme ?? 'http').toLowerCase();
    if (s !== 'http' && s !== 'https') continue;
    if (path !== undefined && !path.startsWith('/')) path = `/${path}`;

    const serviceName =
      ann[`${GRAFANA}service_name`] ||
      ann[`${PYROSCOPE}application-name`] ||
      podLabels['app.kubernetes.io/name'] ||
      podLabels.app ||
      `${namespace}/${container ?? podName}`;
    const labels: Record<string, string> = {
      service_name: serviceName,
      namespace,
      pod: podName,
      job: job.name,
      instance: `${host}:${portNumber}`,
    };
    if (container) labels.container = container;
    if (pod.spec?.nodeName) labels.node = pod.spec.nodeName;
    out.push({
      job: job.name,
      source: 'kubernetes',
      address: `${s}://${host}:${portNumber}`,
      profile: kind.name,
      path: path ?? job.profiles[kind.name].path,
      labels,
    });
  }
  return out;
}

export interface DiscoveryStatus {
  job: string;
  mechanism: 'kubernetes';
  /** Namespace watched; "" = all namespaces. */
  namespace: string;
  state: 'connecting' | 'ok' | 'error';
  error: string | null;
  /** Pods currently giving at least one target. */
  pods: number;
  lastUpdate: string | null;
}

type SetGroup = (group: string, targets: TargetSpec[]) => void;

/** A pod list that takes longer than this is treated as a failure (and retried). */
const LIST_TIMEOUT_MS = 30_000;

/**
 * ListWatch.stop() aborts the current watch request, but one still connecting is only known to
 * ListWatch once its response has arrived: abort those too once they are there.
 */
class StoppableWatch extends Watch {
  stopped = false;
  override async watch(...args: Parameters<Watch['watch']>): Promise<AbortController> {
    const controller = await super.watch(...args);
    if (this.stopped) controller.abort();
    return controller;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Watcher {
  lw?: ListWatch<V1Pod>;
  watch?: StoppableWatch;
  status: DiscoveryStatus;
  retry?: NodeJS.Timeout;
  backoffMs: number;
  /** Groups (pods) this watch currently gives targets for. */
  groups: Set<string>;
}

/** One job's kubernetes_sd_configs entry: a ListWatch per namespace (or one for all). */
export class KubernetesDiscovery {
  private watches: Watcher[] = [];
  private stopped = false;

  constructor(
    private readonly job: JobConfig,
    private readonly sd: { namespaces: string[]; kubeconfig?: string },
    private readonly sdIndex: number,
    private readonly setGroup: SetGroup,
    private readonly log: (msg: string) => void,
  ) {}

  start(): void {
    const namespaces = this.sd.namespaces.length ? this.sd.namespaces : [''];
    let kc: KubeConfig | undefined;
    let configError: string | undefined;
    try {
      kc = new KubeConfig();
      if (this.sd.kubeconfig) kc.loadFromFile(this.sd.kubeconfig);
      else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
      else throw new Error('no kubeconfig given and not running in a cluster (KUBERNETES_SERVICE_HOST is not set)');
      if (!kc.getCurrentCluster()) throw new Error(`kubeconfig ${this.sd.kubeconfig} has no current cluster`);
    } catch (e) {
      configError = (e as Error).message;
    }
    for (const ns of namespaces) {
      const w: Watcher = {
        status: {
          job: this.job.name,
          mechanism: 'kubernetes',
          namespace: ns,
          state: 'connecting',
          error: null,
          pods: 0,
          lastUpdate: null,
        },
        backoffMs: 1000,
        groups: new Set(),
      };
      this.watches.push(w);
      if (configError || !kc) {
        w.status.state = 'error';
        w.status.error = configError ?? 'no kubeconfig';
        this.log(`scrape ${this.job.name}: kubernetes discovery: ${w.status.error}`);
        continue;
      }
      this.connect(w, kc, ns);
    }
  }

  /** A fresh ListWatch (list, then watch). After an error the next one lists again from scratch. */
  private connect(w: Watcher, kc: KubeConfig, ns: string): void {
    if (this.stopped) return;
    const api = kc.makeApiClient(CoreV1Api);
    const path = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/pods` : '/api/v1/pods';
    const list = async (): Promise<V1PodList> => {
      const res = await withTimeout(
        ns ? api.listNamespacedPod({ namespace: ns }) : api.listPodForAllNamespaces(),
        LIST_TIMEOUT_MS,
        `listing pods at ${path}`,
      );
      w.status.state = 'ok';
      w.status.error = null;
      w.backoffMs = 1000;
      // Pods that went away while we were not watching.
      const present = new Set(res.items.map((p) => this.groupKey(p)));
      for (const key of [...w.groups]) if (!present.has(key)) this.removeGroup(w, key);
      return res;
    };
    const watch = new StoppableWatch(kc);
    const lw = new ListWatch<V1Pod>(path, watch, list, false);
    w.lw = lw;
    w.watch = watch;
    const update = (pod: V1Pod) => w.lw === lw && this.podChanged(w, pod, false);
    lw.on('add', update);
    lw.on('update', update);
    lw.on('delete', (pod) => w.lw === lw && this.podChanged(w, pod, true));
    lw.on('error', (err) => {
      if (this.stopped || w.lw !== lw) return;
      w.status.state = 'error';
      w.status.error = errorText(err);
      this.log(
        `scrape ${this.job.name}: kubernetes discovery${ns ? ` (namespace ${ns})` : ''}: ${w.status.error}; retrying in ${w.backoffMs} ms`,
      );
      // ListWatch does not restart after an error: start a new one with backoff, keeping the known pods meanwhile.
      watch.stopped = true;
      void lw.stop();
      clearTimeout(w.retry);
      w.retry = setTimeout(() => this.connect(w, kc, ns), w.backoffMs);
      w.retry.unref();
      w.backoffMs = Math.min(w.backoffMs * 2, 30_000);
    });
    void lw.start().catch(() => {});
  }

  private groupKey(pod: V1Pod): string {
    return `k8s:${this.job.name}:${this.sdIndex}:${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  }

  private removeGroup(w: Watcher, key: string): void {
    w.groups.delete(key);
    w.status.pods = w.groups.size;
    this.setGroup(key, []);
  }

  private podChanged(w: Watcher, pod: V1Pod, deleted: boolean): void {
    if (this.stopped) return;
    const key = this.groupKey(pod);
    const targets = deleted ? [] : podTargets(pod, this.job);
    if (targets.length) w.groups.add(key);
    else w.groups.delete(key);
    w.status.pods = w.groups.size;
    w.status.lastUpdate = new Date().toISOString();
    this.setGroup(key, targets);
  }

  status(): DiscoveryStatus[] {
    return this.watches.map((w) => ({ ...w.status }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watches) {
      clearTimeout(w.retry);
      if (w.watch) w.watch.stopped = true;
      await w.lw?.stop();
    }
  }
}

function errorText(err: unknown): string {
  if (!err) return 'watch ended';
  const e = err as {
    message?: string;
    statusCode?: number;
    code?: number | string;
    body?: unknown;
    cause?: { message?: string };
  };
  const status = e.statusCode ?? (typeof e.code === 'number' ? e.code : undefined);
  let msg = e.message ?? String(err);
  if (e.cause?.message && !msg.includes(e.cause.message)) msg += `: ${e.cause.message}`;
  if (status && !msg.includes(String(status))) msg = `HTTP ${status}: ${msg}`;
  return msg.length > 500 ? `${msg.slice(0, 500)}…` : msg;
}
