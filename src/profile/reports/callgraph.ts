// pprof's trimmed call graph (report.go newTrimmedGraph), computed on the stack trie: the
// graph behind `-dot` (entropy order, nodelets counted against nodecount, redundant residual
// edges removed) and behind `-tree`/`-text` (flat or cum order).
import { type AggregatedGraph, aggregateGraph } from '../model/aggregate';
import type { NodeInfo, NodeTable } from '../model/nodes';
import { type ProjectedTrie, projectTrie } from '../model/project-trie';
import { PathWalk, type StackTrie, subtreeTotals } from '../model/stack-trie';
import {
  MAX_NODELETS,
  type SampleTags,
  type Tag,
  type TagSamples,
  computeNodeTags,
  countFlatTags,
  sortTagSamples,
} from './callgraph-tags';
import { type NodeOrder, sortNodeList } from './graph-order';
import { compareStrings } from './top';

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

/** pprof's defaults for the graph: -nodecount, -nodefraction and -edgefraction. */
export const DEFAULT_GRAPH_OPTIONS = { nodeCount: 80, nodeFraction: DEFAULT_NODE_FRACTION, edgeFraction: 0.001 } as const;

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
  const nodeCount = opts.nodeCount ?? DEFAULT_GRAPH_OPTIONS.nodeCount;
  const nodeFraction = opts.nodeFraction ?? DEFAULT_GRAPH_OPTIONS.nodeFraction;
  const edgeFraction = opts.edgeFraction ?? DEFAULT_GRAPH_OPTIONS.edgeFraction;
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

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
