// The page's side of the profile worker: promise-based requests with progress callbacks.
import type { Granularity } from '../profile/nodes';
import type { TopSort } from '../profile/top';
import type {
  DiffWidth,
  FlameData,
  GraphLayout,
  GraphOptions,
  LoadProgressMessage,
  OpenResult,
  Sandwich,
  TopColumns,
  ViewFilters,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

export class WorkerError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: LoadProgressMessage) => void;
}

export class ProfileWorkerClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('./profile.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerResponse>) => this.onMessage(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      const err = new WorkerError('internal', `The profile worker failed: ${ev.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private onMessage(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'result') p.resolve(msg.result);
    else p.reject(new WorkerError(msg.kind, msg.message));
  }

  private request<T>(
    req: DistributiveOmit<WorkerRequest, 'id'>,
    onProgress?: (p: LoadProgressMessage) => void,
    transfer: Transferable[] = [],
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.worker.postMessage({ ...req, id } as WorkerRequest, transfer);
    });
  }

  private helper?: Worker | null;
  /** A second worker that opens one side of a diff while the profile worker opens the other. */
  private sideWorker(): Worker | null {
    if (this.helper === undefined) {
      try {
        this.helper = new Worker(new URL('./profile.worker.ts', import.meta.url), { type: 'module' });
      } catch {
        this.helper = null; // the profile worker then opens both sides itself
      }
    }
    return this.helper;
  }

  open(
    source: Blob | ArrayBuffer,
    name: string,
    opts: { maxDecompressedBytes?: number; onProgress?: (p: LoadProgressMessage) => void } = {},
  ): Promise<OpenResult> {
    return this.request<OpenResult>({ type: 'open', source, name, maxDecompressedBytes: opts.maxDecompressedBytes }, opts.onProgress);
  }

  top(sampleIndex: number, granularity: Granularity, filters?: ViewFilters, sort?: TopSort): Promise<TopColumns> {
    return this.request<TopColumns>({ type: 'top', sampleIndex, granularity, sort, filters });
  }

  flame(sampleIndex: number, granularity: Granularity, widthBy?: DiffWidth, filters?: ViewFilters): Promise<FlameData> {
    return this.request<FlameData>({ type: 'flame', sampleIndex, granularity, widthBy, filters });
  }

  graph(sampleIndex: number, granularity: Granularity, options: GraphOptions, filters?: ViewFilters): Promise<GraphLayout> {
    return this.request<GraphLayout>({ type: 'graph', sampleIndex, granularity, options, filters });
  }

  treeReport(sampleIndex: number, granularity: Granularity, options: GraphOptions, filters?: ViewFilters): Promise<string> {
    return this.request<string>({ type: 'tree-report', sampleIndex, granularity, options, filters });
  }

  inverted(sampleIndex: number, granularity: Granularity, filters?: ViewFilters): Promise<FlameData> {
    return this.request<FlameData>({ type: 'inverted', sampleIndex, granularity, filters });
  }

  async openDiff(
    base: { source: Blob | ArrayBuffer; name: string },
    next: { source: Blob | ArrayBuffer; name: string },
    opts: { maxDecompressedBytes?: number; onProgress?: (p: LoadProgressMessage) => void } = {},
  ): Promise<OpenResult> {
    const helper = this.sideWorker();
    if (!helper) {
      return this.request<OpenResult>(
        { type: 'open-diff', base, next, maxDecompressedBytes: opts.maxDecompressedBytes },
        opts.onProgress,
      );
    }
    // The baseline is opened by the helper and handed to the profile worker through a channel of
    // their own (its arrays are transferred, not copied): two cores read the two files.
    const channel = new MessageChannel();
    helper.postMessage(
      { id: 0, type: 'open-side', ...base, maxDecompressedBytes: opts.maxDecompressedBytes, port: channel.port1 } satisfies WorkerRequest,
      [channel.port1],
    );
    const opened = this.request<OpenResult>(
      { type: 'open-diff', base: { port: channel.port2, name: base.name }, next, maxDecompressedBytes: opts.maxDecompressedBytes },
      opts.onProgress,
      [channel.port2],
    );
    // Should the helper itself fail (its errors while opening come over the channel), the diff
    // fails with it instead of waiting for a side that never comes; a new helper is made next time.
    const helperFailed = new Promise<never>((_, reject) => {
      helper.onerror = (ev) => {
        ev.preventDefault();
        this.helper = undefined;
        helper.terminate();
        reject(new WorkerError('internal', `The second profile worker failed: ${ev.message || 'unknown error'}`));
      };
    });
    return Promise.race([opened, helperFailed]).finally(() => (helper.onerror = null));
  }

  sandwich(sampleIndex: number, granularity: Granularity, node: number, filters?: ViewFilters): Promise<Sandwich> {
    return this.request<Sandwich>({ type: 'sandwich', sampleIndex, granularity, node, filters });
  }

  exportPprof(): Promise<Uint8Array> {
    return this.request<Uint8Array>({ type: 'export-pprof' });
  }

  exportFolded(sampleIndex: number, granularity: Granularity, filters?: ViewFilters): Promise<string> {
    return this.request<string>({ type: 'export-folded', sampleIndex, granularity, filters });
  }
}

let pageClient: ProfileWorkerClient | undefined;

/** The page's profile worker, one for the page's lifetime. */
export function pageProfileWorker(): ProfileWorkerClient {
  return (pageClient ??= new ProfileWorkerClient());
}
