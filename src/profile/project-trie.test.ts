import { describe, expect, it } from 'vitest';
import { expectedFixtures, readFixture } from '../../tests/helpers/expected';
import { type AggregatedGraph, aggregateGraph } from './aggregate';
import { sampleTagsOf, computeNodeTags, nodeWeights } from './callgraph';
import { loadProfile } from './load';
import { type Granularity, buildNodeTable } from './nodes';
import { toProfileData } from './profile-data';
import { projectTrie } from './project-trie';
import { buildStackTrie } from './stack-trie';

/** A small seeded generator, so that a failure names a kept set that can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The graph as pprof would print it: nodes with flat/cum, edges keyed by their two ends. */
function asComparable(g: AggregatedGraph, n: number) {
  const nodes: string[] = [];
  for (let i = 0; i < n; i++) if (g.flat[i] !== 0 || g.cum[i] !== 0) nodes.push(`${i}: ${g.flat[i]} ${g.cum[i]}`);
  const edges: string[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    if (g.edgeFrom[e]! >= n || g.edgeTo[e]! >= n) continue;
    edges.push(`${g.edgeFrom[e]}→${g.edgeTo[e]} ${g.edgeWeight[e]} inline=${g.edgeInline[e]} residual=${g.edgeResidual[e]}`);
  }
  return { nodes, edges: edges.sort(), total: g.total };
}

// The call graph builds everything after its node cut from the trie projected onto the remaining
// nodes. For any kept set, the projection must give exactly the graph (nodes, edges with their
// weights, inline and residual marks) and the tags that the whole trie gives.
describe('projectTrie keeps everything a graph of the kept nodes reads', () => {
  for (const fixture of expectedFixtures()) {
    it(fixture, () => {
      let profile;
      try {
        profile = loadProfile(readFixture(fixture));
      } catch {
        return; // files pprof rejects have no graph
      }
      const data = toProfileData(profile);
      const trie = buildStackTrie(data);
      const tags = sampleTagsOf(data, trie);
      const next = rng(fixture.length * 7919);
      for (const granularity of ['functions', 'lines'] as Granularity[]) {
        const nodes = buildNodeTable(data, granularity);
        const N = nodes.infos.length;
        for (let si = 0; si < data.sampleTypes.length; si++) {
          const { cum } = nodeWeights(trie, nodes, si);
          // The heaviest nodes (what a graph keeps), then random subsets of them.
          const byCum = [...cum.keys()].filter((n) => cum[n] !== 0).sort((a, b) => Math.abs(cum[b]!) - Math.abs(cum[a]!));
          for (const size of [3, 12, 40]) {
            const kept = new Uint8Array(N);
            for (const n of byCum.slice(0, size)) kept[n] = 1;
            const p = projectTrie(trie, nodes, kept, si);
            expect(p.trie.size, `${fixture} ${granularity}`).toBeLessThanOrEqual(trie.size);
            const subsets = [kept, kept.map((k) => (k && next() < 0.5 ? 1 : 0))];
            for (const sub of subsets) {
              const what = `${fixture} ${granularity} type ${si}, ${sub.reduce((a, b) => a + b, 0)} nodes kept`;
              const subP = new Uint8Array(N + 1);
              subP.set(sub);
              const whole = aggregateGraph(trie, nodes, si, { kept: sub });
              const projected = aggregateGraph(p.trie, p.nodes, si, { kept: subP });
              expect(asComparable(projected, N), what).toEqual(asComparable(whole, N));
              if (!tags) continue;
              const interest = [...sub.keys()].filter((n) => sub[n] === 1);
              const tagsWhole = computeNodeTags(trie, nodes, si, tags, sub, interest, 0);
              const mapped = { ...tags, leaf: tags.leaf.map((t) => p.map[t]!) };
              const tagsProjected = computeNodeTags(p.trie, p.nodes, si, mapped, subP, interest, 0);
              expect(tagsProjected, what).toEqual(tagsWhole);
            }
          }
        }
      }
    });
  }
});
