// A decoded, validated pprof → the compact form the store interns (runs in a decoding worker):
// distinct locations as frame strings, stacks as a local trie, values summed per label group,
// stack and sample type. Typed arrays and strings only, so it crosses threads cheaply, and the
// main thread's work is proportional to what is new in it, not to the profile's size.
import type { Profile } from 'pprof-format';
import { resolvedIds } from '../../src/common/pprof-rules';
import { ClientError } from '../errors';
import { overLimit, type Limits } from '../limits';
import { PairMap } from '../../src/common/pair-map';
import { parseProfileTypeId, profileTypesOf, type ProfileTypeInfo, type SampleTypeOverride } from './pprof';

export interface PreparedGroup {
  /** The group's string sample labels, sorted by name: they become series labels. */
  labels: [string, string][];
  /** Leaf trie nodes of the group's stacks, and per sample type their summed values. */
  nodes: Int32Array;
  values: Float64Array[];
  /** Per entry of `nodes`: its sample labels, an index into PreparedProfile.labelSets (-1: none). */
  labelSet?: Int32Array;
}

/**
 * One sample label as stored with the samples: `[key, str]` for a string label, `[key, num, unit]`
 * for a numeric one (pprof reads a label with a string as a string label, any other as numeric).
 */
export type SampleLabel = [string, string] | [string, number, string];

export interface PreparedProfile {
  types: ProfileTypeInfo[];
  /** 0 when the profile has none. */
  timeNanos: number;
  durationNanos: number;
  period: number;
  dropFrames: string;
  keepFrames: string;
  /** Per location of the profile: frameKey() and encodeFrame() of its frame. */
  frameKeys: string[];
  frameData: string[];
  /** Local stack trie: node 0 is the root; node i's parent (< i) and location index. */
  nodeParent: Int32Array;
  nodeLocation: Int32Array;
  groups: PreparedGroup[];
  /**
   * The profile's distinct sample label sets, each the JSON of its SampleLabels in a canonical
   * order. Every label is kept with its samples (string labels are also promoted to series
   * labels), so that a merged profile carries them as the file did.
   */
  labelSets: string[];
}

/** Sample labels that stay per sample in Pyroscope instead of becoming series labels. */
const PER_SAMPLE_LABELS = new Set(['span_id', 'trace_id', 'profile_id']);

/** pprof-format reads int64 fields as unsigned (-1 → 2^64 − 1): the signed value, as a number. */
export function int64Of(v: number | bigint | undefined): number {
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : (v ?? 0);
}

function nonNegative(v: number | bigint | undefined, what: string): number {
  const n = int64Of(v);
  if (!(n >= 0)) throw new ClientError(400, `invalid pprof: ${what} is ${n}; it must be 0 or more`);
  return n;
}

/** Profile type ids are `name:sample_type:sample_unit:period_type:period_unit`: no part may hold a colon. */
function checkTypes(types: ProfileTypeInfo[]): void {
  for (const t of types) {
    for (const [what, v] of [
      ['name', t.name],
      ['sample type', t.sampleType],
      ['sample unit', t.sampleUnit],
      ['period type', t.periodType],
      ['period unit', t.periodUnit],
    ] as const) {
      if (v.includes(':'))
        throw new ClientError(
          400,
          `invalid profile type: the ${what} ${JSON.stringify(v)} contains ":", which separates the parts of a profile type id`,
        );
    }
    if (!parseProfileTypeId(t.id))
      throw new ClientError(400, `invalid profile type ${JSON.stringify(t.id)}: its name and sample type must not be empty`);
  }
}

const byKeyThenValue = (a: SampleLabel, b: SampleLabel): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : String(a[1]) < String(b[1]) ? -1 : String(a[1]) > String(b[1]) ? 1 : 0;

export function prepareProfile(
  p: Profile,
  overrides?: Record<string, SampleTypeOverride>,
  metricName?: string,
  limits?: Limits,
): PreparedProfile {
  const strings = p.stringTable.strings;
  const types = profileTypesOf(p, overrides, metricName);
  checkTypes(types);
  const timeNanos = int64Of(p.timeNanos);
  if (!Number.isFinite(timeNanos)) throw new ClientError(400, 'invalid pprof: time_nanos is not a number');
  const durationNanos = nonNegative(p.durationNanos, 'duration_nanos');
  const period = nonNegative(p.period, 'period');

  // Positional ids as validateProfile({ positionalIds: true }) resolved them.
  const fnIndex = new Map<number, number>();
  resolvedIds(p.function, true).forEach((id, i) => fnIndex.set(id, i));
  const mapIndex = new Map<number, number>();
  resolvedIds(p.mapping, true).forEach((id, i) => mapIndex.set(id, i));
  const locIndex = new Map<number, number>();
  const frameKeys: string[] = [];
  const frameData: string[] = [];
  resolvedIds(p.location, true).forEach((id, i) => {
    locIndex.set(id, i);
    const l = p.location[i]!;
    const mi = mapIndex.get(Number(l.mappingId));
    const m = mi === undefined ? undefined : p.mapping[mi];
    const mappingFile = m ? strings[Number(m.filename)]! : '';
    const buildId = m ? strings[Number(m.buildId)]! : '';
    const address = l.line.length === 0 ? Number(l.address) : 0;
    const lines = l.line.map((line) => {
      const fi = fnIndex.get(Number(line.functionId));
      const f = fi === undefined ? undefined : p.function[fi];
      return f
        ? [
            strings[Number(f.name)]!,
            strings[Number(f.systemName)]!,
            strings[Number(f.filename)]!,
            Number(f.startLine),
            Number(line.line),
          ]
        : ['', '', '', 0, Number(line.line)];
    });
    // frameKey() and encodeFrame() of the frame, with the lines serialised once (they were most
    // of a decoding worker's time): test/ingest-prepare.test.ts holds them equal.
    const linesJson = JSON.stringify(lines);
    frameKeys.push(lines.length > 0 ? linesJson : JSON.stringify([mappingFile, buildId, address]));
    frameData.push(`[${JSON.stringify(mappingFile)},${JSON.stringify(buildId)},${JSON.stringify(address)},${linesJson}]`);
  });

  // Stacks into a trie (root-first), samples grouped by their string labels.
  const trie = new PairMap(1024);
  const parent: number[] = [0];
  const location: number[] = [0];
  const width = types.length;
  const groups = new Map<
    string,
    {
      labels: [string, string][];
      leaf: Map<number | string, number>;
      nodes: number[];
      values: number[][];
      labelSet: number[];
    }
  >();
  const labelSets: string[] = [];
  const labelSetIndex = new Map<string, number>();
  // What maxSampleLabelSets counts: the distinct sets of the labels that are not series labels
  // (a set of series labels alone is its own series, bounded by the series limits).
  const unpromoted = new Set<string>();
  let labelled = false;
  for (const s of p.sample) {
    let node = 0;
    const ids = s.locationId;
    for (let i = ids.length - 1; i >= 0; i--) {
      const loc = locIndex.get(Number(ids[i]))!;
      let next = trie.find(node, loc);
      if (next < 0) {
        const slot = -next - 1;
        next = parent.length;
        parent.push(node);
        location.push(loc);
        trie.insert(slot, node, loc, next);
      }
      node = next;
    }
    const labels: [string, string][] = [];
    const kept: SampleLabel[] = [];
    for (const l of s.label) {
      const key = strings[Number(l.key)]!;
      if (!key) continue;
      if (Number(l.str) !== 0) {
        const value = strings[Number(l.str)]!;
        if (!PER_SAMPLE_LABELS.has(key)) labels.push([key, value]);
        kept.push([key, value]);
      } else kept.push([key, int64Of(l.num), strings[Number(l.numUnit)] ?? '']);
    }
    labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const gkey = labels.length ? JSON.stringify(labels) : '';
    let g = groups.get(gkey);
    if (!g) groups.set(gkey, (g = { labels, leaf: new Map(), nodes: [], values: types.map(() => []), labelSet: [] }));
    let set = -1;
    if (kept.length > 0) {
      const setKey = JSON.stringify(kept.sort(byKeyThenValue));
      let found = labelSetIndex.get(setKey);
      if (found === undefined) {
        if (limits) checkLabelSet(kept, unpromoted, limits);
        found = labelSets.length;
        labelSets.push(setKey);
        labelSetIndex.set(setKey, found);
      }
      set = found;
      labelled = true;
    }
    // Samples of one stack with other label sets stay apart, so that their labels can be given back.
    const leafKey = set < 0 ? node : `${node},${set}`;
    let at = g.leaf.get(leafKey);
    if (at === undefined) {
      at = g.nodes.length;
      g.leaf.set(leafKey, at);
      g.nodes.push(node);
      g.labelSet.push(set);
      for (const v of g.values) v.push(0);
    }
    for (let t = 0; t < width; t++) g.values[t]![at]! += int64Of(s.value[t]);
  }
  if (groups.size === 0) groups.set('', { labels: [], leaf: new Map(), nodes: [], values: types.map(() => []), labelSet: [] });

  return {
    types,
    timeNanos,
    durationNanos,
    period,
    dropFrames: strings[Number(p.dropFrames)] ?? '',
    keepFrames: strings[Number(p.keepFrames)] ?? '',
    frameKeys,
    frameData,
    nodeParent: Int32Array.from(parent),
    nodeLocation: Int32Array.from(location),
    groups: [...groups.values()].map((g) => ({
      labels: g.labels,
      nodes: Int32Array.from(g.nodes),
      values: g.values.map((v) => Float64Array.from(v)),
      labelSet: labelled ? Int32Array.from(g.labelSet) : undefined,
    })),
    labelSets,
  };
}

/** A new sample label set, checked before it is kept: the cardinality of the unpromoted labels, and each label's size. */
function checkLabelSet(set: SampleLabel[], unpromoted: Set<string>, limits: Limits): void {
  const own = set.filter((l) => typeof l[1] !== 'string' || PER_SAMPLE_LABELS.has(l[0]));
  if (own.length > 0) {
    unpromoted.add(JSON.stringify(own));
    if (unpromoted.size > limits.maxSampleLabelSets)
      throw overLimit(
        'maxSampleLabelSets',
        limits,
        `the profile has more than ${limits.maxSampleLabelSets} distinct sets of sample labels that are not series labels`,
      );
  }
  for (const [key, value] of set) {
    if (key.length > limits.maxLabelNameLength)
      throw overLimit(
        'maxLabelNameLength',
        limits,
        `sample label name ${JSON.stringify(key.slice(0, 64))}… has ${key.length} characters`,
      );
    if (typeof value === 'string' && value.length > limits.maxLabelValueLength)
      throw overLimit(
        'maxLabelValueLength',
        limits,
        `the value of sample label ${JSON.stringify(key.slice(0, 64))} has ${value.length} characters`,
      );
  }
}
