// A small helper to write pprof profiles by hand with pprof-format: functions, locations and
// mappings are numbered from 1 in the order they are first used, and identical ones are shared,
// the way real profilers write them. Stacks are given root first (how people read them) and
// stored leaf first (how pprof stores them).
import { Function, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';

/** One line of a location: a function (name, file, start line) at a line (0 = unknown). */
export interface FrameLine {
  name: string;
  /** The function's system name; the name itself when left out (what most profilers write). */
  systemName?: string;
  file?: string;
  line?: number;
  startLine?: number;
}

/** One location: its lines (callee first when several functions are inlined into one address),
 * the mapping it belongs to, and its address. No lines = an address-only location. */
export interface Frame {
  lines?: FrameLine[];
  mapping?: number;
  address?: bigint;
}

export type Labels = Record<string, string | number | [value: number, unit: string]>;

export interface MappingSpec {
  start: bigint;
  limit: bigint;
  offset?: bigint;
  file: string;
  buildId?: string;
  hasFunctions?: boolean;
  hasFilenames?: boolean;
  hasLineNumbers?: boolean;
  hasInlineFrames?: boolean;
}

export interface ProfileSpec {
  /** [type, unit] per value column; empty for a profile that declares none. */
  sampleTypes: [string, string][];
  periodType?: [string, string];
  period?: number;
  timeNanos?: bigint;
  durationNanos?: bigint;
  comments?: string[];
  defaultSampleType?: string;
  dropFrames?: string;
}

export class ProfileBuilder {
  readonly strings = new StringTable();
  private readonly functions: Function[] = [];
  private readonly functionIds = new Map<string, number>();
  private readonly locations: Location[] = [];
  private readonly locationIds = new Map<string, number>();
  private readonly mappings: Mapping[] = [];
  private readonly samples: Sample[] = [];
  private readonly sampleIds = new Map<string, Sample>();

  constructor(private readonly spec: ProfileSpec) {}

  /** Adds a mapping and returns its id (1, 2, …). */
  mapping(m: MappingSpec): number {
    const id = this.mappings.length + 1;
    this.mappings.push(
      new Mapping({
        id,
        memoryStart: m.start,
        memoryLimit: m.limit,
        fileOffset: m.offset ?? 0n,
        filename: this.strings.dedup(m.file),
        buildId: this.strings.dedup(m.buildId ?? ''),
        hasFunctions: m.hasFunctions ?? false,
        hasFilenames: m.hasFilenames ?? false,
        hasLineNumbers: m.hasLineNumbers ?? false,
        hasInlineFrames: m.hasInlineFrames ?? false,
      }),
    );
    return id;
  }

  private functionId(l: FrameLine): number {
    const systemName = l.systemName ?? l.name;
    const key = JSON.stringify([l.name, systemName, l.file ?? '', l.startLine ?? 0]);
    let id = this.functionIds.get(key);
    if (id === undefined) {
      id = this.functions.length + 1;
      this.functionIds.set(key, id);
      this.functions.push(
        new Function({
          id,
          name: this.strings.dedup(l.name),
          systemName: this.strings.dedup(systemName),
          filename: this.strings.dedup(l.file ?? ''),
          startLine: l.startLine ?? 0,
        }),
      );
    }
    return id;
  }

  /** The id of a location, added on first use. */
  location(f: Frame): number {
    const key = JSON.stringify([f.mapping ?? 0, String(f.address ?? 0n), f.lines ?? []]);
    let id = this.locationIds.get(key);
    if (id === undefined) {
      id = this.locations.length + 1;
      this.locationIds.set(key, id);
      this.locations.push(
        new Location({
          id,
          mappingId: f.mapping ?? 0,
          address: f.address ?? 0n,
          line: (f.lines ?? []).map((l) => new Line({ functionId: this.functionId(l), line: l.line ?? 0 })),
        }),
      );
    }
    return id;
  }

  private labels(labels: Labels): Label[] {
    return Object.entries(labels).map(([k, v]) => {
      const key = this.strings.dedup(k);
      if (typeof v === 'string') return new Label({ key, str: this.strings.dedup(v) });
      if (typeof v === 'number') return new Label({ key, num: v });
      return new Label({ key, num: v[0], numUnit: this.strings.dedup(v[1]) });
    });
  }

  /** Adds values to the sample with this stack (root first) and labels, or a new sample. */
  add(stack: Frame[], values: number[], labels: Labels = {}): void {
    const locs = stack.map((f) => this.location(f)).reverse();
    const key = JSON.stringify([locs, labels]);
    const s = this.sampleIds.get(key);
    if (s) {
      s.value = s.value.map((v, i) => Number(v) + values[i]!);
      return;
    }
    this.newSample(stack, values, labels);
  }

  /** Always a new sample, even if one with the same stack and labels exists. */
  newSample(stack: Frame[], values: number[], labels: Labels = {}): void {
    const locs = stack.map((f) => this.location(f)).reverse();
    const s = new Sample({ locationId: locs, value: values, label: this.labels(labels) });
    this.sampleIds.set(JSON.stringify([locs, labels]), s);
    this.samples.push(s);
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  build(): Profile {
    const st = this.strings;
    const vt = ([type, unit]: [string, string]) => new ValueType({ type: st.dedup(type), unit: st.dedup(unit) });
    return new Profile({
      sampleType: this.spec.sampleTypes.map(vt),
      sample: this.samples,
      mapping: this.mappings,
      location: this.locations,
      function: this.functions,
      stringTable: st,
      timeNanos: this.spec.timeNanos ?? 0n,
      durationNanos: this.spec.durationNanos ?? 0n,
      periodType: this.spec.periodType ? vt(this.spec.periodType) : undefined,
      period: this.spec.period ?? 0,
      comment: (this.spec.comments ?? []).map((c) => st.dedup(c)),
      defaultSampleType: this.spec.defaultSampleType ? st.dedup(this.spec.defaultSampleType) : 0,
      dropFrames: this.spec.dropFrames ? st.dedup(this.spec.dropFrames) : 0,
    });
  }
}

/** A deterministic pseudo-random generator (numerical recipes LCG): the same output on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Picks one of the weighted choices. */
export function pick<T>(next: () => number, choices: [weight: number, value: T][]): T {
  const total = choices.reduce((a, [w]) => a + w, 0);
  let r = next() * total;
  for (const [w, v] of choices) {
    if ((r -= w) < 0) return v;
  }
  return choices[choices.length - 1]![1];
}

/** Real profiles see the leaf at many points of a function: moves the leaf frame's line (when it
 * has one) by 0–6, and its address (when it has one) by a few instructions. */
export function jitterLeaf(next: () => number, stack: Frame[]): Frame[] {
  const leaf = stack[stack.length - 1];
  if (!leaf) return stack;
  const step = [0, 0, 1, 2, 3, 6][Math.floor(next() * 6)]!;
  const lines = leaf.lines?.map((l, i) => (i === 0 && (l.line ?? 0) > 0 ? { ...l, line: l.line! + step } : l));
  const address = leaf.address !== undefined && leaf.address !== 0n ? leaf.address + BigInt(step * 4) : leaf.address;
  return [...stack.slice(0, -1), { ...leaf, lines, address }];
}
