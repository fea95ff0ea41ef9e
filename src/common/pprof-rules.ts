// The rules a pprof profile must follow to be opened: the checks of Go's profile.CheckValid and
// of its decoder, as `go tool pprof` applies them, each defined once with the message a person
// reads. Two readers apply them: validateProfile to pprof-format's decoded objects (the server),
// and the app's streaming reader (src/profile/pprof/reader.ts) as it reads the wire format.
import type { Profile } from 'pprof-format';
import { ProfileError } from './profile-error';

export function notPprof(why: string): ProfileError {
  return new ProfileError('not-pprof', `This file is not a valid pprof profile (${why}).`);
}

export function invalidProfile(why: string): ProfileError {
  return new ProfileError('invalid-profile', `This pprof profile is invalid: ${why} (go tool pprof rejects it too).`);
}

/** The tables whose entries have ids. */
export type IdTable = 'mapping' | 'function' | 'location';

/** The string table starts with the empty string. */
export function checkStringTable(strings: readonly string[]): void {
  if (strings.length === 0 || strings[0] !== '') throw notPprof('its string table does not start with the empty string');
}

/** A string index (what `what` refers to) lies inside a string table of `nStrings`. */
export function checkStringIndex(i: number, nStrings: number, what: string): void {
  if (!(i >= 0 && i < nStrings)) throw notPprof(`${what} refers to string ${i}, past the string table`);
}

/** String i of a table, which must have it. */
export function stringAt(strings: readonly string[], i: number, what: string): string {
  checkStringIndex(i, strings.length, what);
  return strings[i]!;
}

/** A profile with samples declares their types. */
export function checkSampleTypes(nTypes: number, nSamples: number): void {
  if (nTypes === 0 && nSamples > 0) throw invalidProfile('it has samples but declares no sample types');
}

/** Id 0 is reserved: no entry has it. */
export function checkId(table: IdTable, id: number): void {
  if (id === 0) throw invalidProfile(`found ${table} with reserved ID=0`);
}

/** No two entries of a table share an id: the error for one that does. */
export function duplicateId(table: IdTable, id: number): ProfileError {
  return invalidProfile(`multiple ${table}s with the same ID ${id}`);
}

/** Every id referred to exists: the error for one that does not (`from`: "sample 3", "location 7"). */
export function missingId(from: string, table: IdTable, id: number | bigint): ProfileError {
  return invalidProfile(`${from} refers to ${table} ${id}, which does not exist`);
}

/** A sample has one value per sample type. */
export function checkValueCount(sample: number, values: number, nTypes: number): void {
  if (values !== nTypes)
    throw invalidProfile(`sample ${sample} has ${values} values but the profile declares ${nTypes} sample types`);
}

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

/** Every rule above, applied to a profile that pprof-format decoded. */
export function validateProfile(p: Profile, opts: ValidateOptions = {}): void {
  const positional = opts.positionalIds === true;
  const strings = p.stringTable.strings;
  checkStringTable(strings);
  const nStrings = strings.length;
  const checkStr = (v: number | bigint, what: string) => checkStringIndex(Number(v), nStrings, what);

  const nTypes = p.sampleType.length;
  checkSampleTypes(nTypes, p.sample.length);
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
    checkId('mapping', id);
    if (mappingIds.has(id)) throw duplicateId('mapping', id);
    mappingIds.add(id);
    checkStr(m.filename, 'a mapping file name');
    checkStr(m.buildId, 'a mapping build ID');
  }
  const functionIds = new Set<number>();
  const fnIds = resolvedIds(p.function, positional);
  for (const [i, f] of p.function.entries()) {
    const id = fnIds[i]!;
    checkId('function', id);
    if (functionIds.has(id)) throw duplicateId('function', id);
    functionIds.add(id);
    checkStr(f.name, 'a function name');
    checkStr(f.systemName, 'a function system name');
    checkStr(f.filename, 'a function file name');
  }
  const locationIds = new Set<number>();
  const locIds = resolvedIds(p.location, positional);
  for (const [i, l] of p.location.entries()) {
    const id = locIds[i]!;
    checkId('location', id);
    if (locationIds.has(id)) throw duplicateId('location', id);
    locationIds.add(id);
    const mid = Number(l.mappingId);
    if (mid !== 0 && !mappingIds.has(mid)) throw missingId(`location ${id}`, 'mapping', mid);
    for (const line of l.line) {
      const fid = Number(line.functionId);
      if (fid !== 0 && !functionIds.has(fid)) throw missingId(`location ${id}`, 'function', fid);
    }
  }
  for (let i = 0; i < p.sample.length; i++) {
    const s = p.sample[i]!;
    checkValueCount(i, s.value.length, nTypes);
    for (const lid of s.locationId) {
      if (!locationIds.has(Number(lid))) throw missingId(`sample ${i}`, 'location', lid);
    }
    for (const label of s.label) {
      checkStr(label.key, 'a label key');
      checkStr(label.str, 'a label value');
      checkStr(label.numUnit, 'a label unit');
    }
  }
  for (const c of p.comment) checkStr(c, 'a comment');
}
