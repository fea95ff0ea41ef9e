// Pull mode: scrape loops for every target × profile, fed by static configs and Kubernetes
// discovery. Each scrape decodes the pprof body in the ingest worker pool (with the delta of
// cumulative profiles) and stores it with ProfileStore.ingest, exactly like a pushed profile
// (labels, profile type ids, limits, one transaction).
import type { DecodePool } from '../ingest/pool';
import type { ProfileStore } from '../storage/store';
import { SCRAPE_MARGIN_MS, type JobConfig, type ScrapeConfig } from './config';
import type { DeltaState } from './delta';
import { KubernetesDiscovery, type DiscoveryStatus } from './kubernetes';
import { PROFILE_KIND } from './profiles';
import type { TargetSpec, TargetStatus } from './targets';

export interface ScrapeManagerOptions {
  store: ProfileStore;
  pool: DecodePool;
  log?: (msg: string) => void;
}

/** Limits how many scrapes run at once. */
class Semaphore {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** Seconds of CPU profiling per scrape: the interval minus a margin, at least 1. */
export function cpuSeconds(intervalMs: number): number {
  return Math.max(1, Math.floor((intervalMs - SCRAPE_MARGIN_MS) / 1000));
}

function scrapeUrl(spec: TargetSpec, job: JobConfig): { url: string; extraMs: number } {
  const u = new URL(spec.path, spec.address + '/');
  let extraMs = 0;
  if (PROFILE_KIND[spec.profile].timed) {
    if (!u.searchParams.has('seconds')) u.searchParams.set('seconds', String(cpuSeconds(job.intervalMs)));
    extraMs = (Number(u.searchParams.get('seconds')) || 0) * 1000;
  }
  return { url: u.toString(), extraMs };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

class ScrapeLoop {
  readonly status: TargetStatus;
  delta?: DeltaState;
  timer?: NodeJS.Timeout;
  controller?: AbortController;
  running?: Promise<void>;
  stopped = false;
  readonly deadlineMs: number;

  constructor(
    readonly key: string,
    readonly spec: TargetSpec,
    readonly job: JobConfig,
  ) {
    const { url, extraMs } = scrapeUrl(spec, job);
    this.deadlineMs = job.timeoutMs + extraMs;
    this.status = {
      job: spec.job,
      source: spec.source,
      profile: spec.profile,
      url,
      labels: { ...spec.labels },
      tenant: job.tenant,
      health: 'unknown',
      lastScrape: null,
      lastScrapeDurationMs: null,
      lastError: null,
      intervalMs: job.intervalMs,
      timeoutMs: this.deadlineMs,
      scrapes: 0,
      failures: 0,
    };
  }
}

export class ScrapeManager {
  private readonly store: ProfileStore;
  private readonly pool: DecodePool;
  private readonly log: (msg: string) => void;
  private readonly semaphore: Semaphore;
  private readonly jobs = new Map<string, JobConfig>();
  /** Group (a static config, or one pod) → its loops by key. */
  private readonly groups = new Map<string, Map<string, ScrapeLoop>>();
  private readonly discoveries: KubernetesDiscovery[] = [];
  private stopped = false;

  constructor(
    private readonly config: ScrapeConfig,
    opts: ScrapeManagerOptions,
  ) {
    this.store = opts.store;
    this.pool = opts.pool;
    this.log = opts.log ?? (() => {});
    this.semaphore = new Semaphore(config.maxConcurrentScrapes);
    for (const j of config.jobs) this.jobs.set(j.name, j);
  }

  start(): void {
    for (const job of this.config.jobs) {
      job.staticConfigs.forEach((sc, i) => {
        const specs: TargetSpec[] = [];
        for (const address of sc.targets) {
          const instance = new URL(address).host;
          for (const [profile, setting] of Object.entries(job.profiles) as [
            TargetSpec['profile'],
            { enabled: boolean; path: string },
          ][]) {
            if (!setting.enabled) continue;
            specs.push({
              job: job.name,
              source: 'static',
              address,
              profile,
              path: setting.path,
              labels: { service_name: job.name, job: job.name, instance, ...sc.labels },
            });
          }
        }
        this.setGroup(`static:${job.name}:${i}`, specs);
      });
      job.kubernetes.forEach((sd, i) => {
        const d = new KubernetesDiscovery(job, sd, i, (group, targets) => this.setGroup(group, targets), this.log);
        this.discoveries.push(d);
        d.start();
      });
    }
  }

  /** Replaces the targets of a group; loops whose target is unchanged keep running (and their delta baseline). */
  setGroup(group: string, specs: TargetSpec[]): void {
    if (this.stopped) return;
    const old = this.groups.get(group) ?? new Map<string, ScrapeLoop>();
    const next = new Map<string, ScrapeLoop>();
    for (const spec of specs) {
      const job = this.jobs.get(spec.job);
      if (!job) continue;
      const sortedLabels = Object.entries(spec.labels).sort((a, b) => (a[0] < b[0] ? -1 : 1));
      const key = JSON.stringify([spec.job, spec.address, spec.profile, spec.path, sortedLabels]);
      if (next.has(key)) continue;
      const existing = old.get(key);
      if (existing) next.set(key, existing);
      else {
        const loop = new ScrapeLoop(key, spec, job);
        next.set(key, loop);
        this.schedule(loop, true);
      }
    }
    for (const [key, loop] of old) if (!next.has(key)) this.stopLoop(loop);
    if (next.size) this.groups.set(group, next);
    else this.groups.delete(group);
  }

  private schedule(loop: ScrapeLoop, first: boolean, nextAt?: number): void {
    if (loop.stopped || this.stopped) return;
    const interval = loop.job.intervalMs;
    // Spread first scrapes over the interval (deterministically per target), then keep the phase.
    const at = first ? Date.now() + (hash(loop.key) % Math.min(interval, 5000)) : nextAt!;
    loop.timer = setTimeout(
      () => {
        loop.running = this.scrape(loop).finally(() => {
          loop.running = undefined;
          let n = at + interval;
          const now = Date.now();
          if (n <= now) n += Math.ceil((now - n + 1) / interval) * interval; // overran: skip missed ticks
          this.schedule(loop, false, n);
        });
      },
      Math.max(0, at - Date.now()),
    );
    loop.timer.unref();
  }

  private stopLoop(loop: ScrapeLoop): void {
    loop.stopped = true;
    clearTimeout(loop.timer);
    loop.controller?.abort(new Error('target removed'));
  }

  private async scrape(loop: ScrapeLoop): Promise<void> {
    const release = await this.semaphore.acquire();
    if (loop.stopped || this.stopped) return release();
    const started = Date.now();
    const controller = new AbortController();
    loop.controller = controller;
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(loop.deadlineMs)]);
    const st = loop.status;
    try {
      const bytes = await fetchProfile(st.url, signal, this.config.maxProfileBytes);
      const kind = PROFILE_KIND[loop.spec.profile];
      const decoded = await this.pool.decode({
        bytes,
        budget: Number.MAX_SAFE_INTEGER, // bounded by the pool's limits and max_profile_bytes
        scrape: { kind: kind.name, prev: loop.delta, nowMs: started },
      });
      if (decoded.delta) {
        loop.delta = decoded.delta.state;
        if (decoded.delta.reset)
          this.log(`scrape ${st.job} ${st.url}: counters went down (target restarted); storing the current values as the delta`);
      }
      if (decoded.profile && !loop.stopped) {
        await this.store.ingest(loop.job.tenant, [{ profile: decoded.profile, labels: loop.spec.labels, timeMs: started }]);
      }
      st.health = 'up';
      st.lastError = null;
    } catch (e) {
      st.health = 'down';
      st.failures++;
      st.lastError = describeError(e, signal, loop.deadlineMs);
    } finally {
      release();
      loop.controller = undefined;
      st.scrapes++;
      st.lastScrape = new Date(started).toISOString();
      st.lastScrapeDurationMs = Date.now() - started;
    }
  }

  targets(): TargetStatus[] {
    const out: TargetStatus[] = [];
    for (const g of this.groups.values())
      for (const loop of g.values()) out.push({ ...loop.status, labels: { ...loop.status.labels } });
    return out.sort((a, b) =>
      a.job !== b.job ? (a.job < b.job ? -1 : 1) : a.url < b.url ? -1 : a.url > b.url ? 1 : a.profile < b.profile ? -1 : 1,
    );
  }

  discovery(): DiscoveryStatus[] {
    return this.discoveries.flatMap((d) => d.status());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.discoveries.map((d) => d.stop()));
    const running: Promise<void>[] = [];
    for (const g of this.groups.values()) {
      for (const loop of g.values()) {
        this.stopLoop(loop);
        if (loop.running) running.push(loop.running);
      }
    }
    await Promise.allSettled(running);
  }
}

/** GET the profile, bounded in time (signal) and size. */
async function fetchProfile(url: string, signal: AbortSignal, maxBytes: number): Promise<Uint8Array> {
  const res = await fetch(url, { signal, headers: { accept: 'application/octet-stream, */*' }, redirect: 'follow' });
  if (!res.ok) {
    let text = '';
    try {
      text = (await res.text()).trim().slice(0, 200);
    } catch {
      // the status says enough
    }
    throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${text ? `: ${text}` : ''}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`profile of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`profile exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function describeError(e: unknown, signal: AbortSignal, deadlineMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    if (reason?.name === 'TimeoutError') return `timeout: no complete answer within ${deadlineMs} ms`;
    return `aborted: ${reason?.message ?? 'stopped'}`;
  }
  let msg = err?.message ?? String(e);
  if (err?.cause) msg += `: ${err.cause.code ?? err.cause.message ?? ''}`;
  return msg;
}
