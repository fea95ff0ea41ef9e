// A file's bytes → the protobuf bytes of one pprof profile: gunzipped (within a limit) when they
// start with gzip's magic bytes, with errors that name the problem for empty files and for files
// that are something else entirely. Shared by the app's reader and the server's ingest.
import { DEFAULT_MAX_DECOMPRESSED_BYTES, gunzipLimited, isGzip } from './gzip';
import { ProfileError } from './profile-error';

export interface LoadOptions {
  /** Refuse to decompress past this many bytes (default 1 GiB). */
  maxDecompressedBytes?: number;
  /** Called as work advances: decompressing (with compressed bytes consumed), decoding. */
  onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  phase: 'decompressing' | 'decoding' | 'building';
  done?: number;
  total?: number;
}

/**
 * A file's bytes, or a function that hands them over: then the caller need not hold them while the
 * profile is built, and a large compressed file is released once it is decompressed.
 */
export type ProfileBytes = Uint8Array | (() => Uint8Array);

/**
 * The protobuf bytes of a file: gunzipped when it starts with gzip's magic bytes (bounded by the
 * limit), with clear errors for empty files and files that are something else entirely.
 */
export function rawProfileBytes(source: ProfileBytes, opts: LoadOptions = {}): Uint8Array {
  const bytes = typeof source === 'function' ? source() : source;
  if (bytes.length === 0) throw new ProfileError('empty', 'The file is empty.');
  let raw = bytes;
  if (isGzip(bytes)) {
    raw = gunzipLimited(bytes, opts.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, (done, total) =>
      opts.onProgress?.({ phase: 'decompressing', done, total }),
    );
    if (raw.length === 0) throw new ProfileError('empty', 'The file decompresses to nothing: it holds no profile.');
  } else if (raw.length > (opts.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES)) {
    throw new ProfileError('too-large', 'The file is larger than the limit for one profile.');
  }
  const kind = sniffOtherFormat(raw);
  if (kind) throw new ProfileError('not-pprof', `This is ${kind}, not a pprof profile.`);
  return raw;
}

/** Recognises common files people drop by mistake, for a better message than "invalid". */
function sniffOtherFormat(b: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((v, i) => b[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a ZIP archive';
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return 'an ELF binary';
  // Text: a pprof protobuf starts with a field tag (0x0a sample_type, 0x12 sample, ...), never
  // with printable text over its first bytes.
  const n = Math.min(b.length, 256);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127)) printable++;
  }
  if (n >= 4 && printable === n) return 'a text file';
  return undefined;
}
