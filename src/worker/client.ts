// The page's side of the profile worker: typed requests (see protocol.ts) as promises.
import type {
  Args,
  ErrorKind,
  OpenProgress,
  OpenResult,
  RequestKind,
  Result,
  Source,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

export class WorkerError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

export interface CallOptions {
  /** Stops waiting: the call rejects with the signal's reason and its answer is ignored. */
  signal?: AbortSignal;
  onProgress?: (p: OpenProgress) => void;
  /** Buffers or ports in the arguments to hand over instead of copying. */
  transfer?: Transferable[];
}

interface Pending {
  resolve: (result: Result<RequestKind>) => void;
  reject: (e: unknown) => void;
  onProgress?: (p: OpenProgress) => void;
}

export class ProfileWorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** A second worker that opens a diff's baseline while this one opens the comparison. */
  private helper?: ProfileWorkerClient | null;

  constructor(private readonly label = 'profile worker') {
    this.worker = new Worker(new URL('./profile.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerResponse>) => this.onMessage(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      const err = new WorkerError('internal', `The ${this.label} failed: ${ev.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private onMessage(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.progress);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'result') p.resolve(msg.result);
    else p.reject(new WorkerError(msg.kind, msg.message));
  }

  /** Asks the worker for `kind` with `args`; resolves with that kind's result. */
  call<K extends RequestKind>(kind: K, args: Args<K>, opts: CallOptions = {}): Promise<Result<K>> {
    const { signal, onProgress, transfer = [] } = opts;
    const id = this.nextId++;
    return new Promise<Result<K>>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // The worker answers request `id` with the result of its kind.
      this.pending.set(id, { resolve: resolve as (result: Result<RequestKind>) => void, reject, onProgress });
      signal?.addEventListener('abort', () => this.pending.delete(id) && reject(signal.reason), { once: true });
      const request: WorkerRequest<K> = { id, kind, args };
      this.worker.postMessage(request, transfer);
    });
  }

  /**
   * Opens the diff of two profiles. The baseline is opened by a second worker and handed to this
   * one through a channel of their own (its arrays are transferred, not copied): two cores read
   * the two files. Without a second worker, this one opens both.
   */
  openDiff(base: Source, next: Source, maxDecompressedBytes: number | undefined, opts: CallOptions = {}): Promise<OpenResult> {
    const helper = this.sideWorker();
    if (!helper) return this.call('open-diff', { base, next, maxDecompressedBytes }, opts);
    const channel = new MessageChannel();
    const side = helper.call('open-side', { ...base, maxDecompressedBytes, port: channel.port1 }, { transfer: [channel.port1] });
    const opened = this.call(
      'open-diff',
      { base: { port: channel.port2, name: base.name }, next, maxDecompressedBytes },
      {
        ...opts,
        transfer: [channel.port2],
      },
    );
    // The side's own problems come over the channel; should the helper itself fail, the diff fails
    // with it instead of waiting for a side that never comes, and a new helper is made next time.
    const helperFailed = side.then(
      () => opened,
      (e: unknown) => {
        helper.worker.terminate();
        if (this.helper === helper) this.helper = undefined;
        throw e;
      },
    );
    return Promise.race([opened, helperFailed]);
  }

  private sideWorker(): ProfileWorkerClient | null {
    if (this.helper === undefined) {
      try {
        this.helper = new ProfileWorkerClient('second profile worker');
      } catch {
        this.helper = null;
      }
    }
    return this.helper;
  }
}

let pageClient: ProfileWorkerClient | undefined;

/** The page's profile worker, one for the page's lifetime, started when first asked for. */
export function profileWorker(): ProfileWorkerClient {
  return (pageClient ??= new ProfileWorkerClient());
}
