// pprof's tagfocus and tagignore (driver_focus.go compileTagFilter, parseTagFilterRange): which
// samples a tag filter matches, by their string labels (regexps) or numeric labels (ranges).
import type { SampleLabelTable } from '../model/profile-data';
import type { SampleLabelsAt } from '../model/label-table';
import { scaleValue } from '../reports/format';
import { compileFilter } from './filters';

/** Does a sample match: its labels (see labelReader) and, for a diff's baseline, an extra label. */
export type TagMatcher = (labels: SampleLabelsAt) => boolean;

/** A numeric test on one value in a key's unit: pprof's parseTagFilterRange result. */
type NumTest = (value: number, unit: string) => boolean;

// pprof's tagFilterRangeRx: a signed integer and an optional unit (ASCII letters).
const RANGE_RX = /([+-]?[0-9]+)([A-Za-z]+)?/g;

/**
 * A range as pprof reads one: "32kb" (equal), ":64kb" (at most), "4mb:" (at least),
 * "12kb:64mb" (both ends included), compared in the first number's unit; anything else is not a
 * range (undefined), and is then a regexp.
 */
export function parseTagRange(filter: string): NumTest | undefined {
  const ranges = [...filter.matchAll(RANGE_RX)].slice(0, 2);
  const first = ranges[0];
  if (!first) return undefined;
  const [lo, unit] = scaleValue(Number(first[1]), first[2] ?? '', first[2] ?? '');
  const inUnit = (v: number, u: string): number | undefined => {
    const [sv, su] = scaleValue(v, u, unit);
    return su === unit ? sv : undefined;
  };
  if (ranges.length === 1) {
    const m = first[0];
    if (filter === m) return (v, u) => inUnit(v, u) === lo;
    if (filter === `${m}:`) return (v, u) => (inUnit(v, u) ?? -Infinity) >= lo;
    if (filter === `:${m}`) return (v, u) => (inUnit(v, u) ?? Infinity) <= lo;
    return undefined;
  }
  const second = ranges[1]!;
  if (filter !== `${first[0]}:${second[0]}`) return undefined;
  const [hi, unit2] = scaleValue(Number(second[1]), second[2] ?? '', unit);
  if (unit2 !== unit) return undefined;
  return (v, u) => {
    const sv = inUnit(v, u);
    return sv !== undefined && sv >= lo && sv <= hi;
  };
}

/**
 * Compiles a tagfocus or tagignore value as pprof does: "key=value" or "value"; the value is a
 * numeric range when it reads as one, else comma-separated regexps. With a key, a sample matches
 * when one of its values of that key matches one of the regexps (or is in the range). Without,
 * a range tests every numeric label, and every regexp must match some "key:value" string label.
 * `units` are the numeric keys' units (numLabelUnits).
 */
export function compileTagFilter(
  name: string,
  value: string,
  table: SampleLabelTable | undefined,
  units: Map<string, string>,
): TagMatcher {
  const eq = value.indexOf('=');
  // "=value" has an empty key, which pprof reads as no key.
  const wantKey = eq > 0 ? value.slice(0, eq) : undefined;
  const filter = eq >= 0 ? value.slice(eq + 1) : value;
  const numKeys = table?.numKeys ?? [];
  const numKey = table?.numKey ?? new Int32Array(0);
  const numValue = table?.numValue ?? new Float64Array(0);

  const range = parseTagRange(filter);
  if (range) {
    const keyUnit = numKeys.map((k) => units.get(k) ?? k);
    const wanted = wantKey === undefined ? undefined : numKeys.indexOf(wantKey);
    return (l) => {
      for (let q = l.numFrom; q < l.numTo; q++) {
        const k = numKey[q]!;
        if (wanted !== undefined && k !== wanted) continue;
        if (range(numValue[q]!, keyUnit[k]!)) return true;
      }
      return false;
    };
  }

  const rxs = filter.split(',').map((f) => compileFilter(name, f));
  if (wantKey === undefined) {
    return (l) =>
      rxs.every((rx) => {
        for (let j = 0; j < l.keys.length; j++) if (rx.test(`${l.keys[j]}:${l.values[j]}`)) return true;
        return false;
      });
  }
  return (l) => {
    for (let j = 0; j < l.keys.length; j++) {
      if (l.keys[j] !== wantKey) continue;
      for (const rx of rxs) if (rx.test(l.values[j]!)) return true;
    }
    return false;
  };
}
