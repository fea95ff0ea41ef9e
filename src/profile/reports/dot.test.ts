import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDot } from '../../../tests/helpers/dot';
import { readFixture } from '../../../tests/helpers/corpus';
import { GOLDENS_DIR } from '../../../tests/helpers/goldens';
import { type CallGraph, type GraphNode, buildCallGraph } from './callgraph';
import type { Tag } from './callgraph-tags';
import { composeDot, dotColor, escapeForDot, multilinePrintableName, shortenFunctionName } from './dot';
import { profileDot } from '../../../tests/oracle/reports';
import { loadProfile } from '../../../tests/oracle/load';
import type { NodeInfo } from '../model/nodes';
import { toProfileData } from '../../../tests/oracle/profile-data';
import { buildStackTrie } from '../model/stack-trie';
import { buildNodeTable } from '../model/nodes';

function info(name: string, extra: Partial<NodeInfo> = {}): NodeInfo {
  return { name, address: 0, file: '', startLine: 0, lineno: 0, objfile: '', ...extra };
}

/** pprof's dotgraph_test baseGraph: src (flat 10, cum 25) → dest (flat 15, cum 25), weight 10, total 100. */
function baseGraph(srcName = 'src', destName = 'dest'): CallGraph {
  const mk = (name: string, flat: number, cum: number): GraphNode => ({
    node: 0,
    info: info(name),
    name,
    flat,
    cum,
    in: [],
    out: [],
    labelTags: [],
    numericTags: new Map(),
  });
  const src = mk(srcName, 10, 25);
  const dest = mk(destName, 15, 25);
  const e = { src, dest, weight: 10, inline: false, residual: false };
  src.out.push(e);
  dest.in.push(e);
  return {
    nodes: [src, dest],
    edges: [e],
    total: 100,
    graphFlatTotal: 25,
    nodeCut: 0,
    edgeCut: 0,
    origCount: 2,
    droppedNodes: 0,
    droppedEdges: 0,
    options: { nodeCount: 0, nodeFraction: 0, edgeFraction: 0, order: 'entropy' },
  };
}

const compose = (g: CallGraph, legend = ['label1', 'label2', 'label3: "foo"']) =>
  composeDot(g, { title: 'testtitle', legend, total: 100, sampleUnit: '', formatValue: (v) => String(v) });
const golden = (name: string) => readFileSync(join(GOLDENS_DIR, 'goldens', 'graph', name), 'utf8');
const tag = (name: string, flat: number, cum: number): Tag => ({ name, unit: '', value: 0, flat, cum });

// pprof's own ComposeDot goldens (internal/graph/testdata). compose2 and compose6 need node
// attributes (shapes, URLs) and a legend URL, which the app does not offer.
describe("pprof's ComposeDot goldens", () => {
  it('compose1: a standard graph', () => expect(compose(baseGraph())).toBe(golden('compose1.dot')));
  it('compose3: label and numeric tags, a residual edge', () => {
    const g = baseGraph();
    g.nodes[0]!.labelTags = [tag('tag1', 10, 10)];
    g.nodes[0]!.numericTags.set('', [tag('tag2', 20, 20)]);
    g.edges[0]!.residual = true;
    expect(compose(g)).toBe(golden('compose3.dot'));
  });
  it('compose4: an empty graph', () => {
    const g = baseGraph();
    g.nodes = [];
    g.edges = [];
    expect(compose(g)).toBe(golden('compose4.dot'));
  });
  it('compose5: a numeric tag under a label tag', () => {
    const g = baseGraph();
    g.nodes[0]!.labelTags = [tag('tag1', 10, 10)];
    g.nodes[0]!.numericTags.set('tag1', [tag('tag2', 20, 20)]);
    expect(compose(g)).toBe(golden('compose5.dot'));
  });
  it('compose7: names that need escaping', () =>
    expect(compose(baseGraph('var"src"', 'var"#dest#"'))).toBe(golden('compose7.dot')));
  it('compose9: legend lines with newlines and quotes', () =>
    expect(
      compose(baseGraph(), ['comment line 1\ncomment line 2 "unterminated double quote', 'second comment "double quote"']),
    ).toBe(golden('compose9.dot')));
});

describe('DOT escaping', () => {
  it('keeps any profile string inside its quotes', () => {
    const nasty = 'a"b\\c\nd] [label="x"';
    const g = baseGraph(nasty, 'x\\');
    const dot = compose(g, [nasty]);
    const parsed = parseDot(dot);
    expect(parsed.nodes).toHaveLength(2);
    expect(parsed.edges).toHaveLength(1);
    // Every statement line still parses into its attributes; nothing leaked out of a string.
    for (const n of parsed.nodes)
      expect(Object.keys(n.attrs)).toEqual(['label', 'id', 'fontsize', 'shape', 'tooltip', 'color', 'fillcolor']);
    expect(Object.keys(parsed.edges[0]!.attrs)).toEqual(['label', 'weight', 'color', 'tooltip', 'labeltooltip']);
    expect(dot.split('\n').length).toBe(8); // 7 statements and the final newline: no raw newline got through
    expect(escapeForDot('a\\"b\nc')).toBe('a\\\\\\"b\\lc');
  });
  it('escapes label sets of nodelets', () => {
    const g = baseGraph();
    g.nodes[0]!.labelTags = [{ ...tag('k:"v"', 10, 10), parts: ['k:"v"', 'q:\\'] }];
    const dot = compose(g);
    expect(dot).toContain('N1_0 [label = "k:\\"v\\"\\nq:\\\\" id="N1_0"');
  });
});

describe('DOT label helpers', () => {
  it('shortens function names as pprof', () => {
    expect(shortenFunctionName('path/to/package1.object.function1')).toBe('package1.object.function1');
    expect(shortenFunctionName('java.bar.foo.FooBar.run(java.lang.Runnable)')).toBe('FooBar.run');
    expect(shortenFunctionName('(anonymous namespace)::Bar::Foo')).toBe('Bar::Foo');
    expect(shortenFunctionName('github.com/x/y/v2/pkg.F')).toBe('pkg.F');
    expect(multilinePrintableName(info('path/to/package1.object.function1'))).toBe('package1\\nobject\\nfunction1\\n');
    expect(multilinePrintableName(info('pkg.F[...]', { file: '/a/b/c.go', lineno: 3 }))).toBe('pkg\\nF[…]\\nc.go:3\\n');
  });
  it('colors like pprof', () => {
    expect(dotColor(0.25, false)).toBe('#b23c00');
    expect(dotColor(0.25, true)).toBe('#edddd5');
    expect(dotColor(0, false)).toBe('#b2b2b2');
    expect(dotColor(-0.5, false)[0]).toBe('#');
  });
});

it('an empty profile composes to an empty graph', () => {
  const data = toProfileData(loadProfile(readFixture('go-cpu-tiny.pb.gz')));
  const trie = buildStackTrie({
    ...data,
    sampleCount: 0,
    stackStart: new Int32Array(1),
    values: data.values.map(() => new Float64Array(0)),
  });
  const nodes = buildNodeTable(data, 'functions');
  const g = buildCallGraph(trie, nodes, 1);
  expect(g.nodes).toHaveLength(0);
  expect(profileDot(g, data, 1)).toContain('Showing nodes accounting for 0, 0% of 0 total');
});
