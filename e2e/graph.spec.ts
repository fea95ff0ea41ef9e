import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPECTED_DIR } from '../tests/helpers/corpus';
import { openFixture, openBytes, trackConsoleErrors } from './helpers';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';

const FIXTURE = 'go-cpu.pb.gz';
/** Nodes and edges of a pprof DOT file (N<i> definitions and N<a> -> N<b> lines). */
function dotShape(text: string) {
  return {
    nodes: (text.match(/^NN?\d+(_\d+)* \[/gm) ?? []).length,
    edges: (text.match(/^N\d+(_\d+)* -> NN?\d+(_\d+)* /gm) ?? []).length,
  };
}

test.describe('call graph', () => {
  test('lays out pprof’s graph with Graphviz; DOT download is what was laid out', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    await openFixture(page, FIXTURE);
    await page.getByTestId('view-graph').click();
    const graph = page.getByTestId('callgraph');
    await expect(graph.locator('svg g.node').first()).toBeVisible({ timeout: 30_000 });
    const expected = dotShape(readFileSync(join(EXPECTED_DIR, FIXTURE, '1.cpu.dot'), 'utf8'));
    await expect(graph.locator('svg g.node')).toHaveCount(expected.nodes);
    await expect(graph.locator('svg g.edge')).toHaveCount(expected.edges);
    await expect(graph.locator('svg')).toContainText('checksum');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-dot').click()]);
    const dot = readFileSync((await download.path())!, 'utf8');
    expect(dot.startsWith('digraph')).toBe(true);
    // The graph part is pprof's DOT: the same node and edge lines as go tool pprof -dot.
    const lines = (t: string) => t.split('\n').filter((l) => /^NN?\d+/.test(l));
    expect(lines(dot)).toEqual(lines(readFileSync(join(EXPECTED_DIR, FIXTURE, '1.cpu.dot'), 'utf8')));

    // Click a node: it is selected (others fade) and its menu focuses on it.
    const node = graph.locator('svg g.node', { hasText: 'fibHandler' }).first();
    await node.click();
    await expect(graph.locator('svg.has-selection')).toHaveCount(1);
    await expect(page.getByTestId('graph-node-name')).toContainText('main.fibHandler');
    await page.getByTestId('graph-node-menu').getByText('Focus').click();
    await expect(page.getByTestId('filter-chip')).toHaveAttribute('data-kind', 'focus');
    await expect(graph.locator('svg g.node', { hasText: 'checksumHandler' })).toHaveCount(0);

    // Fewer nodes on request.
    await page.getByTestId('filter-chip-remove').click();
    await page.getByTestId('graph-nodecount').fill('5');
    await expect(graph).toHaveAttribute('data-nodes', /^[1-5]$/);
    expect(errors).toEqual([]);
  });

  test('profile strings never become live markup in the graph', async ({ page }) => {
    await page.goto('/?mode=file&view=graph');
    const st = new StringTable();
    const names = ['<img src=x onerror="window.__pwned=1">', 'a"b\\c</text><script>window.__pwned=2</script>'];
    const profile = new Profile({
      sampleType: [new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') })],
      sample: [new Sample({ locationId: [1, 2], value: [5] })],
      location: names.map((_, i) => new Location({ id: i + 1, line: [new Line({ functionId: i + 1 })] })),
      function: names.map((n, i) => new PFunction({ id: i + 1, name: st.dedup(n), systemName: st.dedup(`x${i}`) })),
      stringTable: st,
    });
    await openBytes(page, 'evil.pb', Buffer.from(profile.encode()));
    const graph = page.getByTestId('callgraph');
    await expect(graph.locator('svg g.node')).toHaveCount(2, { timeout: 30_000 });
    expect(await page.locator('img, script:not([src])').count()).toBe(0);
    await expect(graph.locator('svg')).toContainText('onerror');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});
