import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED, readExpectedTop, readFixture } from '../../tests/helpers/expected';
import { aggregateGraph } from './aggregate';
import { diffProfileData, sideSelf } from './diff';
import { loadProfile } from './load';
import { buildNodeTable } from './nodes';
import { toProfileData } from './profile-data';
import { buildStackTrie } from './stack-trie';
import { formatTopText } from './text-report';
import { topRows } from './top';

const DIFF_DIR = join(SHARED, 'fixtures', 'expected-diff');
const data = (name: string) => toProfileData(loadProfile(readFixture(name)));

// `go tool pprof -diff_base=BASE -top -nodefraction=0 NEW`, line for line.
describe('diff table agrees with go tool pprof -diff_base', () => {
  for (const pair of readdirSync(DIFF_DIR).sort()) {
    const [baseName, nextName] = pair.split('__vs__') as [string, string];
    for (const file of readdirSync(join(DIFF_DIR, pair)).filter((f) => f.endsWith('.top.txt'))) {
      const sampleIndex = Number(file.split('.')[0]);
      it(`${pair} ${file}`, () => {
        const d = diffProfileData(data(baseName), data(nextName));
        const trie = buildStackTrie(d.data);
        const nodes = buildNodeTable(d.data, 'functions');
        const graph = aggregateGraph(trie, nodes, sampleIndex);
        // Percentages are of the baseline's total, as in pprof.
        const table = { total: d.baseTotals[sampleIndex]!, rows: topRows(graph, nodes) };
        const expected = readExpectedTop(join(DIFF_DIR, pair, file));
        const lines = formatTopText(table, d.data.sampleTypes[sampleIndex]!.unit);
        expect(lines[0]).toBe(expected.summary);
        expect(lines.slice(2)).toEqual(expected.rows);
      });
    }
  }
});

describe('diff sides', () => {
  it('splits the merged trie back into each side, and the net is their difference', () => {
    const d = diffProfileData(data('cpu.pb.gz'), data('go.cpu.labels.pprof'));
    const trie = buildStackTrie(d.data);
    const nodes = buildNodeTable(d.data, 'functions');
    const t = d.data.defaultSampleIndex;
    const sides = sideSelf(trie, d.baseLocationCount, t);
    const base = aggregateGraph(trie, nodes, t, { self: sides.base });
    const next = aggregateGraph(trie, nodes, t, { self: sides.next });
    const net = aggregateGraph(trie, nodes, t);
    expect(base.total).toBe(d.baseTotals[t]);
    expect(next.total).toBe(d.nextTotals[t]);
    for (let n = 0; n < nodes.infos.length; n++) {
      expect(net.flat[n]).toBe(next.flat[n]! - base.flat[n]!);
      expect(net.cum[n]).toBe(next.cum[n]! - base.cum[n]!);
    }
  });

  it('refuses profiles with no sample type in common', () => {
    expect(() => diffProfileData(data('heap'), data('cpu.pb.gz'))).toThrow(/no sample type in common/);
  });
});
