import { GrowableFloat64, GrowableInt32 } from './growable';
import type { NodeTable } from './nodes';
import { PairMap } from '../../common/pair-map';
import { PathWalk, type StackTrie, renumberInPreorder } from './stack-trie';

/** The stack trie as seen through a kept set of graph nodes: see projectTrie. */
export interface ProjectedTrie {
  /** Its self values are at the sample index given to projectTrie (other indices are absent). */
  trie: StackTrie;
  /** `nodes` with the projected locations, plus one more node that stands for dropped frames. */
  nodes: NodeTable;
  /** The kept set for `nodes` (the dropped-frames node is never kept). */
  kept: Uint8Array;
  /** The projected node of each node of the original trie. */
  map: Int32Array;
}

/**
 * Rewrites every trie location as the sequence of its kept nodes, with one marker node for each
 * run of dropped frames, and merges the prefixes that become equal. Whatever a graph built with
 * `kept` (or a subset of it) reads of a path — which kept nodes it passes, in which order, whether
 * an inline edge or dropped frames lie between them, where flat ends — is unchanged, so pprof's
 * graph, its residual edges and its tags come out the same from the much smaller trie (the 1M
 * benchmark file's 12.5M stack prefixes become 136k when 16 nodes are kept).
 */
export function projectTrie(trie: StackTrie, nodes: NodeTable, kept: Uint8Array, sampleIndex: number): ProjectedTrie {
  const N = nodes.infos.length;
  const DROPPED = N;
  const { locStart, locNodes } = nodes;
  const nLocs = locStart.length - 1;

  // Projected locations: one per distinct kept-node sequence (leaf first, dropped runs → DROPPED).
  const pLocStart = new GrowableInt32(1024);
  const pLocNodes = new GrowableInt32(1024);
  pLocStart.push(0);
  const byKey = new Map<string, number>();
  const singleKept = new Int32Array(N).fill(-1); // the common case, a location of one kept node
  const addLoc = (seq: number[]): number => {
    for (const n of seq) pLocNodes.push(n);
    pLocStart.push(pLocNodes.length);
    return pLocStart.length - 2;
  };
  const droppedLoc = addLoc([DROPPED]);
  const locOf = new Int32Array(nLocs);
  for (let l = 0; l < nLocs; l++) {
    const a = locStart[l]!;
    const b = locStart[l + 1]!;
    if (b - a === 1) {
      const n = locNodes[a]!;
      if (kept[n] === 0) locOf[l] = droppedLoc;
      else {
        if (singleKept[n]! < 0) singleKept[n] = addLoc([n]);
        locOf[l] = singleKept[n]!;
      }
      continue;
    }
    const seq: number[] = [];
    for (let k = a; k < b; k++) {
      const n = kept[locNodes[k]!] === 1 ? locNodes[k]! : DROPPED;
      if (n !== DROPPED || seq[seq.length - 1] !== DROPPED) seq.push(n);
    }
    if (seq.length === 1 && seq[0] === DROPPED) {
      locOf[l] = droppedLoc;
      continue;
    }
    const key = seq.join(',');
    let id = byKey.get(key);
    if (id === undefined) {
      id = addLoc(seq);
      byKey.set(key, id);
    }
    locOf[l] = id;
  }
  const locStartP = pLocStart.trimmed();
  const locNodesP = pLocNodes.trimmed();

  // Projected nodes, parents first. A location of dropped frames under a path that already ends
  // in dropped frames changes nothing a graph reads, so it joins its parent.
  const self = trie.self[sampleIndex]!;
  const selfAbs = trie.selfAbs[sampleIndex] ?? self;
  const hasNegative = trie.selfAbs[sampleIndex] !== undefined;
  const size = trie.size;
  const map = new Int32Array(size);
  const parent = new GrowableInt32(1024);
  const location = new GrowableInt32(1024);
  const depth = new GrowableInt32(1024);
  const endsDropped = new GrowableInt32(1024);
  const pSelf = new GrowableFloat64(1024);
  const pAbs = new GrowableFloat64(1024);
  parent.push(-1);
  location.push(-1);
  depth.push(0);
  endsDropped.push(0);
  pSelf.push(self[0]!);
  pAbs.push(selfAbs[0]!);
  const table = new PairMap(1024);
  const tDepth = trie.depth;
  const tLocation = trie.location;
  const qAt = new PathWalk(trie).perDepth(Int32Array); // projected node of the open path per depth
  for (let i = 1; i < size; i++) {
    const d = tDepth[i]!;
    const p = qAt[d - 1]!;
    const loc = locOf[tLocation[i]!]!;
    let q: number;
    if (loc === droppedLoc && endsDropped.data[p] === 1) q = p;
    else {
      q = table.find(p, loc);
      if (q < 0) {
        const slot = -q - 1;
        q = parent.length;
        parent.push(p);
        location.push(loc);
        depth.push(depth.data[p]! + 1);
        endsDropped.push(locNodesP[locStartP[loc]!] === DROPPED ? 1 : 0); // leaf-first: innermost
        pSelf.push(0);
        pAbs.push(0);
        table.insert(slot, p, loc, q);
      }
    }
    map[i] = q;
    qAt[d] = q;
    const a = selfAbs[i]!; // zero only when every sample ending here is zero
    if (a !== 0) {
      pSelf.data[q]! += self[i]!;
      pAbs.data[q]! += a;
    }
  }

  // Nodes were created in the order the walk first reached them, not in preorder: renumber.
  const pSize = parent.length;
  const parentArr = parent.trimmed();
  const locationArr = location.trimmed();
  const depthArr = depth.trimmed();
  const newId = renumberInPreorder(parentArr, locationArr, depthArr);
  for (let i = 0; i < size; i++) map[i] = newId[map[i]!]!;
  const permuted = (a: GrowableFloat64) => {
    const out = new Float64Array(pSize);
    for (let q = 0; q < pSize; q++) out[newId[q]!] = a.data[q]!;
    return out;
  };
  const selfP: Float64Array[] = [];
  const absP: (Float64Array | undefined)[] = [];
  selfP[sampleIndex] = permuted(pSelf);
  absP[sampleIndex] = hasNegative ? permuted(pAbs) : undefined;
  const keptP = new Uint8Array(N + 1);
  keptP.set(kept.subarray(0, N));
  return {
    trie: {
      size: pSize,
      parent: parentArr,
      location: locationArr,
      depth: depthArr,
      self: selfP,
      selfAbs: absP,
    },
    nodes: {
      ...nodes,
      infos: [...nodes.infos, { name: '', address: 0, file: '', startLine: 0, lineno: 0, objfile: '' }],
      names: [...nodes.names, ''],
      locStart: locStartP,
      locNodes: locNodesP,
    },
    kept: keptP,
    map,
  };
}
