// The page's side of the profile worker: promise-based requests with progress callbacks.
import { gunzipNative, isGzip } from '../common/gzip';
import type { Granularity } from '../profile/model/nodes';
import type { TopSort } from '../profile/reports/top';
import type {
  DiffWidth,
  FlameData,
  FlameNext,
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

/** Files up to this size are read and inflated on the page (see open); larger ones in the worker, with progress. */
const PAGE_READ_MAX_BYTES = 8 << 20;

/** A file's bytes, inflated when gzipped, in an ArrayBuffer of their own (to transfer). */
async function readOnPage(file: Blob, maxDecompressedBytes?: number): Promise<ArrayBuffer> {
  const raw = new Uint8Array(await file.arrayBuffer());
  const bytes = isGzip(raw) ? await gunzipNative(raw, maxDecompressedBytes) : raw;
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
}

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
    if (msg.type === 'warm-up-over') {
      this.warmUpOver = true;
      return;
    }
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

  /** Whether the worker's warm-up has ended: until then, a small file is read on the page. */
  private warmUpOver = false;

  /**
   * Opens a file; with `flameNext`, the worker builds that flame graph while the page renders.
   * During the worker's warm-up (right after the page loads), a small file is read and inflated
   * here, on the page, while the worker finishes its step; the worker is told at once to stop
   * there. Afterwards the worker reads it, while the page renders that a file is opening (the
   * page's read waited for that render: 19 ms from the change event to the worker's start, at
   * 10k stacks, against 1-2 ms now). Anything that goes wrong on the page sends the file itself,
   * for the worker to report.
   */
  async open(
    source: Blob | ArrayBuffer,
    name: string,
    opts: { maxDecompressedBytes?: number; onProgress?: (p: LoadProgressMessage) => void; flameNext?: FlameNext } = {},
  ): Promise<OpenResult> {
    let read: Promise<ArrayBuffer | undefined> = Promise.resolve(undefined);
    if (source instanceof Blob && source.size <= PAGE_READ_MAX_BYTES && !this.warmUpOver) {
      this.worker.postMessage({ type: 'hold', id: 0 } satisfies WorkerRequest);
      read = readOnPage(source, opts.maxDecompressedBytes).catch(() => undefined);
    }
    // Opens reach the worker in the order they were asked for, however long each read takes:
    // the worker keeps the last one it opened, which must be the one the page asked for last.
    const earlier = this.opensPosted;
    let posted!: () => void;
    this.opensPosted = new Promise((resolve) => (posted = resolve));
    const bytes = await read;
    await earlier;
    const result = this.request<OpenResult>(
      { type: 'open', source: bytes ?? source, name, maxDecompressedBytes: opts.maxDecompressedBytes, flameNext: opts.flameNext },
      opts.onProgress,
      bytes ? [bytes] : [],
    );
    posted();
    return result;
  }

  /** Settles once every open asked for so far has been posted to the worker (see open). */
  private opensPosted: Promise<void> = Promise.resolve();

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
    await this.opensPosted; // after a file asked for earlier and still being read (see open)
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

/**
 * The page's profile worker, one for the page's lifetime. main.ts starts it before the app's
 * code has loaded, so that the worker's own start-up and warm-up overlap the page's instead
 * of adding to the time to the first drawn profile.
 */
export function pageProfileWorker(): ProfileWorkerClient {
  return (pageClient ??= new ProfileWorkerClient());
}
