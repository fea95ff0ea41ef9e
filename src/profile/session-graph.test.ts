import { describe, expect, it } from 'vitest';
import { expectedReports, readFixture } from '../../tests/helpers/expected';
import { readFileSync } from 'node:fs';
import { openProfile } from './session';
import { ProfileSource } from './filtered-session';

// The graph view's DOT (what the worker lays out) is go tool pprof -dot's, nodelets included.
const graphLines = (t: string) => t.split('\n').filter((l) => /^N\d+/.test(l));

describe('session graph', () => {
  for (const fixture of ['go.cpu.labels.pprof', 'heap', 'dotnet.labels.pprof', 'cpu.pb.gz']) {
    it(`${fixture}: DOT equals pprof's`, () => {
      const s = openProfile(readFixture(fixture));
      for (const rep of expectedReports(fixture, 'dot')) {
        const g = s.graph(rep.sampleIndex, 'functions', { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 });
        expect(graphLines(g.dot), `${rep.sampleIndex}.${rep.sampleType}`).toEqual(graphLines(readFileSync(rep.file, 'utf8')));
      }
    });
  }

  it('after the idle preparation (node weights, label tables, the default cut), every sample type and option set gives the same DOT', () => {
    const optionSets = [
      { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 },
      { nodeCount: 10, nodeFraction: 0.005, edgeFraction: 0.01 }, // the default cut, reused
      { nodeCount: 80, nodeFraction: 0.05, edgeFraction: 0.001 }, // another cut
      { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 },
    ];
    for (const fixture of ['go.cpu.labels.pprof', 'heap', 'large.cpu']) {
      const prepared = openProfile(readFixture(fixture));
      for (const step of prepared.graphPreparation(0, 'functions')) step();
      // Type 0 prepared, the others not: each must still be its own graph, whatever came before.
      for (let si = 0; si < prepared.data.sampleTypes.length; si++) {
        for (const [i, opts] of optionSets.entries()) {
          const fresh = openProfile(readFixture(fixture)).graph(si, 'functions', opts).dot;
          expect(prepared.graph(si, 'functions', opts).dot, `${fixture} type ${si} options ${i}`).toBe(fresh);
        }
      }
    }
  });

  it('a filtered graph keeps the whole profile total and its nodelets', () => {
    const src = new ProfileSource(openProfile(readFixture('go.cpu.labels.pprof')));
    const g = src.session({ focus: 'slowFunction' }).graph(1, 'functions', { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 });
    expect(g.nodes.some((n) => n.name === 'main.fastFunction.func1')).toBe(false);
    expect(g.dot).toMatch(/N\d+_\d+ \[label = /); // label nodelets survive the filter
    expect(g.legend.join('\n')).toMatch(/of 8730ms total|of 8.73s total/);
  });
});

describe('session tree report', () => {
  for (const fixture of ['go.cpu.labels.pprof', 'heap', 'profile_java']) {
    it(`${fixture}: equals go tool pprof -tree`, () => {
      const s = openProfile(readFixture(fixture));
      for (const rep of expectedReports(fixture, 'tree.txt')) {
        const text = s.treeReport(rep.sampleIndex, 'functions', { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 });
        expect(text, `${rep.sampleIndex}.${rep.sampleType}`).toBe(readFileSync(rep.file, 'utf8'));
      }
    });
  }
});

