// The pool of decoding worker threads (piscina): every ingested, pushed or scraped profile is
// gunzipped, decoded, checked and prepared there, off the event loop. A worker that runs out of
// its heap (FLAMELENS_WORKER_HEAP_MB) dies alone; the request gets 413 and piscina replaces it.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ClientError } from '../errors';
import { overLimit, type Limits } from '../limits';
import type { DecodeResult, DecodeTask, PprofJsonTask } from './decode-task';

/** Tasks waiting for a worker at most; more are refused with 429 rather than held in memory. */
export const MAX_QUEUED_DECODES = 64;

export type DecodeOk = Extract<DecodeResult, { ok: true }>;

export class DecodePool {
  private readonly pool: Piscina<DecodeTask | PprofJsonTask, DecodeResult | string>;

  constructor(
    private readonly limits: Limits,
    // At least 2, even on 2 cores: while the main thread waits for a commit's fsync, a single
    // decoder would leave the other core idle (the cluster benchmark's ingest, BENCHMARKS.md).
    threads = Math.min(4, Math.max(2, availableParallelism() - 1)),
  ) {
    this.pool = new Piscina({
      filename: new URL('./decode-worker.mjs', import.meta.url).href,
      // All started with the server: a worker's start (loading the TypeScript sources) costs about
      // a second of CPU, which the first burst of ingest would otherwise pay, on its cores.
      minThreads: threads,
      maxThreads: threads,
      maxQueue: MAX_QUEUED_DECODES,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: limits.workerHeapMb },
    });
  }

  /** Decodes one profile; throws ClientError for anything wrong with it. */
  async decode(task: Omit<DecodeTask, 'limits'>): Promise<DecodeOk> {
    let r: DecodeResult;
    try {
      r = (await this.pool.run({ ...task, limits: this.limits })) as DecodeResult;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_WORKER_OUT_OF_MEMORY')
        throw overLimit('workerHeapMb', this.limits, 'decoding the profile needs more memory than a worker has');
      if ((e as Error).message?.includes('Task queue is at limit'))
        throw new ClientError(429, `too many profiles are waiting to be decoded (${MAX_QUEUED_DECODES}); retry later`);
      throw e;
    }
    if (!r.ok) throw new ClientError(r.status, r.message);
    return r;
  }

  /** A merged pprof's Connect JSON, written by a worker (a large one takes seconds to serialise). */
  async pprofToJson(bytes: Uint8Array): Promise<string> {
    return (await this.pool.run({ pprofJson: bytes })) as string;
  }

  /** Resolves once a worker has loaded its code: the server says it listens only when it can decode. */
  async ready(): Promise<void> {
    await this.pool.run({ pprofJson: new Uint8Array(0) });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
