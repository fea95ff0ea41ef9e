// The rules a pprof profile must follow to be opened: the checks of Go's profile.CheckValid and
// of its decoder, as `go tool pprof` applies them, with the messages a person reads.
import type { Profile } from 'pprof-format';
import { ProfileError } from './profile-error';

export function notPprof(why: string): ProfileError {
  return new ProfileError('not-pprof', `This file is not a valid pprof profile (${why}).`);
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
