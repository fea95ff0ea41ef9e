import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { buildCallGraph } from './callgraph';
import { loadProfile } from '../../../tests/oracle/load';
import { buildNodeTable } from '../model/nodes';
import { toProfileData } from '../../../tests/oracle/profile-data';
import { buildStackTrie } from '../model/stack-trie';
import { TREE_LEGEND, TREE_SEPARATOR, formatTreeText } from './tree-report';

describe('formatTreeText', () => {
  const data = toProfileData(loadProfile(readFixture('go-cpu-tiny.pb.gz')));
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
    const lines = formatTreeText(graph, { sampleUnit: 'nanoseconds', symbol: /\.fib$/ });
    expect(lines.filter((l) => l.includes('| main.fib')).length).toBe(1);
    expect(lines.filter((l) => l === TREE_SEPARATOR).length).toBe(3);
    expect(() => formatTreeText(graph, { sampleUnit: 'nanoseconds', symbol: /nomatch/ })).toThrow(
      'no matches found for regexp: nomatch',
    );
  });
});
