// The order of a call graph's nodes, which decides which nodes pprof keeps: its entropy order for
// the DOT graph (scoreOrder, computed in int64 as Go does), flat or cum for the text reports.
import type { AggregatedGraph } from '../model/aggregate';
import type { NodeTable } from '../model/nodes';
import { compareNodesFor, compareStrings, sprintInfo } from './top';

/** flat/cum: pprof's text orders; entropy: the order of the DOT call graph (visual mode). */
export type NodeOrder = 'flat' | 'cum' | 'entropy';

/** Sorts a graph's node list in pprof's order for the report. */
export function sortNodeList(list: number[], g: AggregatedGraph, nodes: NodeTable, order: NodeOrder): void {
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
