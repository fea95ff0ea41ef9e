import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { buildInvertedTree } from './inverted-tree';
import { openProfile } from '../model/session';

describe('inverted (bottom-up) tree', () => {
  it('has one root per function with self value, whose total is its flat', () => {
    const s = openProfile(readFixture('go-heap.pb.gz'));
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
    const s = openProfile(readFixture('go-cpu.pb.gz'));
    const names = s.nodes('functions').names;
    const inv = buildInvertedTree(s.flameTree(1, 'functions'), names);
    // The parser's expr runs itself (flat 0.18s) when called by factor (the mutual recursion) and,
    // less often, by parseHandler: its two callers, largest first, sharing its flat.
    const expr = Array.from({ length: inv.size }, (_, i) => i).find(
      (i) => inv.parent[i] === 0 && names[inv.node[i]!] === 'main.(*parser).expr',
    )!;
    const callers: [string, number][] = [];
    for (let c = expr + 1; c < inv.end[expr]!; c = inv.end[c]!) callers.push([names[inv.node[c]!]!, inv.total[c]!]);
    expect(callers.map((c) => c[0])).toEqual(['main.(*parser).factor', 'main.parseHandler']);
    expect(callers[0]![1]).toBeGreaterThan(callers[1]![1]);
    expect(callers[0]![1] + callers[1]![1]).toBe(inv.total[expr]);
    expect(inv.total[expr]).toBe(180e6);
  });
});
