// pprof's trimmed call graph (report.go newTrimmedGraph), computed on the stack trie: the
// graph behind `-dot` (entropy order, nodelets counted against nodecount, redundant residual
// edges removed) and behind `-tree`/`-text` (flat or cum order).
import type { Profile } from 'pprof-format';
import { type AggregatedGraph, aggregateGraph } from './aggregate';
import { scaledLabel } from './format';
import type { NodeInfo, NodeTable } from './nodes';
import type { ProfileData } from './profile-data';
import type { StackTrie } from './stack-trie';
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
  options: Required<Omit<CallGraphOptions, 'total' | 'tags'>>;
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
}

/** pprof's maxNodelets. */
export const MAX_NODELETS = 4;

/**
 * pprof's newTrimmedGraph. The graph is rebuilt from the trie with a kept set after each cut, so
 * paths through dropped nodes become residual edges and flat of a dropped leaf is lost, exactly
 * as pprof does.
 */
export function buildCallGraph(
  trie: StackTrie,
  nodes: NodeTable,
  sampleIndex: number,
  opts: CallGraphOptions = {},
): CallGraph {
  const nodeCount = opts.nodeCount ?? 80;
  const nodeFraction = opts.nodeFraction ?? 0.005;
  const edgeFraction = opts.edgeFraction ?? 0.001;
  const order = opts.order ?? 'entropy';
  const visual = order === 'entropy';
  const N = nodes.infos.length;

  let g = aggregateGraph(trie, nodes, sampleIndex);
  const total = opts.total ?? g.total;
  let flatSum = 0;
  for (let n = 0; n < N; n++) flatSum += g.flat[n]!;
  const nodeCut = Math.abs(Math.trunc(flatSum * nodeFraction));
  const edgeCut = Math.abs(Math.trunc(flatSum * edgeFraction));

  let kept: Uint8Array | undefined;
  let droppedNodes = 0;
  if (nodeCut > 0) {
    const k = new Uint8Array(N);
    let present = 0;
    let nKept = 0;
    for (let n = 0; n < N; n++) {
      if (g.cum[n] === 0 && g.flat[n] === 0) continue;
      present++;
      if (Math.abs(g.cum[n]!) >= nodeCut) {
        k[n] = 1;
        nKept++;
      }
    }
    if (nKept < present) {
      droppedNodes = present - nKept;
      kept = k;
      g = aggregateGraph(trie, nodes, sampleIndex, { kept });
    }
  }

  let list = presentNodes(g, kept);
  const origCount = list.length;
  sortNodeList(list, g, nodes, order);

  let rebuilt = false;
  if (nodeCount > 0) {
    let limit = nodeCount;
    if (visual) {
      // pprof counts each node's nodelets (at most 4) against nodecount in the visual graph.
      const head = list.slice(0, nodeCount);
      const tagMap = opts.tags
        ? computeNodeTags(trie, nodes, sampleIndex, opts.tags, kept, head, nodeCut)
        : undefined;
      let count = 0;
      for (let i = 0; i < head.length; i++) {
        const t = tagMap?.get(head[i]!);
        const tags = Math.min(t ? countFlatTags(t) : 0, MAX_NODELETS);
        count += tags + 1;
        if (count >= nodeCount) {
          limit = i + 1;
          break;
        }
      }
    }
    if (limit < list.length) {
      const k = new Uint8Array(N);
      for (let i = 0; i < limit; i++) k[list[i]!] = 1;
      kept = k;
      g = aggregateGraph(trie, nodes, sampleIndex, { kept });
      list = presentNodes(g, kept);
      sortNodeList(list, g, nodes, order);
      rebuilt = true;
    }
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
    const tagMap = computeNodeTags(
      trie,
      nodes,
      sampleIndex,
      opts.tags,
      kept,
      graphNodes.map((n) => n.node),
      nodeCut,
    );
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
      const sa = Math.abs(scores[a.node]!);
      const sb = Math.abs(scores[b.node]!);
      if (sa !== sb) return sb - sa;
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

/**
 * pprof's entropyScore for every node (graph.go): int64(s·cum) + flat, where s sums the
 * entropy of the in-edge weights and of the out-edge weights plus flat (1 for no edges).
 */
export function entropyScores(g: AggregatedGraph): Float64Array {
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
  const scores = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const flat = g.flat[n]!;
    let s = 0;
    s += inCount[n] === 0 ? 1 : inH[n]!;
    if (outCount[n] === 0) s += 1;
    else {
      s += outH[n]!;
      if (flat > 0 && outTotal[n] !== 0) s += h(flat, outTotal[n]!);
    }
    scores[n] = Math.trunc(s * g.cum[n]!) + flat;
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
}

/**
 * Reads the labels pprof turns into nodelets from the decoded profile: string labels and the
 * numeric label `bytes` (pprof drops every other numeric label from graphs). `data` and `trie`
 * are what the graph is built from; when `data` comes from filters it carries `sampleOrigin`,
 * the index of each of its samples in `profile`. Returns undefined when no sample has such labels.
 */
export function buildSampleTags(
  profile: Profile,
  data: ProfileData & { sampleOrigin?: Int32Array },
  trie: StackTrie,
): SampleTags | undefined {
  const strings = profile.stringTable.strings;
  const str = (i: number | bigint) => strings[Number(i)] ?? '';
  const n = data.sampleCount;
  const origin = data.sampleOrigin;
  const labelSet = new Int32Array(n).fill(-1);
  const setIndex = new Map<string, number>();
  const labelSets: string[][] = [];
  const numStart = new Int32Array(n + 1);
  const nums: number[] = [];
  let numUnit = '';
  let any = false;
  // pprof's NumLabelUnits: the first non-empty unit declared for the key, over all samples.
  for (const s of profile.sample) {
    for (const l of s.label) {
      if (numUnit === '' && str(l.key) === 'bytes' && Number(l.str) === 0 && Number(l.numUnit) !== 0) {
        numUnit = str(l.numUnit);
      }
    }
  }
  if (numUnit === '') numUnit = 'bytes';
  for (let i = 0; i < n; i++) {
    numStart[i] = nums.length;
    const s = profile.sample[origin ? origin[i]! : i];
    if (!s || s.label.length === 0) continue;
    let parts: string[] | undefined;
    for (const l of s.label) {
      if (Number(l.str) !== 0) {
        (parts ??= []).push(`${str(l.key)}:${str(l.str)}`);
      } else if ((Number(l.num) !== 0 || Number(l.numUnit) !== 0) && str(l.key) === 'bytes') {
        nums.push(Number(l.num));
        any = true;
      }
    }
    if (parts) {
      any = true;
      parts.sort(compareStrings);
      const key = parts.join('\\n');
      let idx = setIndex.get(key);
      if (idx === undefined) {
        idx = labelSets.length;
        setIndex.set(key, idx);
        labelSets.push(parts);
      }
      labelSet[i] = idx;
    }
  }
  numStart[n] = nums.length;
  if (!any) return undefined;
  return {
    leaf: sampleLeaves(data, trie),
    labelSet,
    labelSets,
    numStart,
    numValues: Float64Array.from(nums),
    numUnit,
    values: data.values,
  };
}

/** The trie node where each sample's stack ends. */
export function sampleLeaves(data: ProfileData, trie: StackTrie): Int32Array {
  const nLoc = data.locationAddress.length + 1;
  const child = new Map<number, number>();
  for (let i = 1; i < trie.size; i++) child.set(trie.parent[i]! * nLoc + trie.location[i]!, i);
  const { stackStart, stackLocations } = data;
  const leaves = new Int32Array(data.sampleCount);
  for (let s = 0; s < data.sampleCount; s++) {
    let node = 0;
    for (let k = stackStart[s + 1]! - 1; k >= stackStart[s]!; k--) {
      node = child.get(node * nLoc + stackLocations[k]!) ?? 0;
    }
    leaves[s] = node;
  }
  return leaves;
}

export interface NodeTagMaps {
  labels: Map<string, Tag>;
  numeric: Map<string, Map<string, Tag>>;
}

/**
 * Tags of the given nodes in the graph built with `kept`, as pprof's addSample: cum tags once per
 * sample on every node of its stack, flat tags on the kept leaf; then trimmed to |flat| or
 * |cum| >= cut (TrimLowFrequencyTags).
 */
export function computeNodeTags(
  trie: StackTrie,
  nodes: NodeTable,
  sampleIndex: number,
  st: SampleTags,
  kept: Uint8Array | undefined,
  interest: number[],
  cut: number,
): Map<number, NodeTagMaps> {
  const N = nodes.infos.length;
  const isInterest = new Uint8Array(N);
  const result = new Map<number, NodeTagMaps>();
  for (const n of interest) {
    isInterest[n] = 1;
    result.set(n, { labels: new Map(), numeric: new Map() });
  }
  const { parent, location, childStart, childIndex } = trie;
  const { locStart, locNodes } = nodes;
  const size = trie.size;

  // Per trie node: where its flat goes (the innermost kept frame, -1 if dropped) and the chain
  // of interest nodes on its path, each once.
  const lastKept = new Int32Array(size);
  const resid = new Uint8Array(size);
  lastKept[0] = -1;
  for (let i = 1; i < size; i++) {
    let p = lastKept[parent[i]!]!;
    let r = resid[parent[i]!]!;
    const loc = location[i]!;
    for (let k = locStart[loc + 1]! - 1; k >= locStart[loc]!; k--) {
      const n = locNodes[k]!;
      if (kept && kept[n] === 0) {
        r = 1;
        continue;
      }
      p = n;
      r = 0;
    }
    lastKept[i] = p;
    resid[i] = r;
  }
  const chainHead = new Int32Array(size).fill(-1);
  const chainNode: number[] = [];
  const chainNext: number[] = [];
  const onPath = new Uint8Array(N);
  const undo: number[] = [];
  const undoStart = new Int32Array(size);
  const stack: number[] = [];
  for (let c = childStart[0]!; c < childStart[1]!; c++) stack.push(childIndex[c]!);
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry < 0) {
      const i = -entry - 1;
      while (undo.length > undoStart[i]!) onPath[undo.pop()!] = 0;
      continue;
    }
    const i = entry;
    undoStart[i] = undo.length;
    let head = chainHead[parent[i]!]!;
    const loc = location[i]!;
    for (let k = locStart[loc + 1]! - 1; k >= locStart[loc]!; k--) {
      const n = locNodes[k]!;
      if (isInterest[n] === 0 || onPath[n] === 1 || (kept && kept[n] === 0)) continue;
      onPath[n] = 1;
      undo.push(n);
      chainNode.push(n);
      chainNext.push(head);
      head = chainNode.length - 1;
    }
    chainHead[i] = head;
    stack.push(-i - 1);
    for (let c = childStart[i]!; c < childStart[i + 1]!; c++) stack.push(childIndex[c]!);
  }

  const values = st.values[sampleIndex]!;
  const formatted = new Map<number, string>();
  const fmt = (v: number) => {
    let s = formatted.get(v);
    if (s === undefined) {
      s = scaledLabel(v, st.numUnit, 'minimum');
      formatted.set(v, s);
    }
    return s;
  };
  const add = (n: number, sample: number, w: number, flat: boolean) => {
    const t = result.get(n)!;
    const ls = st.labelSet[sample]!;
    const labels = ls >= 0 ? st.labelSets[ls]!.join('\\n') : '';
    if (ls >= 0) {
      let tag = t.labels.get(labels);
      if (!tag) {
        tag = { name: labels, parts: st.labelSets[ls], unit: '', value: 0, flat: 0, cum: 0 };
        t.labels.set(labels, tag);
      }
      if (flat) tag.flat += w;
      else tag.cum += w;
    }
    let numeric = t.numeric.get(labels);
    if (!numeric) {
      numeric = new Map();
      t.numeric.set(labels, numeric);
    }
    for (let k = st.numStart[sample]!; k < st.numStart[sample + 1]!; k++) {
      const v = st.numValues[k]!;
      const name = fmt(v);
      let tag = numeric.get(name);
      if (!tag) {
        tag = { name, unit: st.numUnit, value: v, flat: 0, cum: 0 };
        numeric.set(name, tag);
      }
      if (flat) tag.flat += w;
      else tag.cum += w;
    }
  };
  for (let s = 0; s < st.leaf.length; s++) {
    const w = values[s]!;
    if (w === 0) continue;
    const leaf = st.leaf[s]!;
    for (let c = chainHead[leaf]!; c >= 0; c = chainNext[c]!) add(chainNode[c]!, s, w, false);
    if (resid[leaf] === 0) {
      const f = lastKept[leaf]!;
      if (f >= 0 && isInterest[f] === 1) add(f, s, w, true);
    }
  }

  const keep = (t: Tag) => Math.abs(t.flat) >= cut || Math.abs(t.cum) >= cut;
  for (const t of result.values()) {
    for (const [k, tag] of t.labels) if (!keep(tag)) t.labels.delete(k);
    for (const m of t.numeric.values()) for (const [k, tag] of m) if (!keep(tag)) m.delete(k);
  }
  return result;
}

/** pprof's countTags: tags with a non-zero flat value. */
function countFlatTags(t: NodeTagMaps): number {
  let count = 0;
  for (const tag of t.labels.values()) if (tag.flat !== 0) count++;
  for (const m of t.numeric.values()) for (const tag of m.values()) if (tag.flat !== 0) count++;
  return count;
}
