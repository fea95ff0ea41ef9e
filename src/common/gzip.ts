import { Gunzip } from 'fflate';
import { ProfileError } from './profile-error';

/** Gzip is recognised by its magic bytes, never by a file name. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024; // 1 GiB

const INPUT_CHUNK = 1 << 20;

/**
 * Where inflated chunks go, up to `maxBytes`. The gzip trailer states the decompressed size (mod
 * 2^32): chunks are written into one buffer of that size, so that a large profile is not held
 * twice (as chunks, then joined); bounded by deflate's largest ratio (1032:1), so that a lying
 * trailer cannot make a small file allocate much. When the trailer was wrong (several gzip
 * members, or a false size), the chunks are joined at the end after all.
 */
class InflatedOutput {
  private out: Uint8Array;
  private readonly chunks: Uint8Array[] = [];
  size = 0;
  overLimit = false;

  constructor(
    input: Uint8Array,
    private readonly maxBytes: number,
  ) {
    const stated = input.length >= 18 ? new DataView(input.buffer, input.byteOffset + input.length - 4, 4).getUint32(0, true) : 0;
    this.out = new Uint8Array(Math.min(stated, maxBytes, input.length * 1032));
  }

  /** Adds a chunk; false (and overLimit) when it would pass the limit. */
  add(chunk: Uint8Array): boolean {
    if (this.size + chunk.length > this.maxBytes) {
      this.overLimit = true;
      return false;
    }
    if (this.chunks.length === 0 && this.size + chunk.length <= this.out.length) this.out.set(chunk, this.size);
    else {
      if (this.chunks.length === 0 && this.size > 0) this.chunks.push(this.out.subarray(0, this.size));
      this.chunks.push(chunk);
    }
    this.size += chunk.length;
    return true;
  }

  tooLarge(): ProfileError {
    return new ProfileError(
      'too-large',
      `The file decompresses to more than ${formatMiB(this.maxBytes)}, the limit for one profile.`,
    );
  }

  bytes(): Uint8Array {
    if (this.chunks.length === 0) return this.size === this.out.length ? this.out : this.out.slice(0, this.size);
    const joined = new Uint8Array(this.size);
    let pos = 0;
    for (const c of this.chunks) {
      joined.set(c, pos);
      pos += c.length;
    }
    return joined;
  }
}

/**
 * Decompresses a gzip stream, stopping as soon as the output would pass `maxBytes`, so that a
 * gzip bomb costs no more memory than the limit. `onProgress` gets the compressed bytes consumed.
 */
export function gunzipLimited(
  input: Uint8Array,
  maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
  onProgress?: (consumed: number, total: number) => void,
): Uint8Array {
  const output = new InflatedOutput(input, maxBytes);
  const gunzip = new Gunzip((chunk) => void output.add(chunk));
  try {
    for (let off = 0; off < input.length && !output.overLimit; off += INPUT_CHUNK) {
      const end = Math.min(input.length, off + INPUT_CHUNK);
      gunzip.push(input.subarray(off, end), end === input.length);
      onProgress?.(end, input.length);
    }
  } catch (e) {
    if (!output.overLimit) {
      const why = e instanceof Error ? e.message : String(e);
      throw new ProfileError(
        'corrupt-gzip',
        `The file is gzip-compressed but cannot be decompressed (${why}); it may be truncated or corrupt.`,
      );
    }
  }
  if (output.overLimit) throw output.tooLarge();
  return output.bytes();
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
  const output = new InflatedOutput(input, maxBytes);
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const writing = (async () => {
    for (let off = 0; off < input.length && !output.overLimit; off += INPUT_CHUNK) {
      const end = Math.min(input.length, off + INPUT_CHUNK);
      await writer.write(input.subarray(off, end) as Uint8Array<ArrayBuffer>);
      onProgress?.(end, input.length);
    }
    if (!output.overLimit) await writer.close();
  })();
  writing.catch(() => undefined); // its failure shows in the reader too
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      if (!output.add(r.value)) {
        await reader.cancel();
        break;
      }
    }
    if (!output.overLimit) await writing;
  } catch {
    return gunzipLimited(input, maxBytes, onProgress);
  }
  if (output.overLimit) throw output.tooLarge();
  if (output.size === 0) return gunzipLimited(input, maxBytes, onProgress); // let fflate name the problem
  return output.bytes();
}
