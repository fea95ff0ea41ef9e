// The golden comparisons of the model against `go tool pprof`, for any corpus (tests/helpers/corpus.ts).
// Each define* function declares one describe block per kind of report; the last test of each
// block checks how many cases were compared, so a renamed or missing golden file fails loudly.
import { describe, expect, it } from 'vitest';
import { aggregateGraph, type AggregatedGraph } from '../../src/profile/model/aggregate';
import { buildCallGraph, nodeWeights } from '../../src/profile/reports/callgraph';
import { computeNodeTags, sampleTagsOf, sortedByLeaf } from '../../src/profile/reports/callgraph-tags';
import { diffProfileData } from '../../src/profile/model/diff';
import { profileDot } from '../oracle/reports';
import { loadProfile } from '../oracle/load';
import { buildNodeTable, type Granularity } from '../../src/profile/model/nodes';
import { readProfileData } from '../../src/profile/pprof/reader';
import { toProfileData } from '../oracle/profile-data';
import { projectTrie } from '../../src/profile/model/project-trie';
import { diffSession, openProfile, ProfileSession } from '../../src/profile/model/session';
import { buildStackTrie } from '../../src/profile/model/stack-trie';
import { formatTopText } from '../oracle/text-report';
import { buildTopTable } from '../oracle/top-table';
import { topRows } from '../../src/profile/reports/top';
import { profileTree } from '../../src/profile/reports/tree-report';
import { type Corpus, readExpectedText, reportsIn, withComparableTime } from '../helpers/corpus';
import { readExpectedTop } from '../helpers/expected';
import { expectSame } from '../helpers/same-data';

/** How many comparisons each block of a corpus makes. */
export interface GoldenCounts {
  reader: number;
  top: number;
  tree: number;
  dot: number;
  projection: number;
  diffTop: number;
  diffDot: number;
}

const DOT_DEFAULTS = { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 };
const graphLines = (t: string) => t.split('\n').filter((l) => /^N\d+/.test(l));

/** Declares the model's golden tests for a corpus. */
export function defineModelGoldens(corpus: Corpus, counts: GoldenCounts): void {
  defineReaderGoldens(corpus, counts.reader);
  defineTopGoldens(corpus, counts.top);
  defineGraphGoldens(corpus, counts.dot, counts.tree);
  defineProjectionGoldens(corpus, counts.projection);
  defineDiffGoldens(corpus, counts.diffTop, counts.diffDot);
}

function errorOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

// The streaming reader gives exactly what pprof-format's decode (through toProfileData) gives,
// or the same error; malformed inputs are rejected by both.
export function defineReaderGoldens(corpus: Corpus, expected: number): void {
  describe(`${corpus.name}: the streaming pprof reader agrees with pprof-format`, () => {
    let compared = 0;
    const inputs = [...corpus.profiles().map((name) => ({ name, bytes: corpus.read(name) })), ...corpus.malformed()];
    for (const { name, bytes } of inputs) {
      it(name, () => {
        let oracle: ReturnType<typeof toProfileData> | undefined;
        const oracleError = errorOf(() => (oracle = toProfileData(loadProfile(bytes))));
        if (oracleError !== undefined) {
          // The two decoders may name a different first bad field of protobuf garbage.
          const gist = (m: string | undefined) => m?.replace(/ \(protobuf decoding failed: .*\)\.$/, '');
          expect(gist(errorOf(() => readProfileData(bytes)))).toBe(gist(oracleError));
        } else {
          expect(name.startsWith('malformed/'), `${name} was read`).toBe(false);
          expectSame(readProfileData(bytes), oracle);
          // Large files count their frames first; small ones grow the array: the same result.
          expectSame(readProfileData(bytes, { countFrames: true }), oracle);
          expectSame(
            readProfileData(bytes, { stacks: 'distinct', countFrames: true }),
            readProfileData(bytes, { stacks: 'distinct' }),
          );
        }
        compared++;
      });
    }
    it(`compared ${expected} profiles`, () => expect(compared).toBe(expected));
  });
}

// For every profile pprof reads and every sample type: the top table, printed through pprof's
// number formatting, equals `go tool pprof -top -nodefraction=0` (also -cum and -lines).
export function defineTopGoldens(corpus: Corpus, expected: number): void {
  describe(`${corpus.name}: top tables agree with go tool pprof -top`, () => {
    let compared = 0;
    for (const fixture of corpus.fixtures()) {
      it(fixture, () => {
        const profile = loadProfile(corpus.read(fixture));
        for (const [suffix, granularity, sort] of [
          ['top.txt', 'functions', 'flat'],
          ['lines.top.txt', 'lines', 'flat'],
          ['cum.txt', 'functions', 'cum'],
        ] as const) {
          for (const rep of corpus.reports(fixture, suffix)) {
            const what = `${rep.sampleIndex}.${rep.sampleType}.${suffix}`;
            const exp = readExpectedTop(rep.file);
            const table = buildTopTable(profile, { sampleIndex: rep.sampleIndex, granularity, sort });
            const unit = profile.stringTable.strings[Number(profile.sampleType[rep.sampleIndex]!.unit)]!;
            const lines = formatTopText(table, unit);
            expect(lines[0], what).toBe(exp.summary);
            expect(lines.slice(2), what).toEqual(exp.rows);
            compared++;
          }
        }
      });
    }
    it(`compared ${expected} reports`, () => expect(compared).toBe(expected));
  });
}

// `go tool pprof -dot` byte for byte (legend included; its Time: line is printed in UTC), from the
// model and from a session (what the graph view lays out); `-tree` byte for byte, both ways too.
export function defineGraphGoldens(corpus: Corpus, expectedDot: number, expectedTree: number): void {
  describe(`${corpus.name}: call graphs agree with go tool pprof -dot and -tree`, () => {
    let dots = 0;
    let trees = 0;
    for (const fixture of corpus.fixtures()) {
      it(fixture, () => {
        const data = toProfileData(loadProfile(corpus.read(fixture)));
        const trie = buildStackTrie(data);
        const nodes = buildNodeTable(data, 'functions');
        const tags = sampleTagsOf(data, trie);
        // The session reorders the samples by leaf (sortedByLeaf): the DOT must not change.
        const byLeaf = tags && sortedByLeaf(tags, trie.size);
        const session = openProfile(corpus.read(fixture));
        for (const rep of corpus.reports(fixture, 'dot')) {
          const what = `${fixture} ${rep.sampleIndex}.${rep.sampleType}`;
          const exp = readExpectedText(rep.file);
          for (const t of [tags, byLeaf]) {
            const graph = buildCallGraph(trie, nodes, rep.sampleIndex, { tags: t });
            const [e, ours] = withComparableTime(exp, profileDot(graph, data, rep.sampleIndex));
            expect(ours, what).toBe(e);
          }
          const g = session.graph(rep.sampleIndex, 'functions', DOT_DEFAULTS);
          expect(graphLines(g.dot), `${what} (session)`).toEqual(graphLines(exp));
          dots++;
        }
        for (const rep of corpus.reports(fixture, 'tree.txt')) {
          const what = `${fixture} ${rep.sampleIndex}.${rep.sampleType}`;
          const exp = readExpectedText(rep.file);
          const graph = buildCallGraph(trie, nodes, rep.sampleIndex, { order: 'flat' });
          const [e, ours] = withComparableTime(exp, profileTree(graph, data, rep.sampleIndex));
          expect(ours, what).toBe(e);
          const [e2, fromSession] = withComparableTime(exp, session.treeReport(rep.sampleIndex, 'functions', DOT_DEFAULTS));
          expect(fromSession, `${what} (session)`).toBe(e2);
          trees++;
        }
      });
    }
    it(`compared ${expectedDot} graphs and ${expectedTree} trees`, () => {
      expect(dots).toBe(expectedDot);
      expect(trees).toBe(expectedTree);
    });
  });
}

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
export function defineProjectionGoldens(corpus: Corpus, expected: number): void {
  describe(`${corpus.name}: projectTrie keeps everything a graph of the kept nodes reads`, () => {
    let compared = 0;
    for (const fixture of corpus.fixtures()) {
      it(fixture, () => {
        const data = toProfileData(loadProfile(corpus.read(fixture)));
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
              for (const sub of [kept, kept.map((k) => (k && next() < 0.5 ? 1 : 0))]) {
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
        compared++;
      });
    }
    it(`compared ${expected} profiles`, () => expect(compared).toBe(expected));
  });
}

// `go tool pprof -diff_base=BASE -top -nodefraction=0 NEW` line for line, and `-dot`'s nodes and
// edges (nodelets included); the diff session built from the two sides' tries gives the same
// tables as one rebuilt from the merged stacks.
export function defineDiffGoldens(corpus: Corpus, expectedTop: number, expectedDot: number): void {
  describe(`${corpus.name}: diffs agree with go tool pprof -diff_base`, () => {
    let tops = 0;
    let dots = 0;
    const data = (name: string) => toProfileData(loadProfile(corpus.read(name)));
    for (const pair of corpus.diffPairs()) {
      it(pair.name, () => {
        const d = diffProfileData(data(pair.base), data(pair.next));
        const trie = buildStackTrie(d.data);
        const nodes = buildNodeTable(d.data, 'functions');
        for (const rep of reportsIn(pair.dir, 'top.txt')) {
          const graph = aggregateGraph(trie, nodes, rep.sampleIndex);
          // Percentages are of the baseline's total, as in pprof.
          const table = { total: d.baseTotals[rep.sampleIndex]!, rows: topRows(graph, nodes) };
          const exp = readExpectedTop(rep.file);
          const lines = formatTopText(table, d.data.sampleTypes[rep.sampleIndex]!.unit);
          expect(lines[0], rep.file).toBe(exp.summary);
          expect(lines.slice(2), rep.file).toEqual(exp.rows);
          tops++;
        }
        const s = diffSession(data(pair.base), data(pair.next));
        for (const rep of reportsIn(pair.dir, 'dot')) {
          const g = s.graph(rep.sampleIndex, 'functions', DOT_DEFAULTS);
          const ours = graphLines(g.dot);
          // A node whose two sides cancel out (flat and cum 0) is not in pprof's graph, but its
          // edges stay in its callers' lists, and pprof prints them to "N0", a node it never
          // declares. Flamelens leaves those edges out (see docs/pprof-semantics.md).
          const theirs = graphLines(readExpectedText(rep.file)).filter((l) => !/ -> N0 \[/.test(l));
          // Nodes in order; nodelets and edges as sets: pprof sorts those of equal |weight| but
          // opposite sign (which only diffs have) in the order of a Go map, which is not reproducible.
          const nodeLines = (l: string[]) => l.filter((x) => /^N\d+ \[/.test(x));
          const anyNodelet = (x: string) => x.replace(/N(\d+)_\d+/g, 'N$1_*');
          const rest = (l: string[]) =>
            l
              .filter((x) => !/^N\d+ \[/.test(x))
              .map(anyNodelet)
              .sort();
          expect(nodeLines(ours), rep.file).toEqual(nodeLines(theirs));
          expect(rest(ours), rep.file).toEqual(rest(theirs));
          dots++;
        }
        // The session built from the two sides' tries equals one rebuilt from the merged stacks.
        const { data: refData, ...refDiff } = d;
        const slow = new ProfileSession(refData, trie, refDiff);
        for (let t = 0; t < d.data.sampleTypes.length; t++) {
          const a = s.top(t, 'lines');
          const e = slow.top(t, 'lines');
          expect(a.names).toEqual(e.names);
          expectSame(a.flat, e.flat);
          expectSame(a.cum, e.cum);
          expectSame(a.diff!.baseCum, e.diff!.baseCum);
          expect(s.flameTree(t, 'functions').total[0]).toBe(slow.flameTree(t, 'functions').total[0]);
          expect(s.flameTree(t, 'functions').otherTotal![0]).toBe(slow.flameTree(t, 'functions').otherTotal![0]);
        }
        const full = s.fullData();
        expect(full.sampleCount).toBe(d.data.sampleCount);
        expectSame(full.stackLocations, d.data.stackLocations);
      });
    }
    it(`compared ${expectedTop} diff tables and ${expectedDot} diff graphs`, () => {
      expect(tops).toBe(expectedTop);
      expect(dots).toBe(expectedDot);
    });
  });
}
