// Cumulative Go profiles (heap alloc_*, mutex, block count since the process started) → the
// change between two consecutive scrapes of the same target, as Pyroscope's agents send them.
//
// Samples are matched by stack (the frames' function, file and line, or address when a location
// has no lines: location ids are not stable across Go's profile encodings) and string labels;
// numeric labels (heap's `bytes`) are ignored and matching samples summed. For each cumulative
// column: delta = current − previous, and values ≤ 0 are dropped. If any value went down the
// process restarted (its counters were reset): the current values are the delta. Non-cumulative
// columns (heap inuse_*) are stored as they are. The first scrape of a target only records the
// baseline and stores the non-cumulative columns (nothing at all for mutex and block).
import { Profile, type Sample, type SampleInput } from 'pprof-format';
import { indexById } from '../ingest/pprof';

export interface DeltaState {
  /** Sample type names, to notice a target that changed what it serves. */
  signature: string;
  /** Per stack key, the cumulative columns' values at the previous scrape. */
  values: Map<string, number[]>;
  /** Location identity → small integer, so stack keys stay short. Grows with the program's code, not with time. */
  locations: Map<string, number>;
  timeMs: number;
}

export interface DeltaResult {
  /** The profile to store, or undefined when there is nothing to store (first scrape of an all-cumulative profile). */
  profile?: Profile;
  state: DeltaState;
  /** True when a counter went down (the target restarted) and the current values were taken as the delta. */
  reset: boolean;
  first: boolean;
}

/**
 * `isCumulative` undefined → the profile is returned unchanged and no state is kept. `p` has
 * passed validateProfile: its string indices are in range and each sample has a value per type.
 */
export function toDelta(
  p: Profile,
  isCumulative: ((sampleType: string) => boolean) | undefined,
  prev: DeltaState | undefined,
  nowMs: number,
): DeltaResult | undefined {
  if (!isCumulative) return undefined;
  const strings = p.stringTable.strings;
  const typeNames = p.sampleType.map((t) => strings[Number(t.type)]!);
  const cumulative = typeNames.map((t) => isCumulative(t));
  const cumCols = cumulative.flatMap((c, i) => (c ? [i] : []));
  const signature = p.sampleType.map((t) => `${strings[Number(t.type)]}/${strings[Number(t.unit)]}`).join(',');
  const locationDict = prev?.locations ?? new Map<string, number>();

  // Location id → interned identity.
  const functions = indexById(p.function);
  const locIds = new Map<number, number>();
  for (const [id, l] of indexById(p.location)) {
    let key: string;
    if (l.line.length > 0) {
      key = l.line
        .map((ln) => {
          const f = functions.get(Number(ln.functionId));
          return f ? `${strings[Number(f.name)]}\u0000${strings[Number(f.filename)]}\u0000${ln.line}` : `?${ln.functionId}`;
        })
        .join('\u0001');
    } else key = `@${l.address}`;
    let n = locationDict.get(key);
    if (n === undefined) locationDict.set(key, (n = locationDict.size));
    locIds.set(id, n);
  }

  // Aggregate samples by stack + string labels.
  const width = p.sampleType.length;
  const groups = new Map<string, { sample: Sample; values: number[]; label: Sample['label']; nums: string }>();
  // Numeric labels of a sample, to tell whether the samples summed into one agree on them.
  const numsOf = (s: Sample) =>
    s.label
      .filter((l) => Number(l.str) === 0)
      .map((l) => `${l.key}:${l.num}:${l.numUnit}`)
      .join(',');
  for (const s of p.sample) {
    let key = s.locationId.map((id) => locIds.get(Number(id)) ?? -1).join(',');
    const labels: string[] = [];
    for (const l of s.label) if (Number(l.str) !== 0) labels.push(`${strings[Number(l.key)]}=${strings[Number(l.str)]}`);
    if (labels.length) key += `|${labels.sort().join('\u0001')}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { sample: s, values: new Array<number>(width).fill(0), label: s.label, nums: numsOf(s) }));
    // Samples summed with other numeric labels (heap `bytes` sizes): the sum keeps only the string
    // labels, which it is stored with; a size would be wrong for it.
    else if (g.nums !== numsOf(s)) g.label = g.label.filter((l) => Number(l.str) !== 0);
    for (let i = 0; i < width; i++) g.values[i]! += Number(s.value[i] ?? 0);
  }

  const state: DeltaState = { signature, values: new Map(), locations: locationDict, timeMs: nowMs };
  for (const [key, g] of groups)
    state.values.set(
      key,
      cumCols.map((c) => g.values[c]!),
    );

  const first = !prev || prev.signature !== signature;
  let reset = false;
  if (!first) {
    outer: for (const [key, cur] of state.values) {
      const before = prev.values.get(key);
      if (!before) continue;
      for (let i = 0; i < cur.length; i++) {
        // Same signature, so the same cumulative columns.
        if (cur[i]! < before[i]!) {
          reset = true;
          break outer;
        }
      }
    }
  }

  // Columns kept: all of them after the first scrape, only the non-cumulative ones on the first.
  const keep = first ? cumulative.flatMap((c, i) => (c ? [] : [i])) : typeNames.map((_, i) => i);
  if (keep.length === 0) return { state, reset, first };
  const samples: SampleInput[] = [];
  for (const [key, g] of groups) {
    const before = first || reset ? undefined : prev.values.get(key);
    const out = keep.map((c) => {
      if (!cumulative[c]) return g.values[c]!;
      const d = g.values[c]! - (before ? before[cumCols.indexOf(c)]! : 0);
      return d > 0 ? d : 0;
    });
    if (out.every((v) => v <= 0)) continue;
    samples.push({ locationId: g.sample.locationId, label: g.label, value: out });
  }
  const profile = new Profile({
    sampleType: keep.map((c) => p.sampleType[c]!),
    sample: samples,
    mapping: p.mapping,
    location: p.location,
    function: p.function,
    stringTable: p.stringTable,
    dropFrames: p.dropFrames,
    keepFrames: p.keepFrames,
    timeNanos: p.timeNanos,
    durationNanos: first || reset ? p.durationNanos : BigInt(Math.max(0, nowMs - prev.timeMs)) * 1_000_000n,
    periodType: p.periodType,
    period: p.period,
    comment: p.comment,
    defaultSampleType: p.defaultSampleType,
  });
  return { profile, state, reset, first };
}
