// Answers reduced to what must agree between two backends, whatever order or ids each one uses:
// a pprof as flat/cum per function, a flame graph as (total, self) per call path, series as their
// labels and points, lists sorted.
import type { Profile } from 'pprof-format';
import { knownLabel, knownName, knownTypeId } from './known';

/** flat and cum per function name, as `go tool pprof -top` counts them (cum once per stack). */
export type FunctionTotals = Record<string, { flat: number; cum: number }>;

/** The function names of a sample's stack, leaf first (inlined frames expanded, innermost first). */
function stackNames(sample: Profile['sample'][number], byLocation: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const id of sample.locationId) out.push(...(byLocation.get(String(id)) ?? ['<unknown>']));
  return out;
}

/** Per-function flat/cum of one sample-type column, summed over one or more profiles. */
export function functionTotals(profiles: Profile[], column: (p: Profile) => number, into: FunctionTotals = {}): FunctionTotals {
  for (const p of profiles) {
    const col = column(p);
    if (col < 0) continue;
    const strings = p.stringTable.strings;
    const fnName = new Map(p.function.map((f) => [String(f.id), knownName(strings[Number(f.name)] ?? '')]));
    const byLocation = new Map<string, string[]>();
    for (const loc of p.location) {
      // pprof lists a location's inlined lines outermost last: line[0] is the innermost frame.
      const names = loc.line.map((l) => fnName.get(String(l.functionId)) ?? '');
      byLocation.set(String(loc.id), names.length ? names : ['<unknown>']);
    }
    for (const s of p.sample) {
      const v = Number(s.value[col] ?? 0);
      if (v === 0) continue;
      const names = stackNames(s, byLocation);
      const leaf = names[0] ?? '<unknown>';
      (into[leaf] ??= { flat: 0, cum: 0 }).flat += v;
      for (const n of new Set(names)) (into[n] ??= { flat: 0, cum: 0 }).cum += v;
    }
  }
  return into;
}

/** Index of the sample type `type`/`unit` in a profile, or -1. */
export function columnOf(p: Profile, type: string, unit: string): number {
  const s = p.stringTable.strings;
  return p.sampleType.findIndex((t) => s[Number(t.type)] === type && s[Number(t.unit)] === unit);
}

/** Σ of a column over profiles. */
export function columnTotal(profiles: Profile[], column: (p: Profile) => number): number {
  let sum = 0;
  for (const p of profiles) {
    const c = column(p);
    if (c >= 0) for (const s of p.sample) sum += Number(s.value[c] ?? 0);
  }
  return sum;
}

interface FlameJson {
  names?: string[];
  levels?: { values?: (string | number)[] }[];
  total?: string | number;
}

/**
 * A level-encoded flame graph (Pyroscope's FlameGraph or FlameGraphDiff) as path → values, where a
 * path is the names from the root down joined by ';' and values are [total, self] per side. A
 * node's parent is the node one level up whose [x, x + total) holds its x, so the layout each
 * backend chose for x (self before or after the children) does not matter.
 */
export function flamePaths(fg: FlameJson | undefined, sides: 1 | 2): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (!fg?.levels) return out;
  const names = fg.names ?? [];
  const stride = sides * 3 + 1;
  type Node = { path: string; x: number[]; total: number[] };
  let prev: Node[] = [];
  for (const level of fg.levels) {
    const v = (level.values ?? []).map(Number);
    const nodes: Node[] = [];
    const prevEnd = Array<number>(sides).fill(0);
    for (let i = 0; i + stride <= v.length; i += stride) {
      const x: number[] = [];
      const total: number[] = [];
      const self: number[] = [];
      for (let s = 0; s < sides; s++) {
        x.push(prevEnd[s]! + v[i + s * 3]!);
        total.push(v[i + s * 3 + 1]!);
        self.push(v[i + s * 3 + 2]!);
        prevEnd[s] = x[s]! + total[s]!;
      }
      const name = knownName(names[v[i + sides * 3]!] ?? '?');
      // The side on which this node has width locates its parent (a diff node may be on one side only).
      const side = total.findIndex((t) => t > 0);
      const parent = side < 0 ? undefined : prev.find((p) => p.x[side]! <= x[side]! && x[side]! < p.x[side]! + p.total[side]!);
      const path = parent ? `${parent.path};${name}` : prev.length ? `?;${name}` : name;
      const values = out[path] ?? Array<number>(sides * 2).fill(0);
      for (let s = 0; s < sides; s++) {
        values[s * 2]! += total[s]!;
        values[s * 2 + 1]! += self[s]!;
      }
      out[path] = values;
      nodes.push({ path, x, total });
    }
    prev = nodes;
  }
  return out;
}

interface SeriesJson {
  labels?: { name: string; value: string }[];
  points?: { value?: number; timestamp?: string | number }[];
}

/** SelectSeries' series as "k=v,…" → [timestamp ms, value][], sorted by labels. */
export function seriesPoints(series: SeriesJson[] | undefined): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const s of series ?? []) {
    const key = (s.labels ?? [])
      .map((l) => `${l.name}=${l.value}`)
      .sort()
      .join(',');
    out[key] = (s.points ?? []).map((p) => [Number(p.timestamp ?? 0), p.value ?? 0]);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Series/label sets as sorted "k=v,…" strings (profile type ids and labels as known.ts says). */
export function labelSets(sets: { labels?: { name: string; value: string }[] }[] | undefined): string[] {
  return (sets ?? [])
    .map((s) =>
      (s.labels ?? [])
        .filter((l) => knownLabel(l.name))
        .map((l) => `${l.name}=${l.name === '__profile_type__' ? knownTypeId(l.value) : l.value}`)
        .sort()
        .join(','),
    )
    .sort();
}
