import { describe, expect, it } from 'vitest';
import { type DotNode, readDot, splitEdgeTooltip, splitTooltip, unescapeDot } from '../../tests/helpers/dot';
import { expectedFixtures, expectedReports, readFixture } from '../../tests/helpers/expected';
import { aggregateGraph } from './aggregate';
import { buildCallGraph, sampleTagsOf, entropyScores, nodeWeights, sampleLeaves } from './callgraph';
import { reportFormatter } from './dot';
import { loadProfile } from './load';
import { buildNodeTable } from './nodes';
import { toProfileData } from './profile-data';
import { buildStackTrie } from './stack-trie';

/** flat and cum as the node label prints them ("<flat> (<pct>)\nof <cum> (<pct>)", "0 of <cum> (…)", "<flat> (…)"). */
function labelValues(node: DotNode): { flat: string; cum: string } {
  const label = node.attrs.label!;
  let m = /\\n0 of ([^\s\\]+) \([^()]*\)$/.exec(label);
  if (m) return { flat: '0', cum: m[1]! };
  m = /\\n([^\s\\]+) \([^()]*\)\\nof ([^\s\\]+) \([^()]*\)$/.exec(label);
  if (m) return { flat: m[1]!, cum: m[2]! };
  m = /\\n([^\s\\]+) \([^()]*\)$/.exec(label);
  if (m) return { flat: m[1]!, cum: m[1]! };
  throw new Error(`unexpected label ${label}`);
}

// For every fixture go tool pprof reads and every sample type, the trimmed call graph equals
// `go tool pprof -dot` (nodecount 80, nodefraction 0.005, edgefraction 0.001): the kept nodes in
// order, their flat and cum, every edge with its weight, and which edges are residual or inline.
describe('call graph agrees with go tool pprof -dot', () => {
  for (const fixture of expectedFixtures()) {
    const reports = expectedReports(fixture, 'dot');
    if (reports.length === 0) continue;
    it(fixture, () => {
      const profile = loadProfile(readFixture(fixture));
      const data = toProfileData(profile);
      const trie = buildStackTrie(data);
      const nodes = buildNodeTable(data, 'functions');
      const tags = sampleTagsOf(data, trie);
      for (const rep of reports) {
        const what = `${fixture} ${rep.sampleIndex}.${rep.sampleType}`;
        const expected = readDot(rep.file);
        const graph = buildCallGraph(trie, nodes, rep.sampleIndex, { tags });
        const { format } = reportFormatter(graph, graph.total, data.sampleTypes[rep.sampleIndex]!.unit);

        const expNodes = expected.nodes.map((n) => ({ name: splitTooltip(n.attrs.tooltip!).name, ...labelValues(n) }));
        const gotNodes = graph.nodes.map((n) => ({ name: n.name, flat: format(n.flat), cum: format(n.cum) }));
        expect(gotNodes, what).toEqual(expNodes);

        const idName = new Map(expected.nodes.map((n, i) => [n.id, expNodes[i]!.name]));
        const expEdges = expected.edges.map((e) => {
          const src = idName.get(e.from)!;
          const tip = splitEdgeTooltip(e.attrs.tooltip!, src);
          expect(tip.dst, what).toBe(idName.get(e.to));
          return {
            src,
            dest: tip.dst,
            weight: tip.value,
            residual: e.attrs.style === 'dotted',
            inline: unescapeDot(e.attrs.label!).endsWith('(inline)'),
            arrow: tip.arrow,
          };
        });
        const gotEdges = graph.edges.map((e) => ({
          src: e.src.name,
          dest: e.dest.name,
          weight: format(e.weight),
          residual: e.residual,
          inline: e.inline,
          arrow: e.residual ? '...' : '->',
        }));
        expect(gotEdges, what).toEqual(expEdges);

        // The nodelets of each node (label sets and bytes buckets) are there too.
        let nodelets = 0;
        for (const n of graph.nodes) nodelets += n.labelTags.length + [...n.numericTags.values()].flat().length;
        if (expected.nodelets.length > 0) expect(nodelets, what).toBeGreaterThan(0);
      }
    });
  }
});

describe('buildCallGraph', () => {
  const fixture = 'cpu.pb.gz';
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
    for (const fx of ['cpu.pb.gz', 'heap', 'profile_java', 'heap_delta']) {
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
    const data = toProfileData(loadProfile(readFixture('go.cpu.labels.pprof')));
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
