import { describe, expect, it } from 'vitest';
import { readFixture } from '../../tests/helpers/expected';
import { buildFlameTree } from './flame-tree';
import { compileSearch, searchFlameTree } from './flame-search';
import { openProfile } from './session';
import { buildSandwich, foldedStacks } from './sandwich';

function tree(fixture: string, granularity: 'functions' | 'lines' = 'functions') {
  const s = openProfile(readFixture(fixture));
  const nodes = s.nodes(granularity);
  const t = buildFlameTree(s.trie, nodes, s.data.defaultSampleIndex);
  return { s, nodes, t };
}

describe('flame tree layout', () => {
  for (const fixture of ['cpu.pb.gz', 'heap', 'profile_java', 'go.cpu.labels.pprof']) {
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
    const a = tree('heap').t;
    const b = tree('heap').t;
    expect(Array.from(b.node)).toEqual(Array.from(a.node));
    expect(Array.from(b.start)).toEqual(Array.from(a.start));
  });

  it('splits inlined frames into their own frames', () => {
    // default.pgo: time.Since and time.subMono are inlined into FindNearestVehicle.func1.
    const { t, nodes } = tree('default.pgo');
    const path = (f: number) => {
      const out: string[] = [];
      for (let a = f; a > 0; a = t.parent[a]!) out.unshift(nodes.names[t.node[a]!]!);
      return out.slice(-3);
    };
    const f = Array.from(t.node).findIndex((n) => nodes.names[n] === 'time.subMono');
    expect(path(f)).toEqual(['rideshare/utility.FindNearestVehicle.func1', 'time.Since', 'time.subMono']);
  });
});

describe('flame search', () => {
  it('counts each sample once even when several of its frames match', () => {
    const { s, t, nodes } = tree('go.cpu.labels.pprof');
    // main.work calls runtime.duffzero: samples with both frames must count once.
    const { re } = compileSearch({ text: 'MAIN\\.WORK|DUFFZERO', regex: true, caseSensitive: false });
    const r = searchFlameTree(t, nodes.names, re!);
    // Independently: Σ value of the samples with any matching frame.
    const d = s.fullData();
    let expected = 0;
    for (let i = 0; i < d.sampleCount; i++) {
      let hit = false;
      for (let k = d.stackStart[i]!; k < d.stackStart[i + 1]! && !hit; k++) {
        const loc = d.stackLocations[k]!;
        for (let li = d.locationLineStart[loc]!; li < d.locationLineStart[loc + 1]!; li++) {
          if (/main\.work|duffzero/i.test(d.functionName[d.lineFunction[li]!]!)) hit = true;
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
    const { s, nodes, t } = tree('profile_java');
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
    // heap has recursive stacks; the callee side of any function never exceeds its cum.
    const { s, nodes, t } = tree('heap');
    const top = s.top(s.data.defaultSampleIndex, 'functions');
    for (let i = 0; i < 40; i++) {
      const sw = buildSandwich(t, nodes.names.indexOf(top.names[i]!), nodes.names);
      expect(sw.callees.total[0]).toBe(top.cum[i]);
      expect(sw.callers.total[0]).toBe(top.cum[i]);
    }
  });
});

describe('folded stacks', () => {
  it('writes one line per stack with its value, summing to the total', () => {
    const { t, nodes } = tree('cpu.pb.gz');
    const text = foldedStacks(t, nodes.names);
    const lines = text.trim().split('\n');
    const sum = lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum).toBe(t.total[0]);
    expect(lines.every((l) => /^[^;]+(;[^;]+)* -?\d+$/.test(l))).toBe(true);
  });
});
