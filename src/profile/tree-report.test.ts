import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedFixtures, expectedReports, readFixture } from '../../tests/helpers/expected';
import { buildCallGraph } from './callgraph';
import { loadProfile } from './load';
import { buildNodeTable } from './nodes';
import { toProfileData } from './profile-data';
import { buildStackTrie } from './stack-trie';
import { TREE_LEGEND, TREE_SEPARATOR, formatTreeText, profileTree } from './tree-report';

// `go tool pprof -tree -sample_index=I FILE`: nodecount 80 in flat order, nodefraction 0.005,
// edgefraction 0.001. The whole output, header lines (Type/Time/Duration) included.
describe('tree report agrees byte for byte with go tool pprof -tree', () => {
  for (const fixture of expectedFixtures()) {
    const reports = expectedReports(fixture, 'tree.txt');
    if (reports.length === 0) continue;
    it(fixture, () => {
      const data = toProfileData(loadProfile(readFixture(fixture)));
      const trie = buildStackTrie(data);
      const nodes = buildNodeTable(data, 'functions');
      for (const rep of reports) {
        const graph = buildCallGraph(trie, nodes, rep.sampleIndex, { order: 'flat' });
        const text = profileTree(graph, data, rep.sampleIndex);
        expect(text, `${fixture} ${rep.sampleIndex}.${rep.sampleType}`).toBe(readFileSync(rep.file, 'utf8'));
      }
    });
  }
});

describe('formatTreeText', () => {
  const data = toProfileData(loadProfile(readFixture('cpu.pb.gz')));
  const trie = buildStackTrie(data);
  const nodes = buildNodeTable(data, 'functions');
  const graph = buildCallGraph(trie, nodes, 1, { order: 'flat' });

  it('keeps the tabs of the legend and one separator per node', () => {
    const lines = formatTreeText(graph, { sampleUnit: 'nanoseconds' });
    expect(lines[1]).toBe(TREE_LEGEND);
    expect(TREE_LEGEND.endsWith(' \t \t ')).toBe(true);
    expect(lines.filter((l) => l === TREE_SEPARATOR).length).toBe(graph.nodes.length + 2);
  });

  it('peeks at matching nodes only, and says when nothing matches', () => {
    const lines = formatTreeText(graph, { sampleUnit: 'nanoseconds', symbol: /kevent/ });
    expect(lines.filter((l) => l.includes('| runtime.kevent')).length).toBe(1);
    expect(lines.filter((l) => l === TREE_SEPARATOR).length).toBe(3);
    expect(() => formatTreeText(graph, { sampleUnit: 'nanoseconds', symbol: /nomatch/ })).toThrow(
      'no matches found for regexp: nomatch',
    );
  });
});
