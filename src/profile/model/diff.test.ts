import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { aggregateGraph } from './aggregate';
import { diffProfileData, sideSelf } from './diff';
import { loadProfile } from '../../../tests/oracle/load';
import { buildNodeTable } from './nodes';
import { toProfileData } from '../../../tests/oracle/profile-data';
import { buildStackTrie } from './stack-trie';

const data = (name: string) => toProfileData(loadProfile(readFixture(name)));

describe('diff sides', () => {
  it('splits the merged trie back into each side, and the net is their difference', () => {
    const d = diffProfileData(data('go-cpu-tiny.pb.gz'), data('go-cpu.pb.gz'));
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
    expect(() => diffProfileData(data('go-heap.pb.gz'), data('go-cpu-tiny.pb.gz'))).toThrow(/no sample type in common/);
  });
});

describe('refine filters on a diff', () => {
  it('apply to each side before the merge; percentages stay of the baseline total', async () => {
    const { diffOfSessions, openProfile } = await import('./session');
    const { ProfileSource } = await import('./filtered-session');
    const base = openProfile(readFixture('go-cpu-variant.pb.gz'));
    const next = openProfile(readFixture('go-cpu.pb.gz'));
    const src = new ProfileSource(diffOfSessions(base, next), { base, next });
    const all = src.session().top(1, 'functions');
    const focused = src.session({ focus: '^main\\.fib$' }).top(1, 'functions');
    expect(all.names).toContain('runtime.futex'); // baseline only
    expect(focused.names).not.toContain('runtime.futex');
    const i = focused.names.indexOf('main.fib');
    expect(focused.cum[i]).toBe(all.cum[all.names.indexOf('main.fib')]);
    expect(focused.total).toBe(all.total); // the baseline's whole total (2.46s), not the filtered one
    expect(all.total).toBe(2.46e9);
    // Both sides carry labels: the focused graph's nodelets are those of fib's own samples.
    const dot = src
      .session({ focus: '^main\\.fib$' })
      .graph(1, 'functions', { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 }).dot;
    expect(dot).toMatch(/label = "handler:fib\\ntenant:/);
    expect(dot).not.toMatch(/handler:checksum|handler:parse|handler:sort/);
  });
});
