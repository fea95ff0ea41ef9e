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

describe('diff from the two sides’ tries', () => {
  for (const pair of readdirSync(DIFF_DIR).sort()) {
    it(`${pair}: same tables and flame tree as rebuilding from the merged stacks`, async () => {
      const { diffSession } = await import('./session');
      const [b, n] = pair.split('__vs__') as [string, string];
      const fast = diffSession(data(b), data(n));
      const ref = diffProfileData(data(b), data(n));
      const trie = buildStackTrie(ref.data);
      const { ProfileSession } = await import('./session');
      const { data: refData, ...refDiff } = ref;
      const slow = new ProfileSession(refData, trie, refDiff);
      for (let t = 0; t < ref.data.sampleTypes.length; t++) {
        const a = fast.top(t, 'lines');
        const e = slow.top(t, 'lines');
        expect(a.names).toEqual(e.names);
        expect(Array.from(a.flat)).toEqual(Array.from(e.flat));
        expect(Array.from(a.cum)).toEqual(Array.from(e.cum));
        expect(Array.from(a.diff!.baseCum)).toEqual(Array.from(e.diff!.baseCum));
        expect(fast.flameTree(t, 'functions').total[0]).toBe(slow.flameTree(t, 'functions').total[0]);
        expect(fast.flameTree(t, 'functions').otherTotal![0]).toBe(slow.flameTree(t, 'functions').otherTotal![0]);
      }
      // The merged session's stacks, rebuilt from the merged trie, are the reference's.
      const full = fast.fullData();
      expect(full.sampleCount).toBe(ref.data.sampleCount);
      expect(Array.from(full.stackLocations)).toEqual(Array.from(ref.data.stackLocations));
    });
  }
});

describe('refine filters on a diff', () => {
  it('apply to each side before the merge; percentages stay of the baseline total', async () => {
    const { diffOfSessions, openProfile } = await import('./session');
    const { ProfileSource } = await import('./filtered-session');
    const base = openProfile(readFixture('cpu.pb.gz'));
    const next = openProfile(readFixture('go.cpu.labels.pprof'));
    const src = new ProfileSource(diffOfSessions(base, next), { base, next });
    const all = src.session().top(1, 'functions');
    const focused = src.session({ focus: '^main\\.work$' }).top(1, 'functions');
    expect(all.names).toContain('runtime.kevent'); // baseline only
    expect(focused.names).not.toContain('runtime.kevent');
    const i = focused.names.indexOf('main.work');
    expect(focused.cum[i]).toBe(all.cum[all.names.indexOf('main.work')]);
    expect(focused.total).toBe(all.total); // the baseline's whole total (470ms), not the filtered one
    expect(all.total).toBe(470e6);
  });
});
