import { type AggregatedGraph, aggregateGraph } from './aggregate';
import { encodeProfileData } from '../pprof/encode';
import { type ExpandedFrames, type FlameTree, buildFlameTree, expandFrames } from '../transforms/flame-tree';
import { buildSandwich, foldedStacks } from '../transforms/sandwich';
import { buildInvertedTree } from '../transforms/inverted-tree';
import {
  DEFAULT_GRAPH_OPTIONS,
  DEFAULT_NODE_FRACTION,
  type NodeCutGraph,
  buildCallGraph,
  cutOf,
  flatSumOf,
  nodeCutGraph,
  nodeWeights,
} from '../reports/callgraph';
import { type SampleTags, gatherSamples, sampleTagsOf, sortedByLeaf } from '../reports/callgraph-tags';
import { composeDot } from '../reports/dot';
import { profileTitle, reportFormatter, reportLabels } from '../reports/legend';
import { profileTree } from '../reports/tree-report';
import type { LoadOptions, ProfileBytes } from '../../common/pprof-bytes';
import { readProfileData } from '../pprof/reader';
import { type Granularity, type NodeTable, buildNodeTable } from './nodes';
import type { ProfileData } from './profile-data';
import { type StackTrie, buildStackTrie, stacksFromTrie } from './stack-trie';
import { type TopSort, topRows } from '../reports/top';
import { type DiffData, diffProfileData, mergeDiffTries, sideSelf } from './diff';
import { type TagsReport, tagsReport } from '../reports/tags';
import { numLabelUnits } from './label-table';

/** Graphs a session keeps for a quick return (see ProfileSession.graph). */
const KEPT_GRAPHS = 4;

/** What the header shows about a profile. */
export interface ProfileSummary extends Pick<
  ProfileData,
  'sampleTypes' | 'defaultSampleIndex' | 'periodType' | 'period' | 'timeNanos' | 'durationNanos' | 'sampleCount'
> {
  /** Σ|value| per sample type (for a diff: the comparison's). */
  totals: number[];
  /** For a diff: the baseline's Σ|value| per sample type. */
  baseTotals?: number[];
  functionCount: number;
  locationCount: number;
  /** Nodes of the stack trie: distinct stack prefixes (not distinct stacks). */
  stackPrefixes: number;
  comments: string[];
}

/** A top table in columns, cheap to send from the worker to the page. */
export interface TopColumns {
  sampleIndex: number;
  granularity: Granularity;
  unit: string;
  total: number;
  names: string[];
  flat: Float64Array;
  cum: Float64Array;
  /** 0: none, 1: inline, 2: partial-inline. */
  inline: Uint8Array;
  /** In a diff: flat and cum is comparison − baseline (pprof -diff_base), total the baseline's. */
  diff?: DiffColumns;
  warnings?: string[];
}

export interface DiffColumns {
  baseFlat: Float64Array;
  baseCum: Float64Array;
  nextFlat: Float64Array;
  nextCum: Float64Array;
  baseTotal: number;
  nextTotal: number;
}

/** Which side of a diff gives frames their width. */
export type DiffWidth = 'comparison' | 'baseline';

/** A flame tree with what the view needs to name and place its frames. */
export interface FlameData {
  granularity: Granularity;
  unit: string;
  tree: FlameTree;
  /** Names of the node table's nodes (tree.node indexes into these). */
  names: string[];
  /** "file:line" (or file) of each node, '' when unknown. */
  files: string[];
  /** In a diff: the totals of each side; tree.total is the `widthBy` side, tree.otherTotal the other. */
  diff?: { widthBy: DiffWidth; baseTotal: number; nextTotal: number };
  /** What "% of profile" divides by: the unfiltered total unless percentages are relative. */
  profileTotal: number;
  /** pprof's warnings about the refine filters ("Focus expression matched no samples"). */
  warnings?: string[];
}

/** Options of the call graph view: pprof's -nodecount, -nodefraction, -edgefraction. */
export interface GraphOptions {
  nodeCount: number;
  nodeFraction: number;
  edgeFraction: number;
}

/** A call graph as DOT (pprof's styling) with what the view needs about its nodes. */
export interface GraphData {
  dot: string;
  /** Node i is N<i+1> in the DOT. */
  nodes: { name: string; flat: number; cum: number }[];
  legend: string[];
  unit: string;
  warnings?: string[];
}

/**
 * One opened profile and the structures derived from it. Lives in the worker (and directly in
 * tests and benchmarks); views ask it for reports.
 */
export class ProfileSession {
  private readonly nodeTables = new Map<Granularity, NodeTable>();
  private readonly expanded = new Map<Granularity, ExpandedFrames>();
  private readonly flameTrees = new Map<string, FlameTree>();

  /**
   * The profile, without its per-sample stacks once the trie holds them (they are most of the
   * memory of a large profile: 4 bytes per frame of every sample). `fullData()` rebuilds them.
   */
  readonly data: ProfileData;
  private readonly stacksInTrie: boolean;

  constructor(
    data: ProfileData,
    readonly trie: StackTrie,
    /** Set when this session is the diff of two profiles. */
    readonly diff?: Omit<DiffData, 'data'>,
  ) {
    this.stacksInTrie = trie.sampleLeaf !== undefined && trie.sampleLeaf.length === data.sampleCount;
    this.data = this.stacksInTrie
      ? { ...data, stackStart: new Int32Array(0), stackLocations: new Int32Array(0), sampleStack: undefined }
      : data;
  }

  /** The profile with every sample's stack, rebuilt from the trie when it was released. */
  fullData(): ProfileData {
    if (!this.stacksInTrie) return this.data;
    return { ...this.data, ...stacksFromTrie(this.trie, this.data.sampleCount) };
  }

  /**
   * Per sample type, what percentages divide by. A filtered view keeps the unfiltered profile's
   * totals here (pprof's default); otherwise it is this profile's own (the baseline's for a diff).
   */
  percentTotals?: number[];
  warnings: string[] = [];
  /** pprof's numeric label units of the whole profile (ProfileSource sets them; else this profile's). */
  labelUnits?: Map<string, string>;

  percentTotal(sampleIndex: number): number {
    if (this.percentTotals) return this.percentTotals[sampleIndex] ?? 0;
    if (this.diff) return this.diff.baseTotals[sampleIndex] ?? 0;
    const abs = this.trie.selfAbs[sampleIndex] ?? this.trie.self[sampleIndex];
    let t = 0;
    if (abs) for (let i = 0; i < abs.length; i++) t += abs[i]!;
    return t;
  }

  private sides(sampleIndex: number) {
    return this.diff ? sideSelf(this.trie, this.diff.baseLocationCount, sampleIndex) : undefined;
  }

  nodes(granularity: Granularity): NodeTable {
    let t = this.nodeTables.get(granularity);
    if (!t) {
      t = buildNodeTable(this.data, granularity);
      this.nodeTables.set(granularity, t);
    }
    return t;
  }

  /** The trie's frames at a granularity (any sample type's flame tree is laid out from them). */
  frames(granularity: Granularity): ExpandedFrames {
    let ex = this.expanded.get(granularity);
    if (!ex) {
      ex = expandFrames(this.trie, this.nodes(granularity));
      this.expanded.set(granularity, ex);
    }
    return ex;
  }

  /**
   * The flame tree of a sample type. `keep` caches it (the sandwich and exports reuse it); the
   * flame graph view asks for an uncached one that the worker hands over to the page without a
   * copy, so that a large tree is not held twice.
   */
  flameTree(sampleIndex: number, granularity: Granularity, widthBy: DiffWidth = 'comparison', keep = true): FlameTree {
    const key = `${sampleIndex}/${granularity}/${widthBy}`;
    let t = this.flameTrees.get(key);
    if (t && !keep) this.flameTrees.delete(key); // its buffers are about to leave the worker
    if (!t) {
      const nodes = this.nodes(granularity);
      const ex = this.frames(granularity);
      const sides = this.sides(sampleIndex);
      t = buildFlameTree(
        this.trie,
        nodes,
        sampleIndex,
        ex,
        sides && (widthBy === 'baseline' ? { self: sides.base, other: sides.next } : { self: sides.next, other: sides.base }),
      );
      this.flameTrees.clear(); // keep one at most: trees of large profiles are big
      if (keep) this.flameTrees.set(key, t);
    }
    return t;
  }

  flame(sampleIndex: number, granularity: Granularity, widthBy: DiffWidth = 'comparison', keep = true): FlameData {
    const nodes = this.nodes(granularity);
    const tree = this.flameTree(sampleIndex, granularity, widthBy, keep);
    return {
      granularity,
      unit: this.data.sampleTypes[sampleIndex]?.unit ?? '',
      tree,
      names: nodes.names,
      files: this.nodeFiles(nodes),
      diff: this.diff && {
        widthBy,
        baseTotal: this.diff.baseTotals[sampleIndex]!,
        nextTotal: this.diff.nextTotals[sampleIndex]!,
      },
      profileTotal: this.diff ? tree.total[0]! : this.percentTotal(sampleIndex),
      warnings: this.warnings,
    };
  }

  /** pprof's call graph (the -dot report) for the graph view. */
  graph(sampleIndex: number, granularity: Granularity, opts: GraphOptions, activeFilters: string[] = []): GraphData {
    // Going back to the graph, or undoing an option change, asks for a graph already built.
    const key = JSON.stringify([sampleIndex, granularity, opts.nodeCount, opts.nodeFraction, opts.edgeFraction, activeFilters]);
    const known = this.graphs.get(key);
    if (known) return known;
    const data = this.buildGraph(sampleIndex, granularity, opts, activeFilters);
    if (this.graphs.size >= KEPT_GRAPHS) this.graphs.delete(this.graphs.keys().next().value!);
    this.graphs.set(key, data);
    return data;
  }

  /** The last graphs built, by their arguments (a few kilobytes each). */
  private readonly graphs = new Map<string, GraphData>();

  private buildGraph(sampleIndex: number, granularity: Granularity, opts: GraphOptions, activeFilters: string[]): GraphData {
    const total = this.percentTotal(sampleIndex);
    const unit = this.data.sampleTypes[sampleIndex]?.unit ?? '';
    const g = buildCallGraph(this.trie, this.nodes(granularity), sampleIndex, {
      ...opts,
      total,
      tags: this.sampleTags(sampleIndex),
      weights: this.nodeWeights(sampleIndex, granularity),
      nodeCutGraphs: this.nodeCutGraphs(sampleIndex, granularity),
    });
    const dot = composeDot(g, { title: profileTitle(this.data), total, sampleUnit: unit });
    const { format } = reportFormatter(g, total, unit);
    return {
      dot,
      nodes: g.nodes.map((n) => ({ name: n.name, flat: n.flat, cum: n.cum })),
      legend: reportLabels(g, format, { activeFilters, dot: true }),
      unit,
      warnings: this.warnings,
    };
  }

  /**
   * The one-time work of this session's first call graph, as steps that can run apart (between
   * requests, while the person looks at the flame graph): every node's flat and cum for the node
   * cut, the samples' label tables for the nodelets, the graph after the default node cut, and
   * then the graph with pprof's default options. Later graphs reuse the first three (the cut for
   * as long as the node fraction is the default).
   */
  graphPreparation(sampleIndex: number, granularity: Granularity): (() => void)[] {
    return [
      () => void this.nodeWeights(sampleIndex, granularity),
      () => void this.sampleTags(sampleIndex),
      () => {
        const weights = this.nodeWeights(sampleIndex, granularity);
        const cuts = this.nodeCutGraphs(sampleIndex, granularity);
        const nodeCut = cutOf(flatSumOf(weights), DEFAULT_NODE_FRACTION);
        if (!cuts.has(nodeCut))
          cuts.set(nodeCut, nodeCutGraph(this.trie, this.nodes(granularity), sampleIndex, weights, nodeCut));
      },
      () => void this.graph(sampleIndex, granularity, DEFAULT_GRAPH_OPTIONS),
    ];
  }

  private readonly cutGraphs = new Map<string, Map<number, NodeCutGraph>>();
  /** The graphs after a node cut built so far for a sample type and granularity (by node cut). */
  private nodeCutGraphs(sampleIndex: number, granularity: Granularity): Map<number, NodeCutGraph> {
    const key = `${sampleIndex}/${granularity}`;
    let m = this.cutGraphs.get(key);
    if (!m) this.cutGraphs.set(key, (m = new Map()));
    return m;
  }

  /** pprof's `-tree` report as text: each function with its callers above and callees below. */
  treeReport(sampleIndex: number, granularity: Granularity, opts: GraphOptions, activeFilters: string[] = []): string {
    const total = this.percentTotal(sampleIndex);
    const g = buildCallGraph(this.trie, this.nodes(granularity), sampleIndex, {
      ...opts,
      order: 'flat',
      total,
      tags: this.sampleTags(sampleIndex),
      weights: this.nodeWeights(sampleIndex, granularity),
      nodeCutGraphs: this.nodeCutGraphs(sampleIndex, granularity),
    });
    return profileTree(g, this.data, sampleIndex, { activeFilters });
  }

  private tags?: SampleTags | null;
  /** Sample labels for the graph's nodelets, ordered by leaf (see sortedByLeaf). */
  private sampleTags(sampleIndex: number): SampleTags | undefined {
    if (this.tags === undefined) {
      const tags = sampleTagsOf(this.data, this.trie);
      this.tags = tags ? sortedByLeaf(tags, this.trie.size, [sampleIndex]) : null;
    }
    // Each sample type's values are reordered the first time a graph of that type needs them.
    if (this.tags && !this.tags.values[sampleIndex]) {
      this.tags.values[sampleIndex] = gatherSamples(this.data.values[sampleIndex]!, this.tags.origin!);
    }
    return this.tags ?? undefined;
  }

  /** pprof's -tags report: each label key's values with their weights. */
  tagReport(sampleIndex: number): TagsReport {
    return tagsReport(this.data, sampleIndex, this.percentTotal(sampleIndex), {
      units: this.labelUnits ?? numLabelUnits(this.data.sampleLabels),
      diffBase: this.diff && { samples: this.diff.baseSampleCount },
    });
  }

  /** The bottom-up call tree, in the flame tree's form. */
  inverted(sampleIndex: number, granularity: Granularity): FlameData {
    const top = this.flame(sampleIndex, granularity);
    return { ...top, tree: buildInvertedTree(top.tree, top.names), diff: undefined };
  }

  private nodeFiles(nodes: NodeTable): string[] {
    const d = this.data;
    return nodes.infos.map((info, n) => {
      if (info.file) return info.lineno ? `${info.file}:${info.lineno}` : info.file;
      const fi = nodes.functionIndex[n]!;
      if (fi < 0) return '';
      const file = d.functionFile[fi] ?? '';
      const line = d.functionStartLine[fi] ?? 0;
      return file && line ? `${file}:${line}` : file;
    });
  }

  sandwich(sampleIndex: number, granularity: Granularity, node: number) {
    return buildSandwich(this.flameTree(sampleIndex, granularity), node, this.nodes(granularity).names);
  }

  folded(sampleIndex: number, granularity: Granularity): string {
    return foldedStacks(this.flameTree(sampleIndex, granularity), this.nodes(granularity).names);
  }

  encodePprof(): Uint8Array {
    return encodeProfileData(this.fullData());
  }

  summary(): ProfileSummary {
    const d = this.data;
    const totals = this.diff
      ? this.diff.nextTotals
      : d.values.map((_, t) => {
          let s = 0;
          const abs = this.trie.selfAbs[t] ?? this.trie.self[t]!;
          for (let i = 0; i < abs.length; i++) s += abs[i]!;
          return s;
        });
    return {
      sampleTypes: d.sampleTypes,
      defaultSampleIndex: d.defaultSampleIndex,
      periodType: d.periodType,
      period: d.period,
      timeNanos: d.timeNanos,
      durationNanos: d.durationNanos,
      sampleCount: d.sampleCount,
      totals,
      baseTotals: this.diff?.baseTotals,
      functionCount: d.functionName.length,
      locationCount: d.locationAddress.length,
      stackPrefixes: this.trie.size - 1,
      comments: d.comments,
    };
  }

  private readonly untrimmedGraphs = new Map<string, AggregatedGraph>();
  /**
   * The untrimmed graph of a sample type (flat, cum and edges of every node), for the top table;
   * the call graph's node cut reuses its flat and cum when the table was shown first.
   */
  private untrimmed(sampleIndex: number, granularity: Granularity): AggregatedGraph {
    const key = `${sampleIndex}/${granularity}`;
    let g = this.untrimmedGraphs.get(key);
    if (!g) {
      g = aggregateGraph(this.trie, this.nodes(granularity), sampleIndex);
      this.untrimmedGraphs.set(key, g);
    }
    return g;
  }

  private readonly weights = new Map<string, { flat: Float64Array; cum: Float64Array }>();
  /** Flat and cum of every node: the top table's when it was built, else without its edges. */
  private nodeWeights(sampleIndex: number, granularity: Granularity): { flat: Float64Array; cum: Float64Array } {
    const key = `${sampleIndex}/${granularity}`;
    let w = this.untrimmedGraphs.get(key) ?? this.weights.get(key);
    if (!w) {
      w = nodeWeights(this.trie, this.nodes(granularity), sampleIndex);
      this.weights.set(key, w);
    }
    return w;
  }

  top(sampleIndex: number, granularity: Granularity, sort: TopSort = 'flat'): TopColumns {
    const nodes = this.nodes(granularity);
    const graph = this.untrimmed(sampleIndex, granularity);
    const sides = this.sides(sampleIndex);
    const base = sides && aggregateGraph(this.trie, nodes, sampleIndex, { self: sides.base });
    const next = sides && aggregateGraph(this.trie, nodes, sampleIndex, { self: sides.next });
    // A diff lists functions present on either side, even when they net to zero.
    const rows = topRows(graph, nodes, sort, 0.001, base && next ? (n) => base.cum[n] !== 0 || next.cum[n] !== 0 : undefined);
    const n = rows.length;
    const out: TopColumns = {
      sampleIndex,
      granularity,
      unit: this.data.sampleTypes[sampleIndex]?.unit ?? '',
      total: this.percentTotal(sampleIndex),
      warnings: this.warnings,
      names: new Array<string>(n),
      flat: new Float64Array(n),
      cum: new Float64Array(n),
      inline: new Uint8Array(n),
    };
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      out.names[i] = r.name;
      out.flat[i] = r.flat;
      out.cum[i] = r.cum;
      out.inline[i] = r.inline === 'inline' ? 1 : r.inline === 'partial-inline' ? 2 : 0;
    }
    if (base && next && this.diff) {
      const pick = (a: Float64Array) => Float64Array.from(rows, (r) => a[r.node]!);
      out.diff = {
        baseFlat: pick(base.flat),
        baseCum: pick(base.cum),
        nextFlat: pick(next.flat),
        nextCum: pick(next.cum),
        baseTotal: this.diff.baseTotals[sampleIndex]!,
        nextTotal: this.diff.nextTotals[sampleIndex]!,
      };
    }
    return out;
  }
}

/** A session over the diff of two profiles (pprof's -diff_base semantics). */
export function diffSession(base: ProfileData, next: ProfileData): ProfileSession {
  return diffOfSessions(new ProfileSession(base, buildStackTrie(base)), new ProfileSession(next, buildStackTrie(next)));
}

/** The diff of two opened profiles, from their tries (the per-sample stacks are not copied). */
export function diffOfSessions(base: ProfileSession, next: ProfileSession): ProfileSession {
  const { data, ...diff } = diffProfileData(base.data, next.data, { stacks: false });
  const trie = mergeDiffTries(base.trie, next.trie, diff.typePairs, diff.baseLocationCount);
  return new ProfileSession(data, trie, diff);
}

/** Bytes of a pprof file (gzipped or not) → a session, or a ProfileError. */
export function openProfile(bytes: ProfileBytes, opts: LoadOptions = {}): ProfileSession {
  const data = readSessionData(bytes, opts);
  opts.onProgress?.({ phase: 'building' });
  return sessionOf(data);
}

/** openProfile's first half: the profile's data, as a session needs it. */
export function readSessionData(bytes: ProfileBytes, opts: LoadOptions): ProfileData {
  return readProfileData(bytes, { ...opts, stacks: 'distinct' });
}

/** openProfile's second half: the session of data read by readSessionData. */
export function sessionOf(data: ProfileData): ProfileSession {
  return new ProfileSession(data, buildStackTrie(data));
}
