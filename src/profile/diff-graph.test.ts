import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED, readFixture } from '../../tests/helpers/expected';
import { loadProfile } from './load';
import { toProfileData } from './profile-data';
import { diffSession } from './session';

const graphLines = (t: string) => t.split('\n').filter((l) => /^N\d+/.test(l));

// The graph view of a diff is go tool pprof -diff_base -dot, nodelets included.
describe('diff graph', () => {
  it('equals go tool pprof -diff_base -dot', () => {
    const dir = join(SHARED, 'fixtures', 'expected-diff');
    let compared = 0;
    for (const pair of readdirSync(dir)) {
      const [b, n] = pair.split('__vs__') as [string, string];
      const s = diffSession(toProfileData(loadProfile(readFixture(b))), toProfileData(loadProfile(readFixture(n))));
      for (const f of readdirSync(join(dir, pair)).filter((x) => x.endsWith('.dot'))) {
        const g = s.graph(Number(f.split('.')[0]), 'functions', { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 });
        const ours = graphLines(g.dot);
        const theirs = graphLines(readFileSync(join(dir, pair, f), 'utf8'));
        // Nodes in order. Edges as a set: pprof sorts edges of equal |weight| but opposite sign
        // (which only diffs have) from a randomly ordered map, so their order is not reproducible.
        const nodes = (l: string[]) => l.filter((x) => !x.includes(' -> '));
        const edges = (l: string[]) => l.filter((x) => x.includes(' -> ')).sort();
        expect(nodes(ours), `${pair} ${f}`).toEqual(nodes(theirs));
        expect(edges(ours), `${pair} ${f}`).toEqual(edges(theirs));
        compared++;
      }
    }
    expect(compared).toBe(10);
  });
});
