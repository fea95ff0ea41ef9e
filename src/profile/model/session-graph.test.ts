import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { openProfile } from './session';
import { ProfileSource } from './filtered-session';

describe('session graph', () => {
  it('after the idle preparation (node weights, label tables, the default cut), every sample type and option set gives the same DOT', () => {
    const optionSets = [
      { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 },
      { nodeCount: 10, nodeFraction: 0.005, edgeFraction: 0.01 }, // the default cut, reused
      { nodeCount: 80, nodeFraction: 0.05, edgeFraction: 0.001 }, // another cut
      { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 },
    ];
    for (const fixture of ['go-cpu.pb.gz', 'go-heap.pb.gz', 'large.cpu']) {
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
    const src = new ProfileSource(openProfile(readFixture('go-cpu.pb.gz')));
    const g = src
      .session({ focus: 'fibHandler' })
      .graph(1, 'functions', { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 });
    expect(g.nodes.some((n) => n.name === 'main.checksum')).toBe(false);
    expect(g.nodes.some((n) => n.name === 'main.fib')).toBe(true);
    expect(g.dot).toMatch(/N\d+_\d+ \[label = /); // label nodelets survive the filter
    expect(g.legend.join('\n')).toMatch(/of 2310ms total/);
  });
});
