import { describe, expect, it } from 'vitest';
import { readFixture } from '../../tests/helpers/expected';
import { buildInvertedTree } from './inverted-tree';
import { openProfile } from './session';

describe('inverted (bottom-up) tree', () => {
  it('has one root per function with self value, whose total is its flat', () => {
    const s = openProfile(readFixture('heap'));
    const si = s.data.defaultSampleIndex;
    const names = s.nodes('functions').names;
    const inv = buildInvertedTree(s.flameTree(si, 'functions'), names);
    const top = s.top(si, 'functions');
    const flatByName = new Map(top.names.map((n, i) => [n, top.flat[i]!]));
    let roots = 0;
    for (let c = 1; c < inv.size; c = inv.end[c]!) {
      roots++;
      expect(inv.total[c], names[inv.node[c]!]).toBe(flatByName.get(names[inv.node[c]!]!));
    }
    expect(roots).toBe(top.names.filter((_, i) => top.flat[i] !== 0).length);
    expect(inv.total[0]).toBe(top.total);
  });

  it('lists callers as children, largest first', () => {
    const s = openProfile(readFixture('go.cpu.labels.pprof'));
    const names = s.nodes('functions').names;
    const inv = buildInvertedTree(s.flameTree(1, 'functions'), names);
    // main.work's callers, as pprof -tree lists them: slowFunction.func1 6.74s, fastFunction.func1 1.5s... of its flat.
    const work = Array.from({ length: inv.size }, (_, i) => i).find((i) => inv.parent[i] === 0 && names[inv.node[i]!] === 'main.work')!;
    const callers: [string, number][] = [];
    for (let c = work + 1; c < inv.end[work]!; c = inv.end[c]!) callers.push([names[inv.node[c]!]!, inv.total[c]!]);
    expect(callers.map((c) => c[0])).toEqual(['main.slowFunction.func1', 'main.fastFunction.func1']);
    expect(callers[0]![1] + callers[1]![1]).toBe(inv.total[work]);
  });
});
