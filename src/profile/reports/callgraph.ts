// pprof's trimmed call graph (report.go newTrimmedGraph), computed on the stack trie: the
// graph behind `-dot` (entropy order, nodelets counted against nodecount, redundant residual
// edges removed) and behind `-tree`/`-text` (flat or cum order).
import { type AggregatedGraph, aggregateGraph } from '../model/aggregate';
import { type ProjectedTrie, projectTrie } from '../model/project-trie';
import { scaledLabel } from './format';
import type { NodeInfo, NodeTable } from '../model/nodes';
import type { ProfileData } from '../model/profile-data';
import { PathWalk, type StackTrie, childLists, subtreeTotals } from '../model/stack-trie';
import { compareNodesFor, compareStrings } from './top';

/** flat/cum: pprof's text orders; entropy: the order of the DOT call graph (visual mode). */
export type NodeOrder = 'flat' | 'cum' | 'entropy';

/** pprof's graph.Tag: a label set or a numeric label value on a node (a "nodelet" in the DOT). */
export interface Tag {
  /** The label set ("k:v" pairs joined by a literal `\n`) or the formatted numeric value. */
  name: string;
  /** For label sets: the sorted "k:v" pairs (so that a DOT writer can escape each one). */
  parts?: string[];
  unit: string;
  /** For numeric tags: the (first) raw value behind the formatted name. */
  value: number;
  flat: number;
  cum: number;
}

export interface GraphNode {
  /** Index of the node in the NodeTable. */
  node: number;
  info: NodeInfo;
  /** pprof's PrintableName. */
  name: string;
  flat: number;
  cum: number;
  in: GraphEdge[];
  out: GraphEdge[];
  /** Label-set tags (empty when no tags were given). */
  labelTags: Tag[];
  /** Numeric tags grouped by the label set of their samples ('' for samples without labels). */
  numericTags: Map<string, Tag[]>;
}

export interface GraphEdge {
  src: GraphNode;
  dest: GraphNode;
  weight: number;
  /** Every contribution was a call inlined into its caller. */
  inline: boolean;
  /** The edge stands for a path through dropped nodes (dotted). */
  residual: boolean;
}

export interface CallGraph {
  /** Kept nodes in the report's order (entropy for DOT, flat or cum for text). */
  nodes: GraphNode[];
  /** Kept edges in pprof's EdgeMap.Sort order (|weight| desc, then source and destination names). */
  edges: GraphEdge[];
  /** rpt.total: what percentages and the legend's cut-offs refer to. */
  total: number;
  /** Σ flat of the untrimmed graph: the base of the node and edge cut-offs. */
  graphFlatTotal: number;
  nodeCut: number;
  edgeCut: number;
  /** Nodes left after the nodefraction cut, before the nodecount cut ("out of M"). */
  origCount: number;
  droppedNodes: number;
  droppedEdges: number;
  options: Required<Omit<CallGraphOptions, 'total' | 'tags' | 'weights' | 'nodeCutGraphs'>>;
}

export interface CallGraphOptions {
  /** Keep at most this many nodes (0: no limit). Default 80, as pprof's graph and tree. */
  nodeCount?: number;
  /** Drop nodes whose |cum| is below this fraction of the graph's flat sum. Default 0.005. */
  nodeFraction?: number;
  /** Drop edges whose |weight| is below this fraction of the graph's flat sum. Default 0.001. */
  edgeFraction?: number;
  /** Node order: 'entropy' (default) builds the visual (DOT) graph, 'flat'/'cum' the text one. */
  order?: NodeOrder;
  /**
   * rpt.total for percentages and legends. Default: Σ|v| of the trie, which is right for an
   * unfiltered profile; pass the unfiltered total when the trie comes from filtered data (unless
   * percentages are meant to be relative).
   */
  total?: number;
  /** Sample labels, for nodelets: they count against nodeCount in the visual graph, as in pprof. */
  tags?: SampleTags;
  /** Flat and cum of every node of the untrimmed graph, when already known (see nodeWeights). */
  weights?: { flat: Float64Array; cum: Float64Array };
  /**
   * The graphs after the node cut already built for this trie, nodes and sample type, by node
   * cut (see nodeCutGraph); one built here is added. A walk of the whole trie that does not depend
   * on nodeCount or edgeFraction: 0.5 s of a 1.5 s graph at 1M stacks.
   */
  nodeCutGraphs?: Map<number, NodeCutGraph>;
}

/** pprof's default -nodefraction. */
export const DEFAULT_NODE_FRACTION = 0.005;

/** The graph after pprof's node cut, with the nodes it keeps (undefined: it dropped none). */
export interface NodeCutGraph {
  graph: AggregatedGraph;
  kept: Uint8Array | undefined;
  droppedNodes: number;
}

/** Σ flat of the untrimmed graph: what pprof's node and edge fractions are fractions of. */
export function flatSumOf(weights: { flat: Float64Array }): number {
  let flatSum = 0;
  for (let n = 0; n < weights.flat.length; n++) flatSum += weights.flat[n]!;
  return flatSum;
}

/** A cut of a fraction of the flat sum (truncated, absolute), as pprof computes its cuts. */
export function cutOf(flatSum: number, fraction: number): number {
  return Math.abs(Math.trunc(flatSum * fraction));
}

/**
 * The graph without the nodes whose |cum| (in the untrimmed graph's `weights`) is below
 * `nodeCut`: its edges across dropped frames are residual.
 */
export function nodeCutGraph(
  trie: StackTrie,
  nodes: NodeTable,
  sampleIndex: number,
  weights: { flat: Float64Array; cum: Float64Array },
  nodeCut: number,
): NodeCutGraph {
  const N = nodes.infos.length;
  let kept: Uint8Array | undefined;
  let droppedNodes = 0;
  if (nodeCut > 0) {
    const k = new Uint8Array(N);
    let present = 0;
    let nKept = 0;
    for (let n = 0; n < N; n++) {
      if (weights.cum[n] === 0 && weights.flat[n] === 0) continue;
      present++;
      if (Math.abs(weights.cum[n]!) >= nodeCut) {
        k[n] = 1;
        nKept++;
      }
    }
    if (nKept < present) {
      droppedNodes = present - nKept;
      kept = k;
    }
  }
  return { graph: aggregateGraph(trie, nodes, sampleIndex, { kept }), kept, droppedNodes };
}

/** pprof's maxNodelets. */
export const MAX_NODELETS = 4;

/**
 * pprof's newTrimmedGraph. The graph is rebuilt from the trie with a kept set after each cut, so
 * paths through dropped nodes become residual edges and flat of a dropped leaf is lost, exactly
 * as pprof does.
 */
export function buildCallGraph(
  fullTrie: StackTrie,
  allNodes: NodeTable,
  sampleIndex: number,
  opts: CallGraphOptions = {},
): CallGraph {
  const nodeCount = opts.nodeCount ?? 80;
  const nodeFraction = opts.nodeFraction ?? DEFAULT_NODE_FRACTION;
  const edgeFraction = opts.edgeFraction ?? 0.001;
  const order = opts.order ?? 'entropy';
  const visual = order === 'entropy';
  const N = allNodes.infos.length;

  // The untrimmed graph's flat and cum decide the node cut; its edges are not needed.
  const w0 = opts.weights ?? nodeWeights(fullTrie, allNodes, sampleIndex);
  const flatSum = flatSumOf(w0);
  const nodeCut = cutOf(flatSum, nodeFraction);
  const edgeCut = cutOf(flatSum, edgeFraction);

  // The graph after the node cut, for pprof's order of its nodes (entropy needs its edges).
  let cut = opts.nodeCutGraphs?.get(nodeCut);
  if (!cut) {
    cut = nodeCutGraph(fullTrie, allNodes, sampleIndex, w0, nodeCut);
    opts.nodeCutGraphs?.set(nodeCut, cut);
  }
  let kept = cut.kept;
  const droppedNodes = cut.droppedNodes;
  let g = cut.graph;
  const total = opts.total ?? g.total;
  let list = presentNodes(g, kept);
  const origCount = list.length;
  sortNodeList(list, g, allNodes, order);

  // From here on only the first nodeCount nodes matter. A graph built with a subset of them reads
  // paths only through that subset, so the trie projected onto them (often a thousandth of its
  // size) gives the same nodes, edges and tags: see projectTrie.
  let proj: ProjectedTrie | undefined;
  const projectOnto = (set: number[]): ProjectedTrie => {
    const k = new Uint8Array(N);
    for (const n of set) k[n] = 1;
    return projectTrie(fullTrie, allNodes, k, sampleIndex);
  };
  // The tag samples of a projection, sorted once for both tag passes.
  const sortedOf = new Map<ProjectedTrie, TagSamples>();
  const projectedTags = (p: ProjectedTrie): [SampleTags, TagSamples] => {
    let t = sortedOf.get(p);
    if (!t) {
      t = sortTagSamples(p.trie, opts.tags!, sampleIndex, nodeCut, p.map);
      sortedOf.set(p, t);
    }
    return [opts.tags!, t];
  };
  let nodes = allNodes;
  let rebuilt = false;
  if (nodeCount > 0) {
    let limit = nodeCount;
    if (visual && opts.tags) {
      // pprof counts each node's nodelets (at most 4) against nodecount in the visual graph. A
      // node's tags are the same in the graph of any kept set that contains it, so they are
      // computed for a prefix of the list, extended until the count is reached: the prefix's
      // projection is far smaller than the whole head's (a large profile's trie projected onto
      // 16 nodes is 20× smaller than onto 80).
      const head = list.slice(0, nodeCount);
      let count = 0;
      let done = 0;
      let m = Math.min(head.length, Math.ceil(nodeCount / (MAX_NODELETS + 1)));
      limit = -1;
      while (limit < 0 && done < head.length) {
        proj = projectOnto(head.slice(0, m));
        const [st, sorted] = projectedTags(proj);
        const part = head.slice(done, m);
        const tagMap = computeNodeTags(proj.trie, proj.nodes, sampleIndex, st, proj.kept, part, nodeCut, sorted);
        for (let i = done; i < m; i++) {
          const t = tagMap.get(head[i]!);
          count += Math.min(t ? countFlatTags(t) : 0, MAX_NODELETS) + 1;
          if (count >= nodeCount) {
            limit = i + 1;
            break;
          }
        }
        // Next: enough nodes for the rest of the count at the rate seen so far, and a margin.
        const perNode = Math.max(1, count / m);
        done = m;
        m = Math.min(head.length, m + Math.ceil((1.25 * (nodeCount - count)) / perNode) + 1);
      }
      if (limit < 0) limit = nodeCount;
    }
    if (limit < list.length) {
      const selected = list.slice(0, limit);
      proj ??= projectOnto(selected); // a projection onto a superset serves as well
      kept = new Uint8Array(proj.nodes.infos.length);
      for (const n of selected) kept[n] = 1;
      nodes = proj.nodes;
      g = aggregateGraph(proj.trie, nodes, sampleIndex, { kept });
      list = presentNodes(g, kept);
      sortNodeList(list, g, nodes, order);
      rebuilt = true;
    } // otherwise every node is in the head, and the graph stays the one of the node cut
  }

  const graphNodes = materialize(g, list, nodes);
  // Edge trimming. When nodecount applied without a rebuild, pprof trimmed this very graph's
  // edges before selecting nodes, so its final trim finds nothing more to report.
  const trimmedEarly = nodeCount > 0 && !rebuilt;
  let droppedEdges = 0;
  for (const n of graphNodes) {
    const keep: GraphEdge[] = [];
    for (const e of n.in) {
      if (Math.abs(e.weight) < edgeCut) {
        droppedEdges++;
        e.src.out.splice(e.src.out.indexOf(e), 1);
      } else keep.push(e);
    }
    n.in = keep;
  }
  if (trimmedEarly) droppedEdges = 0;

  if (opts.tags && graphNodes.length > 0) {
    // Without a rebuild the graph's nodes are all the nodes present after the node cut; a flat
    // tag that the cut's other (absent) nodes would take goes to none of them either way.
    const interest = graphNodes.map((n) => n.node);
    if (!proj || (!rebuilt && interest.some((n) => proj!.kept[n] === 0))) proj = projectOnto(interest);
    const finalKept = rebuilt ? kept! : proj.kept;
    const [st, sorted] = projectedTags(proj);
    const tagMap = computeNodeTags(proj.trie, proj.nodes, sampleIndex, st, finalKept, interest, nodeCut, sorted);
    for (const n of graphNodes) {
      const t = tagMap.get(n.node);
      if (!t) continue;
      n.labelTags = [...t.labels.values()];
      for (const [k, m] of t.numeric) if (m.size > 0) n.numericTags.set(k, [...m.values()]);
    }
  }

  if (visual) removeRedundantEdges(graphNodes);

  const edges: GraphEdge[] = [];
  for (const n of graphNodes) for (const e of n.out) edges.push(e);
  sortEdges(edges);
  for (const n of graphNodes) {
    sortEdges(n.in);
    sortEdges(n.out);
  }

  return {
    nodes: graphNodes,
    edges,
    total,
    graphFlatTotal: flatSum,
    nodeCut,
    edgeCut,
    origCount,
    droppedNodes,
    droppedEdges,
    options: { nodeCount, nodeFraction, edgeFraction, order },
  };
}

/**
 * Flat and cum of every node of the untrimmed graph (as aggregateGraph computes them), without
 * the edges: one depth-first walk of the trie that counts a node once per path.
 */
export function nodeWeights(trie: StackTrie, nodes: NodeTable, sampleIndex: number): { flat: Float64Array; cum: Float64Array } {
  const N = nodes.infos.length;
  const self = trie.self[sampleIndex]!;
  const total = subtreeTotals(trie, self);
  const flat = new Float64Array(N);
  const cum = new Float64Array(N);
  const { location, size } = trie;
  const { locStart, locNodes } = nodes;
  for (let i = 1; i < size; i++) {
    const s = self[i]!;
    if (s !== 0) flat[locNodes[locStart[location[i]!]!]!]! += s; // the innermost frame of the leaf
  }
  // One pass in preorder is a depth-first walk (see aggregateGraph).
  const onPath = new Uint8Array(N);
  const walk = new PathWalk(trie);
  const undoAt = walk.perDepth(Int32Array);
  let undo = new Int32Array(1024);
  let undoLen = 0;
  const { depth } = trie;
  for (let i = 1; i < size; i++) {
    const d = depth[i]!;
    while (undoLen > undoAt[d]!) onPath[undo[--undoLen]!] = 0;
    const w = total[i]!;
    const loc = location[i]!;
    for (let k = locStart[loc]!; k < locStart[loc + 1]!; k++) {
      const n = locNodes[k]!;
      if (onPath[n] === 1) continue;
      onPath[n] = 1;
      if (undoLen === undo.length) undo = grow(undo);
      undo[undoLen++] = n;
      cum[n]! += w;
    }
    undoAt[d + 1] = undoLen;
  }
  return { flat, cum };
}

/** Nodes of an aggregated graph that pprof keeps in it: kept, with non-zero flat or cum. */
function presentNodes(g: AggregatedGraph, kept: Uint8Array | undefined): number[] {
  const out: number[] = [];
  for (let n = 0; n < g.flat.length; n++) {
    if (kept && kept[n] === 0) continue;
    if (g.cum[n] === 0 && g.flat[n] === 0) continue;
    out.push(n);
  }
  return out;
}

function sortNodeList(list: number[], g: AggregatedGraph, nodes: NodeTable, order: NodeOrder): void {
  const items = list.map((node) => ({ node, flat: g.flat[node]!, cum: g.cum[node]! }));
  if (order === 'entropy') {
    // pprof's scoreOrder: |score| desc, PrintableName, |flat| desc, fmt.Sprint(NodeInfo).
    const scores = entropyScores(g);
    const { names, infos } = nodes;
    items.sort((a, b) => {
      const sa = abs64(scores[a.node]!);
      const sb = abs64(scores[b.node]!);
      if (sa !== sb) return sa > sb ? -1 : 1;
      const byName = compareStrings(names[a.node]!, names[b.node]!);
      if (byName !== 0) return byName;
      const fa = Math.abs(a.flat);
      const fb = Math.abs(b.flat);
      if (fa !== fb) return fb - fa;
      return compareStrings(sprintInfo(infos[a.node]!), sprintInfo(infos[b.node]!));
    });
  } else {
    items.sort(compareNodesFor(nodes, order));
  }
  for (let i = 0; i < items.length; i++) list[i] = items[i]!.node;
}

/** fmt.Sprint of pprof's NodeInfo {Name OrigName Address File StartLine Lineno Columnno Objfile}. */
function sprintInfo(i: NodeInfo): string {
  return `{${i.name}  ${i.address} ${i.file} ${i.startLine} ${i.lineno} 0 ${i.objfile}}`;
}

/** Go's int64(x) on amd64: NaN and out-of-range values become math.MinInt64. */
function goInt64(x: number): bigint {
  if (Number.isNaN(x) || x >= 2 ** 63 || x < -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(x));
}

/** Go's abs64, overflow included (abs64(MinInt64) stays negative). */
function abs64(x: bigint): bigint {
  return x < 0n ? BigInt.asIntN(64, -x) : x;
}

/**
 * pprof's entropyScore for every node (graph.go): int64(s·cum) + flat, where s sums the
 * entropy of the in-edge weights and of the out-edge weights plus flat (1 for no edges).
 * Computed in int64 as Go does: with negative values (diff profiles) s can be NaN, which Go
 * turns into MinInt64, and adding flat wraps around; pprof's order depends on it.
 */
export function entropyScores(g: AggregatedGraph): BigInt64Array {
  const N = g.flat.length;
  const inCount = new Int32Array(N);
  const outCount = new Int32Array(N);
  const inTotal = new Float64Array(N);
  const outTotal = Float64Array.from(g.flat); // the node's own flat joins its out-edges
  for (let e = 0; e < g.edgeCount; e++) {
    const w = g.edgeWeight[e]!;
    const from = g.edgeFrom[e]!;
    const to = g.edgeTo[e]!;
    inCount[to]!++;
    outCount[from]!++;
    if (w > 0) {
      inTotal[to]! += w;
      outTotal[from]! += w;
    }
  }
  const inH = new Float64Array(N);
  const outH = new Float64Array(N);
  const h = (w: number, t: number) => {
    const frac = Math.abs(w) / t;
    return -frac * Math.log2(frac);
  };
  for (let e = 0; e < g.edgeCount; e++) {
    const w = g.edgeWeight[e]!;
    const from = g.edgeFrom[e]!;
    const to = g.edgeTo[e]!;
    if (inTotal[to] !== 0) inH[to]! += h(w, inTotal[to]!);
    if (outTotal[from] !== 0) outH[from]! += h(w, outTotal[from]!);
  }
  const scores = new BigInt64Array(N);
  for (let n = 0; n < N; n++) {
    if (g.cum[n] === 0 && g.flat[n] === 0) continue;
    const flat = g.flat[n]!;
    let s = 0;
    s += inCount[n] === 0 ? 1 : inH[n]!;
    if (outCount[n] === 0) s += 1;
    else {
      s += outH[n]!;
      if (flat > 0 && outTotal[n] !== 0) s += h(flat, outTotal[n]!);
    }
    scores[n] = BigInt.asIntN(64, goInt64(s * g.cum[n]!) + BigInt(flat));
  }
  return scores;
}

function materialize(g: AggregatedGraph, list: number[], nodes: NodeTable): GraphNode[] {
  const byNode = new Map<number, GraphNode>();
  const out = list.map((n) => {
    const gn: GraphNode = {
      node: n,
      info: nodes.infos[n]!,
      name: nodes.names[n]!,
      flat: g.flat[n]!,
      cum: g.cum[n]!,
      in: [],
      out: [],
      labelTags: [],
      numericTags: new Map(),
    };
    byNode.set(n, gn);
    return gn;
  });
  for (let e = 0; e < g.edgeCount; e++) {
    const src = byNode.get(g.edgeFrom[e]!);
    const dest = byNode.get(g.edgeTo[e]!);
    if (!src || !dest) continue;
    const edge: GraphEdge = {
      src,
      dest,
      weight: g.edgeWeight[e]!,
      inline: g.edgeInline[e] === 1,
      residual: g.edgeResidual[e] === 1,
    };
    src.out.push(edge);
    dest.in.push(edge);
  }
  return out;
}

/** pprof's EdgeMap.Sort: |weight| desc, then source name, then destination name. */
export function sortEdges(edges: GraphEdge[]): GraphEdge[] {
  return edges.sort((a, b) => {
    const wa = Math.abs(a.weight);
    const wb = Math.abs(b.weight);
    if (wa !== wb) return wb - wa;
    const s = compareStrings(a.src.name, b.src.name);
    if (s !== 0) return s;
    return compareStrings(a.dest.name, b.dest.name);
  });
}

/**
 * pprof's RemoveRedundantEdges: from the lowest-ranked node up, drop residual in-edges (lightest
 * first, stopping at the first solid one) whose source still reaches the node another way.
 */
function removeRedundantEdges(graphNodes: GraphNode[]): void {
  for (let i = graphNodes.length - 1; i >= 0; i--) {
    const n = graphNodes[i]!;
    const ins = sortEdges([...n.in]);
    for (let j = ins.length - 1; j >= 0; j--) {
      const e = ins[j]!;
      if (!e.residual) break;
      if (isRedundantEdge(e)) {
        e.src.out.splice(e.src.out.indexOf(e), 1);
        e.dest.in.splice(e.dest.in.indexOf(e), 1);
      }
    }
  }
}

function isRedundantEdge(e: GraphEdge): boolean {
  const src = e.src;
  const seen = new Set<GraphNode>([e.dest]);
  const queue: GraphNode[] = [e.dest];
  for (let q = 0; q < queue.length; q++) {
    for (const ie of queue[q]!.in) {
      if (ie === e || seen.has(ie.src)) continue;
      if (ie.src === src) return true;
      seen.add(ie.src);
      queue.push(ie.src);
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Tags (sample labels on nodes): pprof's LabelTags and NumericTags, for nodelets.

/** What the graph needs of each sample's labels: its string label set and its `bytes` values. */
export interface SampleTags {
  /** Trie node where each sample's stack ends. */
  leaf: Int32Array;
  /** Per sample: index into labelSets, -1 without string labels. */
  labelSet: Int32Array;
  /** Sorted "key:value" strings of each distinct label set. */
  labelSets: string[][];
  /** The numeric `bytes` label values of sample i: numValues[numStart[i] .. numStart[i+1]). */
  numStart: Int32Array;
  numValues: Float64Array;
  /** Their unit (the first declared one, else "bytes"), as pprof's NumLabelUnits. */
  numUnit: string;
  /** Sample values per sample type (ProfileData.values of the same samples). */
  values: Float64Array[];
  /**
   * When the entries are the profile's samples reordered (see sortedByLeaf): the sample index of
   * each, for pprof's "first value seen" of numeric tags.
   */
  origin?: Int32Array;
  /** Filled by sortTagSamples: Σ |value| of each label set's samples, per sample type. */
  labelSetTotals?: (Float64Array | undefined)[];
}

/**
 * The same samples ordered by the trie node where they end (which is preorder), so that the tag
 * passes read the node maps of the trie, and of its projections, nearly in order. Only the values
 * of `sampleTypes` (default: all) are reordered; when the samples given are the profile's own (no
 * `origin`), another type's can be added later as gatherSamples(values, result.origin).
 */
export function sortedByLeaf(st: SampleTags, trieSize: number, sampleTypes?: number[]): SampleTags {
  const n = st.leaf.length;
  const start = new Int32Array(trieSize + 1);
  for (let s = 0; s < n; s++) start[st.leaf[s]! + 1]!++;
  for (let t = 0; t < trieSize; t++) start[t + 1]! += start[t]!;
  const origin = new Int32Array(n);
  for (let s = 0; s < n; s++) origin[start[st.leaf[s]!]!++] = s;
  // start[t] is now where leaf t's run ends: the sorted leaves are written in order, not gathered.
  const leaf = new Int32Array(n);
  for (let t = 0, j = 0; t < trieSize; t++) for (const end = start[t]!; j < end; j++) leaf[j] = t;
  const numStart = new Int32Array(n + 1);
  const numValues = new Float64Array(st.numValues.length);
  if (numValues.length > 0) {
    for (let j = 0; j < n; j++) {
      const s = origin[j]!;
      let k = numStart[j]!;
      for (let q = st.numStart[s]!; q < st.numStart[s + 1]!; q++) numValues[k++] = st.numValues[q]!;
      numStart[j + 1] = k;
    }
  }
  const values: Float64Array[] = [];
  for (const t of sampleTypes ?? st.values.keys()) values[t] = gatherSamples(st.values[t]!, origin);
  return {
    ...st,
    leaf,
    labelSet: gatherSamples(st.labelSet, origin),
    numStart,
    numValues,
    values,
    origin: st.origin ? gatherSamples(st.origin, origin) : origin,
  };
}

/** a[order[j]] for every j: an array of the samples in another order (see sortedByLeaf). */
export function gatherSamples<T extends Int32Array | Float64Array>(a: T, order: Int32Array): T {
  const out = new (a.constructor as new (n: number) => T)(order.length);
  for (let j = 0; j < order.length; j++) out[j] = a[order[j]!]!;
  return out;
}

/**
 * What the graph needs of the samples' labels, from the profile's own label tags (the string
 * label sets and numeric `bytes` values the decoder kept: pprof drops every other numeric label
 * from graphs). `data` and `trie` are what the graph is built from; when `data` comes from
 * filters it carries `sampleOrigin`, the index of each of its samples in the unfiltered profile,
 * whose label tags it keeps. Undefined when no sample has such labels.
 */
export function sampleTagsOf(data: ProfileData & { sampleOrigin?: Int32Array }, trie: StackTrie): SampleTags | undefined {
  const t = data.labelTags;
  if (!t) return undefined;
  const origin = data.sampleOrigin;
  const n = data.sampleCount;
  let { labelSet, numStart, numValues } = t;
  if (origin) {
    labelSet = new Int32Array(n);
    numStart = new Int32Array(n + 1);
    const nums: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = origin[i]!;
      labelSet[i] = t.labelSet[o]!;
      numStart[i] = nums.length;
      for (let k = t.numStart[o]!; k < t.numStart[o + 1]!; k++) nums.push(t.numValues[k]!);
    }
    numStart[n] = nums.length;
    numValues = Float64Array.from(nums);
  }
  return {
    leaf: sampleLeaves(data, trie),
    labelSet,
    labelSets: t.labelSets,
    numStart,
    numValues,
    numUnit: t.numUnit,
    values: data.values,
  };
}

/**
 * The trie node where each sample's stack ends. Uses the trie's own per-sample leaves when it
 * has them (`sampleLeaf`, see the report); otherwise finds them by binary search in each trie
 * node's children sorted by location.
 */
export function sampleLeaves(data: ProfileData, trie: StackTrie): Int32Array {
  const own = (trie as StackTrie & { sampleLeaf?: Int32Array }).sampleLeaf;
  if (own && own.length === data.sampleCount) return own;
  const { location, size } = trie;
  const { childStart, childIndex } = childLists(trie.parent, size);
  // Children of each node sorted by location: a key loc·2^25 + child (exact in a double).
  const SHIFT = 2 ** 25;
  const sorted = new Float64Array(Math.max(0, size - 1));
  for (let i = 0; i < size - 1; i++) sorted[i] = location[childIndex[i]!]! * SHIFT + childIndex[i]!;
  for (let i = 0; i < size; i++) {
    const a = childStart[i]!;
    const b = childStart[i + 1]!;
    if (b - a > 1) sorted.subarray(a, b).sort();
  }
  const { stackStart, stackLocations } = data;
  const leaves = new Int32Array(data.sampleCount);
  for (let s = 0; s < data.sampleCount; s++) {
    let node = 0;
    for (let k = stackStart[s + 1]! - 1; k >= stackStart[s]! && node >= 0; k--) {
      const loc = stackLocations[k]!;
      let lo = childStart[node]!;
      let hi = childStart[node + 1]! - 1;
      node = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const l = Math.floor(sorted[mid]! / SHIFT);
        if (l < loc) lo = mid + 1;
        else if (l > loc) hi = mid - 1;
        else {
          node = sorted[mid]! - l * SHIFT;
          break;
        }
      }
    }
    leaves[s] = node < 0 ? 0 : node;
  }
  return leaves;
}

export interface NodeTagMaps {
  labels: Map<string, Tag>;
  numeric: Map<string, Map<string, Tag>>;
}

/**
 * Accumulates flat and cum per integer key, densely when the key space is small. A key's value
 * is the one of the earliest sample (by index) that reached it, as pprof keeps the first it sees.
 */
class Accumulator {
  private dense?: { flat: Float64Array; cum: Float64Array; firstSample: Float64Array; value: Float64Array };
  private sparse?: Map<number, { flat: number; cum: number; firstSample: number; value: number }>;
  constructor(space: number) {
    if (space <= 1 << 22) {
      this.dense = {
        flat: new Float64Array(space),
        cum: new Float64Array(space),
        firstSample: new Float64Array(space).fill(Infinity),
        value: new Float64Array(space),
      };
    } else this.sparse = new Map();
  }
  add(key: number, w: number, flat: boolean, sample: number, value: number): void {
    if (this.dense) {
      const d = this.dense;
      if (flat) d.flat[key]! += w;
      else d.cum[key]! += w;
      if (sample < d.firstSample[key]!) {
        d.firstSample[key] = sample;
        d.value[key] = value;
      }
      return;
    }
    let e = this.sparse!.get(key);
    if (!e) {
      e = { flat: 0, cum: 0, firstSample: sample, value };
      this.sparse!.set(key, e);
    }
    if (flat) e.flat += w;
    else e.cum += w;
    if (sample < e.firstSample) {
      e.firstSample = sample;
      e.value = value;
    }
  }
  *entries(): Generator<[number, number, number, number]> {
    if (this.dense) {
      const { flat, cum, firstSample, value } = this.dense;
      for (let k = 0; k < firstSample.length; k++) if (firstSample[k] !== Infinity) yield [k, flat[k]!, cum[k]!, value[k]!];
    } else {
      for (const [k, e] of this.sparse!) yield [k, e.flat, e.cum, e.value];
    }
  }
}

/** The samples that can make a tag, sorted by the trie node where they end (see computeNodeTags). */
export interface TagSamples {
  /** Formatted names of the numeric label values, and each value's name. */
  names: string[];
  numName: Int32Array;
  numUseful: Uint8Array;
  /** Sorted samples ending at trie node t: run[t] .. run[t+1). */
  run: Int32Array;
  order: Int32Array;
  /** Each sorted sample's label set (-1 when it cannot make a tag), and value. */
  sortedSet: Int32Array;
  sortedValue: Float64Array;
  /** The subtree of trie node t is nodes t .. t + subtree[t) (the trie is in preorder). */
  subtree: Int32Array;
}

export function sortTagSamples(
  trie: StackTrie,
  st: SampleTags,
  sampleIndex: number,
  cut: number,
  /** Maps st.leaf to the nodes of `trie` when it is a projection (see projectTrie). */
  leafMap?: Int32Array,
): TagSamples {
  // Numeric values → formatted names (pprof keys numeric tags by their formatted value).
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const valueName = new Map<number, number>();
  const numName = new Int32Array(st.numValues.length);
  for (let k = 0; k < st.numValues.length; k++) {
    const v = st.numValues[k]!;
    let ni = valueName.get(v);
    if (ni === undefined) {
      const name = scaledLabel(v, st.numUnit, 'minimum');
      ni = nameIndex.get(name);
      if (ni === undefined) {
        ni = names.length;
        nameIndex.set(name, ni);
        names.push(name);
      }
      valueName.set(v, ni);
    }
    numName[k] = ni;
  }

  const L = st.labelSets.length;
  const V = names.length;
  const values = st.values[sampleIndex]!;
  const { labelSet, numStart, leaf } = st;
  const n = leaf.length;
  const hasNumeric = st.numValues.length > 0;
  // A tag's flat and cum are bounded by the total of the samples that carry it, so label sets
  // and numeric values whose samples add up to less than the cut can only make tags that pprof
  // trims: skip them (and samples left with nothing).
  const lsUseful = new Uint8Array(L).fill(1);
  const numUseful = new Uint8Array(V).fill(1);
  if (cut > 0) {
    // Σ |value| per label set does not depend on the graph: kept with the samples.
    const cache = (st.labelSetTotals ??= []);
    let lsTotal = cache[sampleIndex];
    const numTotal = new Float64Array(V);
    if (!lsTotal || hasNumeric) {
      lsTotal = new Float64Array(L);
      for (let s = 0; s < n; s++) {
        const w = Math.abs(values[s]!);
        if (labelSet[s]! >= 0) lsTotal[labelSet[s]!]! += w;
        if (hasNumeric) for (let q = numStart[s]!; q < numStart[s + 1]!; q++) numTotal[numName[q]!]! += w;
      }
      cache[sampleIndex] = lsTotal;
    }
    for (let i = 0; i < L; i++) lsUseful[i] = lsTotal[i]! >= cut ? 1 : 0;
    for (let i = 0; i < V; i++) numUseful[i] = numTotal[i]! >= cut ? 1 : 0;
  }
  // Counting sort by leaf; sampleLeaf[s] = -1 for samples that cannot make a tag.
  const { size, parent } = trie;
  const run = new Int32Array(size + 1);
  const sampleLeaf = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    sampleLeaf[s] = -1;
    if (values[s] === 0) continue;
    const ls = labelSet[s]!;
    let u = ls >= 0 && lsUseful[ls] === 1;
    if (!u && hasNumeric) for (let q = numStart[s]!; q < numStart[s + 1]! && !u; q++) u = numUseful[numName[q]!] === 1;
    if (!u) continue;
    const t = leafMap ? leafMap[leaf[s]!]! : leaf[s]!;
    sampleLeaf[s] = t;
    run[t + 1]!++;
  }
  for (let t = 0; t < size; t++) run[t + 1]! += run[t]!;
  const count = run[size]!;
  const order = new Int32Array(hasNumeric ? count : 0);
  const sortedSet = new Int32Array(count);
  const sortedValue = new Float64Array(count);
  const fill = run.slice(0, size);
  for (let s = 0; s < n; s++) {
    const t = sampleLeaf[s]!;
    if (t < 0) continue;
    const j = fill[t]!++;
    if (hasNumeric) order[j] = s;
    const ls = labelSet[s]!;
    sortedSet[j] = ls >= 0 && lsUseful[ls] === 1 ? ls : -1;
    sortedValue[j] = values[s]!;
  }
  const subtree = new Int32Array(size).fill(1);
  for (let t = size - 1; t > 0; t--) subtree[parent[t]!]! += subtree[t]!;
  return { names, numName, numUseful, run, order, sortedSet, sortedValue, subtree };
}

/**
 * Tags of the given nodes in the graph built with `kept`, as pprof's addSample: cum tags once per
 * sample on every node of its stack, flat tags on the kept leaf; then trimmed to |flat| or
 * |cum| >= cut (TrimLowFrequencyTags).
 *
 * The samples are sorted by the (preorder) trie node where they end, so the samples under any
 * node are one contiguous run: a node's cum tags add up the run under each of its topmost
 * occurrences, in a tight loop over sorted arrays instead of a walk up every sample's stack.
 */
export function computeNodeTags(
  trie: StackTrie,
  nodes: NodeTable,
  sampleIndex: number,
  st: SampleTags,
  kept: Uint8Array | undefined,
  interest: number[],
  cut: number,
  sorted: TagSamples = sortTagSamples(trie, st, sampleIndex, cut),
): Map<number, NodeTagMaps> {
  const N = nodes.infos.length;
  const slot = new Int32Array(N).fill(-1);
  interest.forEach((n, k) => (slot[n] = k));
  const K = interest.length;
  const { location, depth, size } = trie;
  const { locStart, locNodes } = nodes;
  const { names, numName, numUseful, run, order, sortedSet, sortedValue, subtree } = sorted;
  const L = st.labelSets.length;
  const V = names.length;
  const { labelSet, numStart, numValues, origin } = st;
  const hasNumeric = numValues.length > 0;

  const labelAcc = new Accumulator(K * L);
  const numAcc = new Accumulator(K * (L + 1) * V);
  const addRun = (k: number, from: number, to: number, flat: boolean) => {
    const base = k * L;
    for (let j = from; j < to; j++) {
      const ls = sortedSet[j]!;
      if (ls >= 0) labelAcc.add(base + ls, sortedValue[j]!, flat, 0, 0);
    }
    if (!hasNumeric) return;
    for (let j = from; j < to; j++) {
      const s = order[j]!;
      const group = k * (L + 1) + labelSet[s]! + 1;
      for (let q = numStart[s]!; q < numStart[s + 1]!; q++) {
        if (numUseful[numName[q]!]) numAcc.add(group * V + numName[q]!, sortedValue[j]!, flat, origin ? origin[s]! : s, numValues[q]!);
      }
    }
  };

  // One walk in preorder: each interest node's topmost occurrences take the cum of their subtree;
  // the innermost kept frame of each node takes the flat of the samples ending there, unless
  // dropped frames follow it.
  const walk = new PathWalk(trie);
  const lastAt = walk.perDepth(Int32Array);
  const residualAt = walk.perDepth(Uint8Array);
  const undoAt = walk.perDepth(Int32Array);
  lastAt[0] = -1;
  const onPath = new Uint8Array(K);
  const undo = new Int32Array(Math.max(K, 1));
  let undoLen = 0;
  for (let i = 1; i < size; i++) {
    const d = depth[i]!;
    while (undoLen > undoAt[d]!) onPath[undo[--undoLen]!] = 0;
    let p = lastAt[d - 1]!;
    let r = residualAt[d - 1]!;
    const loc = location[i]!;
    for (let f = locStart[loc + 1]! - 1; f >= locStart[loc]!; f--) {
      const n = locNodes[f]!;
      const k = slot[n]!;
      if (k >= 0 && onPath[k] === 0) {
        onPath[k] = 1;
        undo[undoLen++] = k;
        addRun(k, run[i]!, run[i + subtree[i]!]!, false);
      }
      if (kept && kept[n] === 0) {
        r = 1;
        continue;
      }
      p = n;
      r = 0;
    }
    lastAt[d] = p;
    residualAt[d] = r;
    undoAt[d + 1] = undoLen;
    const flatTo = r === 0 && p >= 0 ? slot[p]! : -1;
    if (flatTo >= 0 && run[i + 1]! > run[i]!) addRun(flatTo, run[i]!, run[i + 1]!, true);
  }

  const result = new Map<number, NodeTagMaps>();
  for (const n of interest) result.set(n, { labels: new Map(), numeric: new Map() });
  const keep = (flat: number, cum: number) => Math.abs(flat) >= cut || Math.abs(cum) >= cut;
  const setName = st.labelSets.map((p) => p.join('\\n'));
  for (const [key, flat, cum] of labelAcc.entries()) {
    if (!keep(flat, cum)) continue;
    const k = Math.floor(key / L);
    const ls = key - k * L;
    const name = setName[ls]!;
    result.get(interest[k]!)!.labels.set(name, { name, parts: st.labelSets[ls], unit: '', value: 0, flat, cum });
  }
  for (const [key, flat, cum, first] of numAcc.entries()) {
    if (!keep(flat, cum)) continue;
    const ni = key % V;
    const rest = (key - ni) / V;
    const k = Math.floor(rest / (L + 1));
    const ls = rest - k * (L + 1) - 1;
    const group = ls >= 0 ? setName[ls]! : '';
    const t = result.get(interest[k]!)!;
    let m = t.numeric.get(group);
    if (!m) {
      m = new Map();
      t.numeric.set(group, m);
    }
    m.set(names[ni]!, { name: names[ni]!, unit: st.numUnit, value: first, flat, cum });
  }
  return result;
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** pprof's countTags: tags with a non-zero flat value. */
function countFlatTags(t: NodeTagMaps): number {
  let count = 0;
  for (const tag of t.labels.values()) if (tag.flat !== 0) count++;
  for (const m of t.numeric.values()) for (const tag of m.values()) if (tag.flat !== 0) count++;
  return count;
}
