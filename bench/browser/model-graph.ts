/**
 * The model side of the browser benchmark's Flamelens figures, in Node, for comparison: for each
 * file, openProfile(bytes) (gunzip, decode, validate, stack trie), session.flame (the flame tree
 * the flame graph draws), session.graph (pprof's call graph as DOT, 80 nodes) and the Graphviz
 * layout of that DOT (@viz-js/viz, the same WebAssembly build the worker runs).
 *
 *   node --max-old-space-size=16384 --import tsx bench/browser/model-graph.ts FILE[=GRAPH_RUNS]...
 *
 * Prints one JSON line per file (prefixed `MODEL-GRAPH `).
 */
import { readFileSync } from 'node:fs';
import { instance } from '@viz-js/viz';
import { openProfile } from '../../src/profile/model/session';

const GRAPH_OPTS = { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 };

async function main(): Promise<void> {
  const viz = await instance();
  for (const arg of process.argv.slice(2)) {
    const [file, runsText] = arg.split('=');
    const runs = Math.max(1, Math.min(10, Number(runsText ?? 3) || 3));
    const bytes = new Uint8Array(readFileSync(file!));
    let t = performance.now();
    const session = openProfile(bytes, { maxDecompressedBytes: 2 ** 31 - 1 });
    const openMs = performance.now() - t;
    const si = session.summary().defaultSampleIndex;
    t = performance.now();
    const flame = session.flame(si, 'functions');
    const flameMs = performance.now() - t;
    const graphMs: number[] = [];
    const layoutMs: number[] = [];
    let nodes = 0;
    let dotBytes = 0;
    for (let r = 0; r < runs; r++) {
      t = performance.now();
      const g = session.graph(si, 'functions', GRAPH_OPTS);
      graphMs.push(performance.now() - t);
      t = performance.now();
      const svg = viz.renderString(g.dot, { format: 'svg', engine: 'dot' });
      layoutMs.push(performance.now() - t);
      nodes = g.nodes.length;
      dotBytes = g.dot.length;
      if (!svg.includes('<svg')) throw new Error('no SVG from Graphviz');
    }
    console.log(
      `MODEL-GRAPH ${JSON.stringify({ file, openMs, flameMs, flameFrames: flame.tree.size, graphMs, layoutMs, nodes, dotBytes })}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
