import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { buildFlameTree } from './flame-tree';
import { compileSearch, searchFlameTree } from './flame-search';
import { openProfile } from '../model/session';
import { buildSandwich, foldedStacks } from './sandwich';

function tree(fixture: string, granularity: 'functions' | 'lines' = 'functions') {
  const s = openProfile(readFixture(fixture));
  const nodes = s.nodes(granularity);
  const t = buildFlameTree(s.trie, nodes, s.data.defaultSampleIndex);
  return { s, nodes, t };
}

describe('flame tree layout', () => {
  for (const fixture of ['go-cpu-tiny.pb.gz', 'go-heap.pb.gz', 'java-cpu.pb.gz', 'go-cpu.pb.gz']) {
    it(`${fixture}: children fit in their parent, in order, largest first`, () => {
      const { s, t } = tree(fixture);
      let total = 0;
      for (const v of s.data.values[s.data.defaultSampleIndex]!) total += v;
      expect(t.total[0]).toBe(total);
      for (let f = 0; f < t.size; f++) {
        let sum = 0;
        let next = t.start[f]!;
        let prev = Infinity;
        for (let c = f + 1; c < t.end[f]!; c = t.end[c]!) {
          expect(t.parent[c]).toBe(f);
          expect(t.depth[c]).toBe(t.depth[f]! + 1);
          expect(t.start[c]).toBeCloseTo(next, 6);
          next += t.total[c]!;
          sum += t.total[c]!;
          expect(t.total[c]!).toBeLessThanOrEqual(prev);
          prev = t.total[c]!;
        }
        expect(sum + t.self[f]!).toBeCloseTo(t.total[f]!, 6);
      }
    });
  }

  it('is the same tree, in the same order, when built twice', () => {
    const a = tree('go-heap.pb.gz').t;
    const b = tree('go-heap.pb.gz').t;
    expect(Array.from(b.node)).toEqual(Array.from(a.node));
    expect(Array.from(b.start)).toEqual(Array.from(a.start));
  });

  it('splits inlined frames into their own frames', () => {
    // go-cpu: main.mix and main.rotl are inlined into main.checksum (one location, three frames).
    const { t, nodes } = tree('go-cpu.pb.gz');
    const path = (f: number) => {
      const out: string[] = [];
      for (let a = f; a > 0; a = t.parent[a]!) out.unshift(nodes.names[t.node[a]!]!);
      return out.slice(-3);
    };
    const f = Array.from(t.node).findIndex((n) => nodes.names[n] === 'main.rotl');
    expect(path(f)).toEqual(['main.checksum', 'main.mix', 'main.rotl']);
  });
});

describe('flame search', () => {
  it('counts each sample once even when several of its frames match', () => {
    const { s, t, nodes } = tree('go-cpu.pb.gz');
    // main.checksum calls main.mix, which calls main.rotl: samples with several matching frames count once.
    const { re } = compileSearch({ text: 'MAIN\\.CHECKSUM$|\\.ROTL', regex: true, caseSensitive: false });
    const r = searchFlameTree(t, nodes.names, re!);
    // Independently: Σ value of the samples with any matching frame.
    const d = s.fullData();
    let expected = 0;
    for (let i = 0; i < d.sampleCount; i++) {
      let hit = false;
      for (let k = d.stackStart[i]!; k < d.stackStart[i + 1]! && !hit; k++) {
        const loc = d.stackLocations[k]!;
        for (let li = d.locationLineStart[loc]!; li < d.locationLineStart[loc + 1]!; li++) {
          if (/main\.checksum$|\.rotl/i.test(d.functionName[d.lineFunction[li]!]!)) hit = true;
        }
      }
      if (hit) expected += d.values[d.defaultSampleIndex]![i]!;
    }
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(t.total[0]!);
    expect(r.covered).toBe(expected);
    expect(r.functionCount).toBe(2);
  });

  it('escapes substring searches and reports bad regexes', () => {
    expect(compileSearch({ text: 'a.b(', regex: false, caseSensitive: true }).re!.test('xa.b(y')).toBe(true);
    expect(compileSearch({ text: 'a(', regex: true, caseSensitive: true }).error).toBeTruthy();
  });
});

describe('sandwich', () => {
  it('merges every occurrence: callers and callees both total the function cum', () => {
    const { s, nodes, t } = tree('java-cpu.pb.gz');
    const top = s.top(s.data.defaultSampleIndex, 'functions');
    // A function in the middle of stacks: both sides are non-trivial.
    const i = top.names.findIndex((_, k) => top.flat[k] === 0 && top.cum[k]! < top.total / 2 && top.cum[k]! > 0);
    const node = nodes.names.indexOf(top.names[i]!);
    const sw = buildSandwich(t, node, nodes.names);
    expect(sw.callers.total[0]).toBe(top.cum[i]);
    expect(sw.callees.total[0]).toBe(top.cum[i]);
    expect(sw.callers.node[1]).toBe(node);
  });

  it('counts recursion once', () => {
    // go-heap has recursive stacks (buildTree, encodeValue ↔ encodeList); the callee side of any function never exceeds its cum.
    const { s, nodes, t } = tree('go-heap.pb.gz');
    const top = s.top(s.data.defaultSampleIndex, 'functions');
    for (let i = 0; i < Math.min(40, top.names.length); i++) {
      const sw = buildSandwich(t, nodes.names.indexOf(top.names[i]!), nodes.names);
      expect(sw.callees.total[0]).toBe(top.cum[i]);
      expect(sw.callers.total[0]).toBe(top.cum[i]);
    }
  });
});

describe('folded stacks', () => {
  it('writes one line per stack with its value, summing to the total', () => {
    const { t, nodes } = tree('go-cpu-tiny.pb.gz');
    const text = foldedStacks(t, nodes.names);
    const lines = text.trim().split('\n');
    const sum = lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum).toBe(t.total[0]);
    expect(lines.every((l) => /^[^;]+(;[^;]+)* -?\d+$/.test(l))).toBe(true);
  });
});
