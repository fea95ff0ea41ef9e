/// <reference lib="webworker" />
// The profile worker: decoding and aggregation happen here so that the page stays responsive.
import { ProfileError } from '../common/profile-error';
import type { Granularity } from '../profile/model/nodes';
import { gunzipNative, isGzip } from '../common/gzip';
import { ProfileSession, diffOfSessions, openProfile, readSessionData, sessionOf } from '../profile/model/session';
import type { LoadOptions, LoadProgress, ProfileBytes } from '../common/pprof-bytes';
import { FilterError } from '../profile/transforms/filters';
import { ProfileSource, type ViewFilters } from '../profile/model/filtered-session';
import type { DiffWidth, FlameData, GraphLayout, OpenResult, SideMessage, WorkerRequest, WorkerResponse } from './protocol';
import { activeFilterLabels } from '../profile/transforms/filters';
import { runInSteps } from './idle-steps';
import { warmUpInSteps } from './warm-up';

// Graphviz (WebAssembly) is loaded the first time a graph is laid out, not with the worker.
let vizInstance: Promise<import('@viz-js/viz').Viz> | undefined;
function viz() {
  vizInstance ??= import('@viz-js/viz').then((m) => m.instance());
  return vizInstance;
}

declare const self: DedicatedWorkerGlobalScope;

let source: ProfileSource | undefined;
/** Requests received so far: background work (warm-up, graph preparation) stops at the next one. */
let requests = 0;

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

/** Where a file being read has got to, for the page's progress bar. */
type ReadProgress = (phase: 'reading' | 'decompressing', done: number, total: number) => void;

/** Reads a Blob in chunks so that the page can show how many bytes have been read. */
async function readAll(source: Blob | ArrayBuffer, progress?: ReadProgress): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const total = source.size;
  const out = new Uint8Array(total);
  const reader = source.stream().getReader();
  let done = 0;
  let lastReport = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    out.set(r.value, done);
    done += r.value.length;
    if (done - lastReport > 4 << 20 || done === total) {
      lastReport = done;
      progress?.('reading', done, total);
    }
  }
  return done === total ? out : out.subarray(0, done);
}

/**
 * Reads a file and inflates it into `box.bytes`: gzip with the browser's zlib (see gunzipNative);
 * other files pass through to openProfile, which validates them. The bytes then live only in the
 * box, which openProfile empties (take) once it has them: no frame of the caller holds a large
 * file while the profile is built from it (see ProfileBytes).
 */
async function readInto(box: { bytes?: Uint8Array }, source: Blob | ArrayBuffer, maxBytes?: number, progress?: ReadProgress): Promise<void> {
  const bytes = await readAll(source, progress);
  box.bytes = isGzip(bytes) ? await gunzipNative(bytes, maxBytes, (done, total) => progress?.('decompressing', done, total)) : bytes;
}

/** Progress of request `id`'s file, posted to the page. */
function progressOf(id: number): ReadProgress {
  return (phase, done, total) => post({ id, type: 'progress', phase, done, total });
}

function take(box: { bytes?: Uint8Array }): () => Uint8Array {
  return () => {
    const b = box.bytes!;
    box.bytes = undefined;
    return b;
  };
}

/**
 * Opens a file's bytes. The warm-up opens its profile through this too: an options object of
 * another shape than the one the engine optimised for sends the code back to the interpreter
 * (V8's --trace-deopt: "wrong map"), at the start of reading the first real file.
 */
function openFile(bytes: ProfileBytes, maxDecompressedBytes: number | undefined, onProgress: (p: LoadProgress) => void): ProfileSession {
  return openProfile(bytes, fileOptions(maxDecompressedBytes, onProgress));
}

function fileOptions(maxDecompressedBytes: number | undefined, onProgress: (p: LoadProgress) => void): LoadOptions {
  return { maxDecompressedBytes, onProgress };
}

/** The side of a diff that a helper worker opened (see 'open-side'), as a session. */
function receiveSide(port: MessagePort, name: string): Promise<ProfileSession> {
  return new Promise((resolve, reject) => {
    port.onmessage = (ev: MessageEvent<SideMessage>) => {
      const m = ev.data;
      port.close();
      if (m.type === 'result') resolve(new ProfileSession(m.data, m.trie));
      else if (m.kind === 'internal') reject(new Error(`${name}: ${m.message}`));
      else reject(new ProfileError(m.kind, `${name}: ${m.message}`));
    };
  });
}

/** Every distinct ArrayBuffer under a value (typed arrays in objects and arrays), to transfer. */
function buffersOf(value: unknown, out = new Set<ArrayBuffer>(), depth = 0): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (Array.isArray(value)) {
    // Arrays of strings (names, per-sample label values) hold no buffers: skip them whole.
    if (depth < 4 && value.length > 0 && typeof value[0] === 'object') for (const v of value) buffersOf(v, out, depth + 1);
  } else if (value && typeof value === 'object' && depth < 4) {
    for (const v of Object.values(value)) buffersOf(v, out, depth + 1);
  }
  return [...out];
}

/**
 * Once the worker has been idle for a second after a flame graph, does the one-time work of the
 * first call graph (ProfileSession.graphPreparation), a step per task, and stops at the next
 * request: on a large profile that work is most of the first graph's time (0.9 s of 2 s at 1M
 * stacks). The wait lets the flame graph's own garbage go first, so that the memory peak of
 * opening the profile is not raised.
 */
function prepareGraphWhenIdle(session: ProfileSession, sampleIndex: number, granularity: Granularity): void {
  const seen = requests;
  // A failing step is left to the graph request, if it comes, to meet and report.
  setTimeout(() => runInSteps(session.graphPreparation(sampleIndex, granularity), () => requests !== seen), 1000);
}

/**
 * The flame graph an 'open' request's `flameNext` asked for, built right after the profile was
 * opened: the page renders the opened profile meanwhile, then asks for it. Handed over (its arrays
 * are transferred) to the first flame request if that is the one; dropped by any other.
 */
let prebuilt: { key: string; data: FlameData } | undefined;
const PREBUILT_FLAME_MAX_NODES = 1 << 20;

function flameKey(sampleIndex: number, granularity: Granularity, widthBy: DiffWidth = 'comparison', filters?: ViewFilters): string {
  return JSON.stringify([sampleIndex, granularity, widthBy, filters ?? {}]);
}

/**
 * A User Timing mark (`flamelens:…`) at a step of opening a file: DevTools' Performance panel
 * shows them, and bench/browser/first-draw-phases.ts reads them from a trace.
 */
function mark(step: string): void {
  performance.mark(`flamelens:${step}`);
}

/** The session for a request: the open profile, refine-filtered as the request asks. */
function need(filters?: ViewFilters): ProfileSession {
  if (!source) throw new Error('no profile is open');
  return source.session(filters);
}

/**
 * Opens (files and diffs) received so far. Reading is asynchronous, so a later open can finish
 * reading first; an earlier one that finds a later one has come meanwhile is dropped instead of
 * replacing it: the page shows the file it was given last, and the worker must hold that one.
 */
let opensReceived = 0;

/** Thrown by an open that a later open overtook; the page ignores its answer. */
class Overtaken extends Error {}

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.type) {
    case 'open': {
      // The previous profile stays open until the new one has loaded: a bad file loses nothing.
      mark('worker:open');
      const mine = ++opensReceived;
      const box = {};
      await readInto(box, req.source, req.maxDecompressedBytes, progressOf(req.id));
      if (mine !== opensReceived) throw new Overtaken();
      mark('worker:read');
      const next = openFile(take(box), req.maxDecompressedBytes, (p) => {
        if (p.phase === 'building') mark('worker:decoded');
        post({ id: req.id, type: 'progress', ...p });
      });
      source = new ProfileSource(next);
      prebuilt = undefined;
      const result: OpenResult = { name: req.name, summary: next.summary() };
      mark('worker:opened');
      post({ id: req.id, type: 'result', result });
      // Only for a small profile, where the page's round trip is a fair part of the first draw:
      // a large one's flame graph is better built once the opening's garbage has gone, and the
      // round trip is nothing against its seconds.
      if (req.flameNext && next.trie.size <= PREBUILT_FLAME_MAX_NODES) {
        const { granularity, filters } = req.flameNext;
        const si = result.summary.defaultSampleIndex;
        try {
          prebuilt = { key: flameKey(si, granularity, 'comparison', filters), data: need(filters).flame(si, granularity, 'comparison', false) };
          mark('worker:flame-built');
        } catch {
          // the page's own request meets the same problem and reports it
        }
      }
      return;
    }
    case 'hold':
      return;
    case 'top': {
      const top = need(req.filters).top(req.sampleIndex, req.granularity, req.sort);
      post({ id: req.id, type: 'result', result: top }, [top.flat.buffer, top.cum.buffer, top.inline.buffer]);
      return;
    }
    case 'open-diff': {
      const open = async (side: { source: Blob | ArrayBuffer; name: string }) => {
        try {
          const box = {};
          await readInto(box, side.source, req.maxDecompressedBytes, progressOf(req.id));
          return openProfile(take(box), {
            maxDecompressedBytes: req.maxDecompressedBytes,
            onProgress: (p) => post({ id: req.id, type: 'progress', ...p }),
          });
        } catch (e) {
          if (e instanceof ProfileError) throw new ProfileError(e.kind, `${side.name}: ${e.message}`);
          throw e;
        }
      };
      prebuilt = undefined;
      const mine = ++opensReceived;
      const b = req.base;
      // A baseline opened by the helper worker arrives while this worker opens the comparison.
      const fromHelper = 'port' in b ? receiveSide(b.port, b.name) : undefined;
      fromHelper?.catch(() => undefined); // awaited below, after the comparison side
      const base = 'port' in b ? undefined : await open(b);
      const next = await open(req.next);
      const baseSession = base ?? (await fromHelper!);
      if (mine !== opensReceived) throw new Overtaken();
      post({ id: req.id, type: 'progress', phase: 'building' });
      const s = diffOfSessions(baseSession, next);
      source = new ProfileSource(s, { base: baseSession, next });
      const result: OpenResult = {
        name: `${req.next.name} vs ${req.base.name}`,
        summary: s.summary(),
        diff: { baseName: req.base.name, nextName: req.next.name },
      };
      post({ id: req.id, type: 'result', result });
      return;
    }
    case 'open-side': {
      // In the helper worker: open, hand the profile's arrays over to the profile worker, forget it.
      try {
        const box = {};
        await readInto(box, req.source, req.maxDecompressedBytes, progressOf(req.id));
        const { data, trie } = openProfile(take(box), { maxDecompressedBytes: req.maxDecompressedBytes });
        req.port.postMessage({ type: 'result', data, trie } satisfies SideMessage, buffersOf([data, trie]));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        const kind = e instanceof ProfileError ? e.kind : e instanceof RangeError ? 'too-large' : 'internal';
        const message = e instanceof RangeError ? `The profile is too large to open here (${why}).` : why;
        req.port.postMessage({ type: 'error', kind, message } satisfies SideMessage);
      } finally {
        req.port.close();
      }
      return;
    }
    case 'flame': {
      // An uncached tree, handed over to the page without a copy (a large one is hundreds of MB).
      const ready = prebuilt?.key === flameKey(req.sampleIndex, req.granularity, req.widthBy, req.filters) ? prebuilt.data : undefined;
      prebuilt = undefined;
      const data = ready ?? need(req.filters).flame(req.sampleIndex, req.granularity, req.widthBy, false);
      if (!ready) mark('worker:flame-built');
      const t = data.tree;
      const buffers = [t.node, t.parent, t.depth, t.end, t.total, t.self, t.start, t.otherSelf, t.otherTotal]
        .filter((a): a is Int32Array | Float64Array => a !== undefined)
        .map((a) => a.buffer as ArrayBuffer);
      post({ id: req.id, type: 'result', result: data }, buffers);
      prepareGraphWhenIdle(need(req.filters), req.sampleIndex, req.granularity);
      return;
    }
    case 'graph': {
      const data = need(req.filters).graph(
        req.sampleIndex,
        req.granularity,
        req.options,
        req.filters ? activeFilterLabels(req.filters) : [],
      );
      const svg = (await viz()).renderString(data.dot, { format: 'svg', engine: 'dot' });
      const result: GraphLayout = { ...data, svg };
      post({ id: req.id, type: 'result', result });
      return;
    }
    case 'tree-report': {
      const text = need(req.filters).treeReport(
        req.sampleIndex,
        req.granularity,
        req.options,
        req.filters ? activeFilterLabels(req.filters) : [],
      );
      post({ id: req.id, type: 'result', result: text });
      return;
    }
    case 'inverted': {
      post({ id: req.id, type: 'result', result: need(req.filters).inverted(req.sampleIndex, req.granularity) });
      return;
    }
    case 'sandwich': {
      post({ id: req.id, type: 'result', result: need(req.filters).sandwich(req.sampleIndex, req.granularity, req.node) });
      return;
    }
    case 'export-pprof': {
      const bytes = need().encodePprof();
      post({ id: req.id, type: 'result', result: bytes }, [bytes.buffer]);
      return;
    }
    case 'export-folded': {
      post({ id: req.id, type: 'result', result: need(req.filters).folded(req.sampleIndex, req.granularity) });
      return;
    }
  }
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  requests++;
  const req = ev.data;
  if (req.type !== 'flame' && req.type !== 'top' && req.type !== 'hold') prebuilt = undefined; // the page went elsewhere
  handle(req).catch((e: unknown) => {
    if (e instanceof Overtaken) post({ id: req.id, type: 'error', kind: 'superseded', message: 'Another profile was opened meanwhile.' });
    else if (e instanceof ProfileError) post({ id: req.id, type: 'error', kind: e.kind, message: e.message });
    else if (e instanceof FilterError) post({ id: req.id, type: 'error', kind: 'invalid-filter', message: e.message });
    else {
      const message = e instanceof Error ? e.message : String(e);
      const kind = e instanceof RangeError ? 'too-large' : 'internal';
      post({
        id: req.id,
        type: 'error',
        kind,
        message: kind === 'too-large' ? `The profile is too large to open here (${message}).` : `Unexpected error: ${message}`,
      });
    }
  });
};

// While the person picks a file, run the code that opens one on a small made-up profile, so that
// the real file finds it optimised (see warm-up.ts). It stops at the first request.
warmUpInSteps(
  () => requests > 0,
  {
    inflate: (gzipped) => gunzipNative(gzipped),
    // As an open passes its bytes: handed over by a function (take), not as an array, which
    // gave the real file's reading another shape to check on entry (--trace-deopt: "wrong map").
    read: (bytes) => readSessionData(take({ bytes }), fileOptions(undefined, () => undefined)),
    build: sessionOf,
  },
  () => post({ id: 0, type: 'warm-up-over' }),
);
