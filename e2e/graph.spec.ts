import { type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPECTED_DIR, PROFILES_DIR, TESTDATA } from '../tests/helpers/corpus';
import { contrast, hueChroma, parseRgb, textAndBackground } from './colors';
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

/** The nodes (their titles) whose box is not entirely inside the graph's viewport. */
async function nodesOutside(page: Page): Promise<string[]> {
  return page.getByTestId('callgraph').evaluate((viewport) => {
    const v = viewport.getBoundingClientRect();
    return Array.from(viewport.querySelectorAll('svg g.node'))
      .filter((g) => {
        const r = g.getBoundingClientRect();
        return r.left < v.left - 0.5 || r.top < v.top - 0.5 || r.right > v.right + 0.5 || r.bottom > v.bottom + 0.5;
      })
      .map((g) => g.querySelector('title')?.textContent ?? '?');
  });
}

/** A value pprof prints (0.41s, -10ms, 1.50MB...) in its base unit, for comparisons of size. */
function pprofValue(text: string): number {
  const m = /^(-?[\d.]+)([a-zµ]*)$/i.exec(text)!;
  const scale: Record<string, number> = {
    '': 1,
    ns: 1e-9,
    us: 1e-6,
    µs: 1e-6,
    ms: 1e-3,
    s: 1,
    kB: 1024,
    MB: 1024 ** 2,
    GB: 1024 ** 3,
    B: 1,
  };
  return Number(m[1]) * (scale[m[2]!] ?? 1);
}

/** The main nodes of a pprof DOT file: id (N<i>), name and cum, from the tooltip pprof writes. */
function dotNodes(dot: string): { id: string; name: string; cum: number }[] {
  return [...dot.matchAll(/^(N\d+) \[.* tooltip="(.*) \((-?[^()]+)\)" color=/gm)].map((m) => ({
    id: m[1]!,
    name: m[2]!,
    cum: pprofValue(m[3]!),
  }));
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

  for (const size of [
    { width: 1600, height: 1000 },
    { width: 1000, height: 700 },
  ]) {
    test(`Fit shows every node of the graph at ${size.width}×${size.height}`, async ({ page }) => {
      await page.setViewportSize(size);
      await page.goto('/?mode=file');
      await openFixture(page, FIXTURE);
      await page.getByTestId('view-graph').click();
      const graph = page.getByTestId('callgraph');
      await expect(graph.locator('svg g.node').first()).toBeVisible({ timeout: 30_000 });
      // Fitted when it appears...
      await expect.poll(() => nodesOutside(page)).toEqual([]);
      // ...and by Fit, after zooming in.
      const box = (await graph.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -100);
      await expect.poll(async () => (await nodesOutside(page)).length).toBeGreaterThan(0);
      await page.getByTestId('graph-fit').click();
      await expect.poll(() => nodesOutside(page)).toEqual([]);
    });
  }

  test('a diff graph: the nodes that changed most are clearly red and green at fit, readable, and the DOT is pprof’s', async ({
    page,
  }) => {
    await page.goto('/?mode=file');
    await openFixture(page, 'go-cpu.pb.gz');
    await page.getByTestId('baseline-file-input').setInputFiles({
      name: 'go-cpu-variant.pb.gz',
      mimeType: 'application/octet-stream',
      buffer: readFileSync(join(PROFILES_DIR, 'go-cpu-variant.pb.gz')),
    });
    await expect(page.getByTestId('diff-description')).toContainText('go-cpu-variant.pb.gz');
    await page.getByTestId('view-graph').click();
    const graph = page.getByTestId('callgraph');
    await expect(graph.locator('svg g.node').first()).toBeVisible({ timeout: 30_000 });

    // The download is pprof's DOT (-diff_base), as the model's golden tests compare it: nodes
    // line for line, nodelets and edges as sets (pprof orders those of equal |weight| and
    // opposite sign as a Go map does, not reproducibly: testdata/README.md).
    const expected = readFileSync(join(TESTDATA, 'expected-diff', 'go-cpu-variant.pb.gz__vs__go-cpu.pb.gz', '1.cpu.dot'), 'utf8');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-dot').click()]);
    const dot = readFileSync((await download.path())!, 'utf8');
    const graphLines = (t: string) => t.split('\n').filter((l) => /^N\d+/.test(l) && !/ -> N0 \[/.test(l));
    const nodeLines = (t: string) => graphLines(t).filter((l) => /^N\d+ \[/.test(l));
    const rest = (t: string) =>
      graphLines(t)
        .filter((l) => !/^N\d+ \[/.test(l))
        .map((l) => l.replace(/N(\d+)_\d+/g, 'N$1_*'))
        .sort();
    expect(nodeLines(dot)).toEqual(nodeLines(expected));
    expect(rest(dot)).toEqual(rest(expected));

    // The largest growth is clearly red, the largest shrinkage clearly green, at fit size, and
    // their labels read at a contrast of 4.5 or more.
    const nodes = dotNodes(expected);
    const grew = nodes.reduce((a, b) => (b.cum > a.cum ? b : a));
    const shrank = nodes.reduce((a, b) => (b.cum < a.cum ? b : a));
    expect(grew.cum).toBeGreaterThan(0);
    expect(shrank.cum).toBeLessThan(0);
    const node = (id: string) => graph.locator('svg g.node').filter({ has: page.locator(`title:text-is("${id}")`) });
    const fillOf = async (id: string) =>
      parseRgb(
        await node(id)
          .locator('polygon')
          .first()
          .evaluate((e) => getComputedStyle(e).fill),
      );
    const look = async (id: string) => hueChroma(await fillOf(id));
    const red = await look(grew.id);
    const green = await look(shrank.id);
    expect(red.chroma, `${grew.name} fill`).toBeGreaterThanOrEqual(0.3);
    expect(Math.min(red.hue, 360 - red.hue), `${grew.name} hue`).toBeLessThan(15);
    expect(green.chroma, `${shrank.name} fill`).toBeGreaterThanOrEqual(0.3);
    expect(green.hue, `${shrank.name} hue`).toBeGreaterThan(90);
    expect(green.hue, `${shrank.name} hue`).toBeLessThan(150);
    for (const n of [grew, shrank]) {
      const { text, background } = await textAndBackground(node(n.id).locator('text').first());
      expect(contrast(parseRgb(text), parseRgb(background)), `${n.name} label`).toBeGreaterThanOrEqual(4.5);
    }
    await expect.poll(() => nodesOutside(page)).toEqual([]);
    await expect(page.getByTestId('graph-diff-legend')).toContainText('full color = ±670ms');
    // The color-blind palette: orange and blue.
    await page.getByTestId('graph-colorblind').check();
    await expect.poll(async () => Math.round((await look(grew.id)).hue)).toBeGreaterThan(15);
    expect((await look(grew.id)).hue).toBeLessThan(45);
    expect((await look(shrank.id)).hue).toBeGreaterThan(190);
  });
});
