// pprof's -tags report (report.go printTags): per label key, the weight of each of its values,
// with what a click on a value adds as tagfocus (or tagignore).
import type { ProfileData } from '../model/profile-data';
import { labelReader } from '../model/label-table';
import { scaledLabel, unitAlias } from './format';

export interface TagValue {
  /** The value as pprof prints it: a string label as is, a number in its key's unit scaled ("64B", "408kB"). */
  name: string;
  /** Σ of the values of the samples with this label value (signed: a diff's comparison − baseline). */
  weight: number;
  /** In a diff: each side's own Σ (both positive for positive profiles). */
  base?: number;
  next?: number;
  /** A tagfocus / tagignore value that selects exactly the samples shown with this value. */
  filter: string;
}

export interface TagKey {
  key: string;
  /** Σ of the weights of its values ("Total … of …"). */
  total: number;
  /** Sorted as pprof prints them: by |weight|, then by name. */
  values: TagValue[];
}

export interface TagsReport {
  keys: TagKey[];
  /** What percentages divide by (pprof's report total). */
  total: number;
  unit: string;
}

export interface TagsOptions {
  /** Numeric label units (numLabelUnits). */
  units: Map<string, string>;
  /** pprof's -unit for numeric labels ('minimum': scaled per value). */
  outputUnit?: string;
  /** A diff: its first `samples` samples are the baseline's. pprof labels them pprof::base=true. */
  diffBase?: { samples: number; showKey?: boolean };
}

/** pprof's regexp quoting for an exact match, with "," written so that tag filters do not split there. */
export function exactTagRegexp(value: string): string {
  return `^${value.replace(/([\\.?+*[\](){}|^$])/g, '\\$1').replace(/,/g, '\\x2c')}$`;
}

/**
 * A numeric range that pprof's tag filters read in the key's own unit: "lo:hi", or "v" when they
 * are equal; the unit is written as an alias pprof reads (none for keys without a known unit).
 */
export function numericTagRange(lo: number, hi: number, unit: string): string {
  const u = unitAlias(unit);
  return lo === hi ? `${lo}${u}` : `${lo}${u}:${hi}${u}`;
}

interface Acc {
  weight: number;
  base: number;
  next: number;
  lo: number;
  hi: number;
  numeric: boolean;
}

/** The -tags report of data's samples for one sample type; `total` is the report's total. */
export function tagsReport(data: ProfileData, sampleIndex: number, total: number, opts: TagsOptions): TagsReport {
  const outputUnit = opts.outputUnit ?? 'minimum';
  const values = data.values[sampleIndex];
  const t = data.sampleLabels;
  const byKey = new Map<string, Map<string, Acc>>();
  const add = (key: string, name: string, w: number, isBase: boolean, raw?: number) => {
    let m = byKey.get(key);
    if (!m) byKey.set(key, (m = new Map()));
    let a = m.get(name);
    if (!a) m.set(name, (a = { weight: 0, base: 0, next: 0, lo: Infinity, hi: -Infinity, numeric: raw !== undefined }));
    a.weight += w;
    if (isBase) a.base -= w;
    else a.next += w;
    if (raw !== undefined) {
      a.lo = Math.min(a.lo, raw);
      a.hi = Math.max(a.hi, raw);
    }
  };
  const read = labelReader(data);
  const diffBase = opts.diffBase;
  for (let i = 0; i < data.sampleCount; i++) {
    const w = values ? values[i]! : 0;
    const isBase = diffBase !== undefined && i < diffBase.samples;
    const l = read(i);
    for (let j = 0; j < l.keys.length; j++) add(l.keys[j]!, l.values[j]!, w, isBase);
    if (isBase && diffBase.showKey) add('pprof::base', 'true', w, isBase);
    if (!t) continue;
    for (let q = l.numFrom; q < l.numTo; q++) {
      const key = t.numKeys[t.numKey[q]!]!;
      const v = t.numValue[q]!;
      add(key, scaledLabel(v, opts.units.get(key) ?? key, outputUnit), w, isBase, v);
    }
  }
  const keys: TagKey[] = [];
  for (const key of [...byKey.keys()].sort(byName)) {
    const unit = opts.units.get(key) ?? key;
    const vals: TagValue[] = [];
    let keyTotal = 0;
    for (const [name, a] of byKey.get(key)!) {
      keyTotal += a.weight;
      vals.push({
        name,
        weight: a.weight,
        ...(diffBase ? { base: a.base, next: a.next } : {}),
        filter: `${key}=${a.numeric ? numericTagRange(a.lo, a.hi, unit) : exactTagRegexp(name)}`,
      });
    }
    vals.sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight) || byName(x.name, y.name));
    keys.push({ key, total: keyTotal, values: vals });
  }
  return { keys, total, unit: data.sampleTypes[sampleIndex]?.unit ?? '' };
}

/** Go's string order (byte order; the same as UTF-16 order outside surrogate pairs). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
