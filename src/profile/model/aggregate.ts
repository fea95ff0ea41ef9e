import type { NodeTable } from './nodes';
import { PairMap } from '../../common/pair-map';
import { PathWalk, type StackTrie, subtreeTotals } from './stack-trie';

/** Flat/cum per node and weighted edges between nodes: pprof's graph.New, computed on the trie. */
export interface AggregatedGraph {
  flat: Float64Array;
  cum: Float64Array;
  edgeCount: number;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeWeight: Float64Array;
  /** 1 when every contribution to the edge was a call inlined into its caller. */
  edgeInline: Uint8Array;
  /** 1 when the edge skips frames that were dropped (a dotted edge in pprof's graph). */
  edgeResidual: Uint8Array;
  /** Σ |value| of the sample type over the whole profile: pprof's report total. */
  total: number;
}

export interface AggregateOptions {
  /** Nodes to keep (1) or drop (0); dropped frames make the edge across them residual. */
  kept?: Uint8Array;
  /** Self values per trie node to use instead of the sample type's (one side of a diff). */
  self?: Float64Array;
}

/**
 * Walks every distinct stack prefix once (depth first), keeping which nodes and edges are on the
 * current path so that a node's cum and an edge's weight count each sample once, even under
 * recursion; flat goes to the innermost kept frame, and is lost if that frame was dropped.
 */
export function aggregateGraph(
  trie: StackTrie,
  nodes: NodeTable,
  sampleIndex: number,
  opts: AggregateOptions = {},
): AggregatedGraph {
  const nNodes = nodes.infos.length;
  const { kept } = opts;
  const self = opts.self ?? trie.self[sampleIndex]!;
  const total = subtreeTotals(trie, self);
  const absSelf = opts.self ? opts.self.map(Math.abs) : trie.selfAbs[sampleIndex];
  const abs = absSelf ? subtreeTotals(trie, absSelf) : total;
  const { locStart, locNodes } = nodes;
  const { location } = trie;

  const flat = new Float64Array(nNodes);
  const cum = new Float64Array(nNodes);
  const onPath = new Uint8Array(nNodes);

  // (caller, callee) → edge + 1, in a typed hash table: node pairs make keys too large for
  // small integers, and a Map of heap numbers costs more than the rest of the walk.
  const edgeByKey = new PairMap(Math.min(nNodes * 4, 1 << 20));
  let edgeCap = 1024;
  let edgeFrom = new Int32Array(edgeCap);
  let edgeTo = new Int32Array(edgeCap);
  let edgeWeight = new Float64Array(edgeCap);
  let edgeInline = new Uint8Array(edgeCap);
  let edgeResidual = new Uint8Array(edgeCap);
  let edgeOnPath = new Uint8Array(edgeCap);
  let edgeCount = 0;
  const growEdges = () => {
    edgeCap *= 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(edgeCap);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(edgeCap);
      b.set(a);
      return b;
    };
    edgeFrom = g32(edgeFrom);
    edgeTo = g32(edgeTo);
    const w = new Float64Array(edgeCap);
    w.set(edgeWeight);
    edgeWeight = w;
    edgeInline = g8(edgeInline);
    edgeResidual = g8(edgeResidual);
    edgeOnPath = g8(edgeOnPath);
  };

  // The trie is in preorder, so one pass in index order is a depth-first walk: entering a node at
  // depth d leaves every open node at depth >= d. Per depth: the innermost kept node of the open
  // path, whether dropped frames follow it, and where its entry in the undo log starts.
  const walk = new PathWalk(trie);
  const lastAt = walk.perDepth(Int32Array);
  const residualAt = walk.perDepth(Uint8Array);
  lastAt[0] = -1;
  // Undo log of what each open trie node put on the path: node ids, or -(edge+1).
  let undo = new Int32Array(1024);
  let undoLen = 0;
  const undoAt = walk.perDepth(Int32Array);
  const pushUndo = (v: number) => {
    if (undoLen === undo.length) {
      const u = new Int32Array(undo.length * 2);
      u.set(undo);
      undo = u;
    }
    undo[undoLen++] = v;
  };

  const { depth, size } = trie;
  let skipBelow = walk.noSkip;
  for (let i = 1; i < size; i++) {
    const d = depth[i]!;
    if (d > skipBelow) continue;
    skipBelow = walk.noSkip;
    const u0 = undoAt[d]!;
    while (undoLen > u0) {
      const v = undo[--undoLen]!;
      if (v >= 0) onPath[v] = 0;
      else edgeOnPath[-v - 1] = 0;
    }
    if (abs[i] === 0) {
      skipBelow = d; // only zero-valued samples below: pprof skips them
      continue;
    }
    const w = total[i]!;
    let p = lastAt[d - 1]!;
    let residual = residualAt[d - 1]!;
    const loc = location[i]!;
    const first = locStart[loc]!;
    const last = locStart[loc + 1]! - 1;
    for (let k = last; k >= first; k--) {
      const n = locNodes[k]!;
      if (kept !== undefined && kept[n] === 0) {
        residual = 1;
        continue;
      }
      if (onPath[n] === 0) {
        onPath[n] = 1;
        pushUndo(n);
        cum[n]! += w;
      }
      if (p >= 0 && n !== p) {
        const found = edgeByKey.find(p, n);
        let e = found - 1;
        const inl = k !== last ? 1 : 0;
        if (found < 0) {
          if (edgeCount === edgeCap) growEdges();
          e = edgeCount++;
          edgeByKey.insert(-found - 1, p, n, e + 1);
          edgeFrom[e] = p;
          edgeTo[e] = n;
          edgeInline[e] = inl;
        } else if (edgeOnPath[e] === 0) {
          edgeInline[e] = edgeInline[e]! & inl;
        }
        if (edgeOnPath[e] === 0) {
          edgeOnPath[e] = 1;
          pushUndo(-e - 1);
          edgeWeight[e]! += w;
          if (residual) edgeResidual[e] = 1;
        }
      }
      p = n;
      residual = 0;
    }
    lastAt[d] = p;
    residualAt[d] = residual;
    undoAt[d + 1] = undoLen;
    const s = self[i]!;
    if (s !== 0 && p >= 0 && residual === 0) flat[p]! += s;
  }

  return {
    flat,
    cum,
    edgeCount,
    edgeFrom: edgeFrom.slice(0, edgeCount),
    edgeTo: edgeTo.slice(0, edgeCount),
    edgeWeight: edgeWeight.slice(0, edgeCount),
    edgeInline: edgeInline.slice(0, edgeCount),
    edgeResidual: edgeResidual.slice(0, edgeCount),
    total: abs[0]!,
  };
}
