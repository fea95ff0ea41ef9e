import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { aggregateGraph } from '../model/aggregate';
import { buildCallGraph, nodeWeights } from './callgraph';
import { entropyScores } from './graph-order';
import { sampleLeaves } from './callgraph-tags';
import { loadProfile } from '../../../tests/oracle/load';
import { buildNodeTable } from '../model/nodes';
import { toProfileData } from '../../../tests/oracle/profile-data';
import { buildStackTrie } from '../model/stack-trie';

describe('buildCallGraph', () => {
  const fixture = 'go-cpu-tiny.pb.gz';
  it('keeps everything without cuts, and counts drops with them', () => {
    const data = toProfileData(loadProfile(readFixture(fixture)));
    const trie = buildStackTrie(data);
    const nodes = buildNodeTable(data, 'functions');
    const full = aggregateGraph(trie, nodes, 1);
    const present = [...full.cum].filter((c, i) => c !== 0 || full.flat[i] !== 0).length;
    const g = buildCallGraph(trie, nodes, 1, { nodeCount: 0, nodeFraction: 0, edgeFraction: 0 });
    expect(g.nodes.length).toBe(present);
    expect(g.droppedNodes).toBe(0);
    expect(g.edges.every((e) => !e.residual)).toBe(true);
    const small = buildCallGraph(trie, nodes, 1, { nodeCount: 5 });
    expect(small.nodes.length).toBe(5);
    expect(small.origCount).toBeGreaterThan(5);
    expect(small.edges.some((e) => e.residual)).toBe(true);
    // Every edge joins two kept nodes and appears in both adjacency lists.
    for (const e of small.edges) {
      expect(small.nodes).toContain(e.src);
      expect(e.src.out).toContain(e);
      expect(e.dest.in).toContain(e);
    }
  });

  it("computes the untrimmed graph's flat and cum as aggregateGraph does", () => {
    for (const fx of ['go-cpu-tiny.pb.gz', 'go-heap.pb.gz', 'java-cpu.pb.gz', 'go-heap-2.pb.gz']) {
      const data = toProfileData(loadProfile(readFixture(fx)));
      const trie = buildStackTrie(data);
      for (const g of ['functions', 'lines'] as const) {
        const nodes = buildNodeTable(data, g);
        for (let si = 0; si < data.sampleTypes.length; si++) {
          const a = aggregateGraph(trie, nodes, si);
          const w = nodeWeights(trie, nodes, si);
          expect([...w.flat], fx).toEqual([...a.flat]);
          expect([...w.cum], fx).toEqual([...a.cum]);
        }
      }
    }
  });

  it('finds the trie leaf of every sample', () => {
    const data = toProfileData(loadProfile(readFixture('go-cpu.pb.gz')));
    const trie = buildStackTrie(data);
    const leaves = sampleLeaves(data, trie);
    for (let s = 0; s < data.sampleCount; s++) {
      // Walking up from the leaf gives the sample's stack, leaf first.
      const locs: number[] = [];
      for (let n = leaves[s]!; n > 0; n = trie.parent[n]!) locs.push(trie.location[n]!);
      expect(locs).toEqual([...data.stackLocations.subarray(data.stackStart[s]!, data.stackStart[s + 1]!)]);
    }
  });

  it('orders text graphs by flat or cum', () => {
    const data = toProfileData(loadProfile(readFixture(fixture)));
    const trie = buildStackTrie(data);
    const nodes = buildNodeTable(data, 'functions');
    const byCum = buildCallGraph(trie, nodes, 1, { order: 'cum' });
    for (let i = 1; i < byCum.nodes.length; i++) expect(byCum.nodes[i - 1]!.cum).toBeGreaterThanOrEqual(byCum.nodes[i]!.cum);
    const byFlat = buildCallGraph(trie, nodes, 1, { order: 'flat' });
    for (let i = 1; i < byFlat.nodes.length; i++) expect(byFlat.nodes[i - 1]!.flat).toBeGreaterThanOrEqual(byFlat.nodes[i]!.flat);
  });

  it('scores entry and leaf nodes above pass-through nodes (entropy)', () => {
    const data = toProfileData(loadProfile(readFixture(fixture)));
    const trie = buildStackTrie(data);
    const nodes = buildNodeTable(data, 'functions');
    const g = aggregateGraph(trie, nodes, 1);
    const scores = entropyScores(g);
    // A leaf with no callers' spread: score = 1·cum (in) + 1 (no out) → 2·cum + flat at most.
    for (let n = 0; n < nodes.infos.length; n++) {
      if (g.cum[n] === 0) continue;
      expect(scores[n]! >= 0n).toBe(true);
    }
  });
});
