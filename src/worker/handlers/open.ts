// Opening profiles: a file or a backend's bytes, the two sides of a diff, and (in the helper
// worker) one side of a diff handed over to the profile worker.
import { ProfileError } from '../../common/profile-error';
import { ProfileSource } from '../../profile/model/filtered-session';
import { gunzipNative, isGzip } from '../../common/gzip';
import type { LoadProgress } from '../../common/pprof-bytes';
import type { ProfileData } from '../../profile/model/profile-data';
import { ProfileSession, diffOfSessions, readSessionData, sessionOf } from '../../profile/model/session';
import { groupUnderRoots } from '../../profile/model/group-roots';
import { type Call, type Handlers, mark } from '../handler';
import { Superseded, hold } from '../held-profile';
import type { SideMessage, Source } from '../protocol';

/** Reads a Blob in chunks so that the page can show how many bytes have been read. */
async function readAll(source: Blob | ArrayBuffer, call: Call): Promise<Uint8Array> {
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
      call.progress({ phase: 'reading', done, total });
    }
  }
  return done === total ? out : out.subarray(0, done);
}

/**
 * The file's bytes, inflated if gzipped. A function of its own so that the compressed bytes (a
 * quarter of a gigabyte at 1M stacks) are garbage once it returns, not held while the profile is built.
 */
async function inflated(side: Source, maxBytes: number | undefined, call: Call): Promise<Uint8Array> {
  const raw = await readAll(side.source, call);
  if (!isGzip(raw)) return raw;
  return gunzipNative(raw, maxBytes, (done, total) => call.progress({ phase: 'decompressing', done, total }));
}

/**
 * Reads a file, inflates it if gzipped (with the browser's zlib, see gunzipNative) and opens it.
 * The bytes live only in a box that openProfile empties once it has them, so that no frame here
 * holds a large file while the profile is built from it (see ProfileBytes).
 */
async function openSource(side: Source, maxBytes: number | undefined, call: Call): Promise<ProfileSession> {
  if (side.groups) {
    const { key } = side.groups;
    const parts = [];
    for (const part of side.groups.parts) {
      const data = await readData({ source: part.source, name: side.name, divideBy: part.divideBy }, maxBytes, call);
      parts.push({ value: part.value, data });
    }
    mark('worker:decoded');
    call.progress({ phase: 'building' });
    return sessionOf(groupUnderRoots(key, parts));
  }
  const data = await readData(side, maxBytes, call);
  mark('worker:decoded');
  call.progress({ phase: 'building' });
  return sessionOf(data);
}

/** A source's bytes, inflated and read as ProfileData (values divided as the source says). */
async function readData(side: Source, maxBytes: number | undefined, call: Call): Promise<ProfileData> {
  const box: { bytes?: Uint8Array } = { bytes: await inflated(side, maxBytes, call) };
  // Another file came while this one was read: the page wants that one, so this one is dropped.
  if (call.newerOpen()) throw new Superseded('Another profile was opened meanwhile.');
  mark('worker:read');
  const take = () => {
    const bytes = box.bytes!;
    box.bytes = undefined;
    return bytes;
  };
  const onProgress = (p: LoadProgress) => {
    if (p.phase === 'building') mark('worker:decoded');
    call.progress(p);
  };
  const data = readSessionData(take, { maxDecompressedBytes: maxBytes, onProgress });
  if (side.divideBy !== undefined && side.divideBy !== 1) divideValues(data, side.divideBy);
  return data;
}

/** Divides every sample's values, before anything is built from them (an average over `by` profiles). */
function divideValues(data: ProfileData, by: number): void {
  for (const values of data.values) for (let i = 0; i < values.length; i++) values[i] = values[i]! / by;
}

/** A diff side's problem names its file. */
function naming<T>(name: string, open: () => Promise<T>): Promise<T> {
  return open().catch((e: unknown) => {
    throw e instanceof ProfileError ? new ProfileError(e.kind, `${name}: ${e.message}`) : e;
  });
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

export const openHandlers: Handlers<'open' | 'open-diff' | 'open-side'> = {
  async open(args, call) {
    mark('worker:open');
    const session = await openSource(args, args.maxDecompressedBytes, call);
    const id = hold(new ProfileSource(session));
    mark('worker:opened');
    return { id, name: args.name, summary: session.summary() };
  },

  async 'open-diff'(args, call) {
    const { base, next, maxDecompressedBytes } = args;
    // A baseline opened by the helper worker arrives while this worker opens the comparison.
    const fromHelper = 'port' in base ? receiveSide(base.port, base.name) : undefined;
    fromHelper?.catch(() => undefined); // awaited below, after the comparison side
    const baseFile = 'port' in base ? undefined : await naming(base.name, () => openSource(base, maxDecompressedBytes, call));
    const nextSession = await naming(next.name, () => openSource(next, maxDecompressedBytes, call));
    const baseSession = baseFile ?? (await fromHelper!);
    if (call.newerOpen()) throw new Superseded('Another profile was opened meanwhile.');
    call.progress({ phase: 'building' });
    const diff = diffOfSessions(baseSession, nextSession);
    const id = hold(new ProfileSource(diff, { base: baseSession, next: nextSession }));
    return {
      id,
      name: `${next.name} vs ${base.name}`,
      summary: diff.summary(),
      diff: { baseName: base.name, nextName: next.name },
    };
  },

  async 'open-side'(args, call) {
    // In the helper worker: open, hand the profile's arrays over to the profile worker, forget it.
    try {
      const { data, trie } = await openSource(args, args.maxDecompressedBytes, call);
      args.port.postMessage({ type: 'result', data, trie } satisfies SideMessage, buffersOf([data, trie]));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const kind = e instanceof ProfileError ? e.kind : e instanceof RangeError ? 'too-large' : 'internal';
      const message = e instanceof RangeError ? `The profile is too large to open here (${why}).` : why;
      args.port.postMessage({ type: 'error', kind, message } satisfies SideMessage);
    } finally {
      args.port.close();
    }
    return null;
  },
};
