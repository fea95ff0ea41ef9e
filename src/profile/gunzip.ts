import { Gunzip } from 'fflate';
import { ProfileError } from './errors';

/** Gzip is recognised by its magic bytes, never by a file name. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024; // 1 GiB

const INPUT_CHUNK = 1 << 20;

/**
 * Decompresses a gzip stream, stopping as soon as the output would pass `maxBytes`, so that a
 * gzip bomb costs no more memory than the limit. `onProgress` gets the compressed bytes consumed.
 */
export function gunzipLimited(
  input: Uint8Array,
  maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
  onProgress?: (consumed: number, total: number) => void,
): Uint8Array {
  // The gzip trailer states the decompressed size (mod 2^32): write into one buffer of that size,
  // so that a large profile is not held twice (as chunks, then joined). Bounded by deflate's
  // largest ratio (1032:1), so that a lying trailer cannot make a small file allocate much.
  const stated = input.length >= 18 ? new DataView(input.buffer, input.byteOffset + input.length - 4, 4).getUint32(0, true) : 0;
  let out = new Uint8Array(Math.min(stated, maxBytes, input.length * 1032));
  const chunks: Uint8Array[] = []; // when the stated size was wrong
  let size = 0;
  let overLimit = false;
  const gunzip = new Gunzip((chunk) => {
    if (size + chunk.length > maxBytes) {
      overLimit = true;
      return;
    }
    if (chunks.length === 0 && size + chunk.length <= out.length) out.set(chunk, size);
    else {
      if (chunks.length === 0 && size > 0) chunks.push(out.subarray(0, size));
      chunks.push(chunk);
    }
    size += chunk.length;
  });
  try {
    for (let off = 0; off < input.length && !overLimit; off += INPUT_CHUNK) {
      const end = Math.min(input.length, off + INPUT_CHUNK);
      gunzip.push(input.subarray(off, end), end === input.length);
      onProgress?.(end, input.length);
    }
  } catch (e) {
    if (!overLimit) {
      const why = e instanceof Error ? e.message : String(e);
      throw new ProfileError(
        'corrupt-gzip',
        `The file is gzip-compressed but cannot be decompressed (${why}); it may be truncated or corrupt.`,
      );
    }
  }
  if (overLimit) {
    throw new ProfileError(
      'too-large',
      `The file decompresses to more than ${formatMiB(maxBytes)}, the limit for one profile.`,
    );
  }
  if (chunks.length === 0) return size === out.length ? out : out.slice(0, size);
  out = new Uint8Array(size);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function formatMiB(bytes: number): string {
  return bytes >= 1 << 30 ? `${+(bytes / 2 ** 30).toFixed(2)} GiB` : `${+(bytes / 2 ** 20).toFixed(2)} MiB`;
}

/**
 * gunzipLimited with the browser's own zlib (DecompressionStream), for the worker: native code
 * needs no JIT warm-up and inflates a large file several times faster. Same limit, progress and
 * result; on any failure (a corrupt file, or a stream of several gzip members, which the browser's
 * inflater refuses) it falls back to gunzipLimited, which gives the exact error or result.
 */
export async function gunzipNative(
  input: Uint8Array,
  maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
  onProgress?: (consumed: number, total: number) => void,
): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') return gunzipLimited(input, maxBytes, onProgress);
  const stated = input.length >= 18 ? new DataView(input.buffer, input.byteOffset + input.length - 4, 4).getUint32(0, true) : 0;
  let out = new Uint8Array(Math.min(stated, maxBytes, input.length * 1032));
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overLimit = false;
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const writing = (async () => {
    for (let off = 0; off < input.length && !overLimit; off += INPUT_CHUNK) {
      const end = Math.min(input.length, off + INPUT_CHUNK);
      await writer.write(input.subarray(off, end) as Uint8Array<ArrayBuffer>);
      onProgress?.(end, input.length);
    }
    if (!overLimit) await writer.close();
  })();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      const chunk = r.value;
      if (size + chunk.length > maxBytes) {
        overLimit = true;
        await reader.cancel();
        break;
      }
      if (chunks.length === 0 && size + chunk.length <= out.length) out.set(chunk, size);
      else {
        if (chunks.length === 0 && size > 0) chunks.push(out.subarray(0, size));
        chunks.push(chunk);
      }
      size += chunk.length;
    }
    await writing;
  } catch {
    writing.catch(() => undefined);
    return gunzipLimited(input, maxBytes, onProgress);
  }
  if (overLimit) {
    writing.catch(() => undefined);
    throw new ProfileError('too-large', `The file decompresses to more than ${formatMiB(maxBytes)}, the limit for one profile.`);
  }
  if (size === 0) return gunzipLimited(input, maxBytes, onProgress); // let the fallback name the problem
  if (chunks.length === 0) return size === out.length ? out : out.slice(0, size);
  out = new Uint8Array(size);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
