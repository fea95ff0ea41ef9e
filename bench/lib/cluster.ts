// A synthetic Kubernetes cluster for the server benchmark: services of a few pods each, every pod
// sending a CPU, a heap (alloc_space + inuse_space) and a goroutine profile every 15 s. Each
// service has its own program: a pool of call stacks with shared prefixes, per profile kind. A
// pod's next profile keeps most of the stacks of its previous one (a running program's hot set
// drifts slowly), so stored profiles overlap as real ones do. Profiles come out as the store's
// PreparedProfile (for the direct load) or as gzipped pprof (for the HTTP ingest).
import { gzipSync } from 'fflate';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { PreparedProfile } from '../../server/ingest/prepare';
import { parseProfileTypeId, type ProfileTypeInfo } from '../../server/ingest/pprof';
import { encodeFrame, frameKey, type Frame } from '../../server/storage/symbols';
import { Prng, zipfCdf } from './prng';

export const STEP_MS = 15_000;
export const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
export const ALLOC = 'memory:alloc_space:bytes:space:bytes';
export const INUSE = 'memory:inuse_space:bytes:space:bytes';
// The name Pyroscope's Go SDK (and this server's ingest) gives goroutine profiles.
export const GOROUTINE = 'goroutines:goroutine:count:goroutine:count';

type Kind = 'cpu' | 'heap' | 'goroutine';

interface KindSpec {
  types: ProfileTypeInfo[];
  /** Distinct stacks of the service's program for this kind, and how many one profile draws. */
  pool: number;
  perProfile: number;
  /** Share of a pod's previous stacks a new profile replaces. */
  churn: number;
  period: number;
  periodType: [string, string];
}

const type = (id: string) => parseProfileTypeId(id)!;
const KINDS: Record<Kind, KindSpec> = {
  cpu: { types: [type(CPU)], pool: 4000, perProfile: 300, churn: 0.15, period: 10_000_000, periodType: ['cpu', 'nanoseconds'] },
  heap: {
    types: [type(ALLOC), type(INUSE)],
    pool: 1500,
    perProfile: 120,
    churn: 0.05,
    period: 524_288,
    periodType: ['space', 'bytes'],
  },
  goroutine: { types: [type(GOROUTINE)], pool: 150, perProfile: 40, churn: 0.05, period: 1, periodType: ['goroutine', 'count'] },
};
export const KIND_NAMES = Object.keys(KINDS) as Kind[];
/** Stored rows per pod and 15 s step: one per sample type of every kind. */
export const ROWS_PER_STEP = KIND_NAMES.reduce((n, k) => n + KINDS[k].types.length, 0);

const FUNCTIONS = 1500;

/** One service's program: its functions, and per kind a trie of its stack pool. */
class Program {
  readonly frames: Frame[] = [];
  readonly keys: string[] = [];
  readonly data: string[] = [];
  /** Per kind: trie node parent and function (node 0 is the root; parent id < child id), and each pool stack's leaf. */
  readonly tries = new Map<Kind, { parent: number[]; fn: number[]; leaves: Int32Array; cdf: Float64Array }>();

  constructor(
    readonly name: string,
    rng: Prng,
  ) {
    for (let f = 0; f < FUNCTIONS; f++) {
      const pkg = `github.com/acme/${name}/pkg${f % 40}`;
      const frame: Frame = {
        mappingFile: `/usr/local/bin/${name}`,
        buildId: '',
        address: 0,
        lines: [
          {
            name: `${pkg}.Func${f}`,
            systemName: `${pkg}.Func${f}`,
            filename: `${pkg}/file${f % 7}.go`,
            startLine: 10,
            line: 10 + (f % 300),
          },
        ],
      };
      this.frames.push(frame);
      this.keys.push(frameKey(frame));
      this.data.push(encodeFrame(frame));
    }
    for (const kind of KIND_NAMES) {
      const parent = [0];
      const fn = [-1];
      const children = new Map<string, number>();
      const stacks: number[][] = [];
      const leaves = new Int32Array(KINDS[kind].pool);
      // A few entry points per kind (main, HTTP handlers, workers), then shared prefixes.
      const roots = Array.from({ length: 6 }, () => rng.int(FUNCTIONS));
      for (let i = 0; i < leaves.length; i++) {
        const base = stacks.length > 10 && rng.chance(0.85) ? rng.pick(stacks) : [rng.pick(roots)];
        const s = base.slice(0, Math.min(base.length, 2 + rng.int(Math.max(1, base.length - 1))));
        const depth = 8 + rng.int(28);
        while (s.length < depth) s.push(rng.int(FUNCTIONS));
        stacks.push(s);
        let node = 0;
        for (const f of s) {
          const key = `${node},${f}`;
          let next = children.get(key);
          if (next === undefined) {
            next = parent.length;
            parent.push(node);
            fn.push(f);
            children.set(key, next);
          }
          node = next;
        }
        leaves[i] = node;
      }
      this.tries.set(kind, { parent, fn, leaves, cdf: zipfCdf(leaves.length, 0.9) });
    }
  }
}

function growInt32(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

export interface ClusterOptions {
  services: number;
  pods: number;
  seed?: number;
}

export interface Draw {
  service: Program;
  kind: Kind;
  /** Pool stack indices and their values per sample type. */
  stacks: Int32Array;
  values: Float64Array[];
}

/** Services and pods, and each pod's current stacks per kind. */
export class Cluster {
  readonly programs: Program[] = [];
  readonly pods: { service: Program; name: string; hot: Map<Kind, Int32Array> }[] = [];
  private readonly rng: Prng;
  // Scratch for prepare(): global trie node → local id, stamped per call.
  private stamp = new Int32Array(0);
  private local = new Int32Array(0);
  private used = new Int32Array(4096);
  private fnStamp = new Int32Array(FUNCTIONS);
  private fnLocal = new Int32Array(FUNCTIONS);
  private gen = 0;

  constructor(opts: ClusterOptions) {
    this.rng = new Prng(opts.seed ?? 23);
    const names = ['checkout', 'cart', 'catalog', 'payments', 'shipping', 'search', 'auth', 'ads'];
    for (let s = 0; s < opts.services; s++)
      this.programs.push(new Program(names[s % names.length]! + (s >= names.length ? s : ''), this.rng));
    for (let p = 0; p < opts.pods; p++) {
      const service = this.programs[p % opts.services]!;
      const hot = new Map<Kind, Int32Array>();
      for (const kind of KIND_NAMES) {
        const t = service.tries.get(kind)!;
        hot.set(
          kind,
          Int32Array.from({ length: KINDS[kind].perProfile }, () => this.rng.fromCdf(t.cdf)),
        );
      }
      this.pods.push({ service, name: `${service.name}-${Math.floor(p / opts.services)}`, hot });
    }
  }

  /** The pod's next profile of a kind: its hot set with a share of stacks replaced. */
  next(pod: number, kind: Kind): Draw {
    const p = this.pods[pod]!;
    const spec = KINDS[kind];
    const t = p.service.tries.get(kind)!;
    const hot = p.hot.get(kind)!;
    for (let i = 0; i < hot.length; i++) if (this.rng.chance(spec.churn)) hot[i] = this.rng.fromCdf(t.cdf);
    const stacks = Int32Array.from(new Set(hot));
    const values = spec.types.map((ty) => {
      const v = new Float64Array(stacks.length);
      for (let i = 0; i < v.length; i++) {
        const r = 1 + this.rng.int(50);
        v[i] = ty.sampleUnit === 'nanoseconds' ? r * 10_000_000 : ty.sampleUnit === 'bytes' ? r * 4096 : r;
      }
      return v;
    });
    return { service: p.service, kind, stacks, values };
  }

  /** The draw as the store's PreparedProfile: the trie of just its stacks. */
  prepare(d: Draw, timeMs: number): PreparedProfile {
    const t = d.service.tries.get(d.kind)!;
    if (this.stamp.length < t.parent.length) {
      this.stamp = new Int32Array(t.parent.length * 2);
      this.local = new Int32Array(t.parent.length * 2);
    }
    const gen = ++this.gen;
    let n = 0;
    for (const s of d.stacks) {
      for (let node = t.leaves[s]!; node !== 0 && this.stamp[node] !== gen; node = t.parent[node]!) {
        this.stamp[node] = gen;
        if (n === this.used.length) this.used = growInt32(this.used);
        this.used[n++] = node;
      }
    }
    // Parents before children: the trie's ids grow from the root (a typed array sorts numerically).
    const used = this.used.subarray(0, n).sort();
    const nodeParent = new Int32Array(n + 1);
    const nodeLocation = new Int32Array(n + 1);
    const frameKeys: string[] = [];
    const frameData: string[] = [];
    for (let i = 0; i < n; i++) {
      const node = used[i]!;
      this.local[node] = i + 1;
      const f = t.fn[node]!;
      if (this.fnStamp[f] !== gen) {
        this.fnStamp[f] = gen;
        this.fnLocal[f] = frameKeys.length;
        frameKeys.push(d.service.keys[f]!);
        frameData.push(d.service.data[f]!);
      }
      nodeParent[i + 1] = this.local[t.parent[node]!]!; // local[0] is never set: the root stays 0
      nodeLocation[i + 1] = this.fnLocal[f]!;
    }
    const spec = KINDS[d.kind];
    return {
      types: spec.types,
      timeNanos: timeMs * 1e6,
      durationNanos: d.kind === 'cpu' ? STEP_MS * 1e6 : 0,
      period: spec.period,
      dropFrames: '',
      keepFrames: '',
      frameKeys,
      frameData,
      nodeParent,
      nodeLocation,
      groups: [{ labels: [], nodes: Int32Array.from(d.stacks, (s) => this.local[t.leaves[s]!]!), values: d.values }],
      labelSets: [],
    };
  }

  /** The draw as a gzipped pprof file, as an SDK would send it. */
  pprof(d: Draw, timeMs: number): Uint8Array {
    const t = d.service.tries.get(d.kind)!;
    const spec = KINDS[d.kind];
    const st = new StringTable();
    const ids = new Map<number, number>();
    const functions: PFunction[] = [];
    const locations: Location[] = [];
    const idOf = (f: number) => {
      let id = ids.get(f);
      if (id === undefined) {
        id = functions.length + 1;
        ids.set(f, id);
        const l = d.service.frames[f]!.lines[0]!;
        functions.push(
          new PFunction({
            id,
            name: st.dedup(l.name),
            systemName: st.dedup(l.systemName),
            filename: st.dedup(l.filename),
            startLine: l.startLine,
          }),
        );
        locations.push(new Location({ id, line: [new Line({ functionId: id, line: l.line })] }));
      }
      return id;
    };
    const sample = Array.from(d.stacks, (s, i) => {
      const locationId: number[] = [];
      for (let n = t.leaves[s]!; n !== 0; n = t.parent[n]!) locationId.push(idOf(t.fn[n]!)); // leaf first
      return new Sample({ locationId, value: d.values.map((v) => v[i]!) });
    });
    const p = new Profile({
      sampleType: spec.types.map((ty) => new ValueType({ type: st.dedup(ty.sampleType), unit: st.dedup(ty.sampleUnit) })),
      sample,
      location: locations,
      function: functions,
      stringTable: st,
      timeNanos: BigInt(timeMs) * 1_000_000n,
      durationNanos: d.kind === 'cpu' ? BigInt(STEP_MS) * 1_000_000n : 0n,
      periodType: new ValueType({ type: st.dedup(spec.periodType[0]), unit: st.dedup(spec.periodType[1]) }),
      period: spec.period,
    });
    return gzipSync(p.encode());
  }
}
