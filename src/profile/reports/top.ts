import type { AggregatedGraph } from '../model/aggregate';
import type { NodeInfo, NodeTable } from '../model/nodes';

export type InlineMark = '' | 'inline' | 'partial-inline';

export interface TopRow {
  node: number;
  name: string;
  flat: number;
  cum: number;
  /** pprof's "(inline)" / "(partial-inline)" suffix: how this node's callers reach it. */
  inline: InlineMark;
}

export type TopSort = 'flat' | 'cum';

/**
 * The rows of `pprof -top`: every node with a non-zero flat or cum, in pprof's order. The inline
 * marks come from the in-edges that survive pprof's edge trimming (`edgefraction`, 0.001 by
 * default, of the graph's flat sum), as in pprof's text report.
 */
export function topRows(
  graph: AggregatedGraph,
  nodes: NodeTable,
  sort: TopSort = 'flat',
  edgeFraction = 0.001,
  /** Also list nodes for which this is true, even with zero flat and cum. */
  include?: (node: number) => boolean,
): TopRow[] {
  let flatSum = 0;
  for (let n = 0; n < graph.flat.length; n++) flatSum += graph.flat[n]!;
  const edgeCut = Math.abs(Math.trunc(flatSum * edgeFraction));
  const inlineIn = new Uint8Array(nodes.infos.length); // bit 1: an inline in-edge, bit 2: a non-inline one
  for (let e = 0; e < graph.edgeCount; e++) {
    if (Math.abs(graph.edgeWeight[e]!) < edgeCut) continue;
    inlineIn[graph.edgeTo[e]!]! |= graph.edgeInline[e] ? 1 : 2;
  }
  const rows: TopRow[] = [];
  for (let n = 0; n < nodes.infos.length; n++) {
    const flat = graph.flat[n]!;
    const cum = graph.cum[n]!;
    if (flat === 0 && cum === 0 && !include?.(n)) continue;
    const mark = inlineIn[n]!;
    rows.push({
      node: n,
      name: nodes.names[n]!,
      flat,
      cum,
      inline: mark === 1 ? 'inline' : mark === 3 ? 'partial-inline' : '',
    });
  }
  const cmp = compareNodesFor(nodes, sort);
  rows.sort((a, b) => cmp(a, b));
  return rows;
}

/** pprof's Nodes.Sort for the flat and cum orders (graph.go), ties broken as pprof does. */
export function compareNodesFor(nodes: NodeTable, sort: TopSort) {
  const { infos, names } = nodes;
  return (a: { node: number; flat: number; cum: number }, b: { node: number; flat: number; cum: number }): number => {
    const [pa, pb, sa, sb] =
      sort === 'flat'
        ? [Math.abs(a.flat), Math.abs(b.flat), Math.abs(a.cum), Math.abs(b.cum)]
        : [Math.abs(a.cum), Math.abs(b.cum), Math.abs(a.flat), Math.abs(b.flat)];
    if (pa !== pb) return pb - pa;
    const byName = compareNodeInfo(infos[a.node]!, infos[b.node]!, names[a.node]!, names[b.node]!);
    if (byName !== 0) return byName;
    if (sa !== sb) return sb - sa;
    return compareStrings(sprintInfo(infos[a.node]!), sprintInfo(infos[b.node]!));
  };
}

function compareNodeInfo(a: NodeInfo, b: NodeInfo, nameA: string, nameB: string): number {
  if (a === b) return 0;
  if (a.address !== 0 && b.address !== 0 && a.address !== b.address) return a.address < b.address ? -1 : 1;
  return compareStrings(nameA, nameB);
}

/** fmt.Sprint of pprof's NodeInfo {Name OrigName Address File StartLine Lineno Columnno Objfile}. */
export function sprintInfo(i: NodeInfo): string {
  return `{${i.name}  ${i.address} ${i.file} ${i.startLine} ${i.lineno} 0 ${i.objfile}}`;
}

/** Byte-order comparison, as Go compares strings (UTF-16 order differs only above U+E000). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
