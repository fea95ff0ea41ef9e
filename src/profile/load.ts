import { Profile } from 'pprof-format';
import { ProfileError } from '../common/profile-error';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, gunzipLimited, isGzip } from '../common/gzip';

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
 * Bytes of a file (gzipped or not) → a decoded, validated pprof Profile. Every failure is a
 * ProfileError whose message names the problem for a person.
 */
export function loadProfile(bytes: Uint8Array, opts: LoadOptions = {}): Profile {
  const raw = rawProfileBytes(bytes, opts);
  let profile: Profile;
  opts.onProgress?.({ phase: 'decoding' });
  try {
    profile = Profile.decode(raw);
  } catch (e) {
    throw notPprof(`protobuf decoding failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  validateProfile(profile);
  return profile;
}

/**
 * The protobuf bytes of a file: gunzipped when it starts with gzip's magic bytes (bounded by the
 * limit), with clear errors for empty files and files that are something else entirely.
 */
/**
 * A file's bytes, or a function that hands them over: then the caller need not hold them while the
 * profile is built, and a large compressed file is released once it is decompressed.
 */
export type ProfileBytes = Uint8Array | (() => Uint8Array);

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

export function notPprof(why: string): ProfileError {
  return new ProfileError('not-pprof', `This file is not a valid pprof profile (${why}).`);
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

export function invalidProfile(why: string): ProfileError {
  return new ProfileError('invalid-profile', `This pprof profile is invalid: ${why} (go tool pprof rejects it too).`);
}
const invalid = invalidProfile;

export interface ValidateOptions {
  /**
   * For the server: a table whose ids are unusable (an id 0, or the same id twice, as some .NET
   * producers write) refers to its entries by position (id N = the N-th entry) instead of being
   * refused, as resolvedIds() resolves them.
   */
  positionalIds?: boolean;
}

/**
 * The ids of a table's entries: their own, or with `positional` when any is 0 or repeated, their
 * positions 1..n.
 */
export function resolvedIds(items: readonly { id: number | bigint }[], positional: boolean): number[] {
  const ids = items.map((it) => Number(it.id));
  if (positional && (ids.includes(0) || new Set(ids).size !== ids.length)) return ids.map((_, i) => i + 1);
  return ids;
}

/** The checks of Go's profile.CheckValid and decoding that `go tool pprof` applies. */
export function validateProfile(p: Profile, opts: ValidateOptions = {}): void {
  const positional = opts.positionalIds === true;
  const strings = p.stringTable.strings;
  if (strings.length === 0 || strings[0] !== '') throw notPprof('its string table does not start with the empty string');
  const nStrings = strings.length;
  const checkStr = (v: number | bigint, what: string) => {
    const i = Number(v);
    if (!(i >= 0 && i < nStrings)) throw notPprof(`${what} refers to string ${i}, past the string table`);
  };

  const nTypes = p.sampleType.length;
  if (nTypes === 0 && p.sample.length > 0) throw invalid('it has samples but declares no sample types');
  for (const st of p.sampleType) {
    checkStr(st.type, 'a sample type');
    checkStr(st.unit, 'a sample unit');
  }
  if (p.periodType) {
    checkStr(p.periodType.type, 'the period type');
    checkStr(p.periodType.unit, 'the period unit');
  }
  checkStr(p.defaultSampleType, 'the default sample type');

  const mappingIds = new Set<number>();
  const mapIds = resolvedIds(p.mapping, positional);
  for (const [i, m] of p.mapping.entries()) {
    const id = mapIds[i]!;
    if (id === 0) throw invalid('found mapping with reserved ID=0');
    if (mappingIds.has(id)) throw invalid(`multiple mappings with the same ID ${id}`);
    mappingIds.add(id);
    checkStr(m.filename, 'a mapping file name');
    checkStr(m.buildId, 'a mapping build ID');
  }
  const functionIds = new Set<number>();
  const fnIds = resolvedIds(p.function, positional);
  for (const [i, f] of p.function.entries()) {
    const id = fnIds[i]!;
    if (id === 0) throw invalid('found function with reserved ID=0');
    if (functionIds.has(id)) throw invalid(`multiple functions with the same ID ${id}`);
    functionIds.add(id);
    checkStr(f.name, 'a function name');
    checkStr(f.systemName, 'a function system name');
    checkStr(f.filename, 'a function file name');
  }
  const locationIds = new Set<number>();
  const locIds = resolvedIds(p.location, positional);
  for (const [i, l] of p.location.entries()) {
    const id = locIds[i]!;
    if (id === 0) throw invalid('found location with reserved ID=0');
    if (locationIds.has(id)) throw invalid(`multiple locations with the same ID ${id}`);
    locationIds.add(id);
    const mid = Number(l.mappingId);
    if (mid !== 0 && !mappingIds.has(mid)) throw invalid(`location ${id} refers to mapping ${mid}, which does not exist`);
    for (const line of l.line) {
      const fid = Number(line.functionId);
      if (fid !== 0 && !functionIds.has(fid)) {
        throw invalid(`location ${id} refers to function ${fid}, which does not exist`);
      }
    }
  }
  for (let i = 0; i < p.sample.length; i++) {
    const s = p.sample[i]!;
    if (s.value.length !== nTypes) {
      throw invalid(`sample ${i} has ${s.value.length} values but the profile declares ${nTypes} sample types`);
    }
    for (const lid of s.locationId) {
      if (!locationIds.has(Number(lid))) throw invalid(`sample ${i} refers to location ${lid}, which does not exist`);
    }
    for (const label of s.label) {
      checkStr(label.key, 'a label key');
      checkStr(label.str, 'a label value');
      checkStr(label.numUnit, 'a label unit');
    }
  }
  for (const c of p.comment) checkStr(c, 'a comment');
}
