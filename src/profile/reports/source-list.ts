// pprof's `-list` report (report.printSource): for each function whose name matches a regexp, the
// lines of its source file with the flat and cum of the graph's nodes at `lines` granularity.
// The source text itself is not read here (the page finds it); this computes which lines a
// routine shows and their values, and cuts the rows at the end of the file as pprof does.
import { type AggregatedGraph, aggregateGraph } from '../model/aggregate';
import { sideSelf } from '../model/diff';
import type { NodeTable } from '../model/nodes';
import type { ProfileData } from '../model/profile-data';
import type { StackTrie } from '../model/stack-trie';
import { compareStrings } from './top';

/** pprof shows this many lines around a function's first and last sampled line. */
const MARGIN = 5;

export interface ListLines {
  /** Line numbers of the window, first to last (inclusive) before the end-of-file cut. */
  start: number;
  end: number;
  /** flat[l - start], cum[l - start]: values of line l (pprof's raw difference in a diff). */
  flat: Float64Array;
  cum: Float64Array;
  /** In a diff, each side's own values (both positive). */
  base?: { flat: Float64Array; cum: Float64Array };
  next?: { flat: Float64Array; cum: Float64Array };
}

export interface ListRoutine {
  /** The function's name, as the regexp saw it. */
  name: string;
  /** Its source file as the profile names it (cleaned as pprof cleans it); '' when none. */
  file: string;
  /** pprof's header: Σ flat and Σ cum of the routine's lines (a line's cum counts once per sample,
   * so under recursion across lines the header's cum can exceed the function's own). */
  flat: number;
  cum: number;
  /** Absent when the function has no file name: pprof prints "No source information". */
  lines?: ListLines;
  /** True when every sampled line of the routine is line 0: the profile gives no line numbers. */
  noLineNumbers: boolean;
}

export interface SourceListing {
  /** pprof's "Total:", what the header's percentage divides by. */
  total: number;
  unit: string;
  routines: ListRoutine[];
  /** In a diff: Σ|value| of each side. */
  diff?: { baseTotal: number; nextTotal: number };
  /** Whether any function of the profile has both a file name and a line number. */
  hasLineTable: boolean;
}

/** What listing needs of a session (ProfileSession has these). */
export interface ListSource {
  data: ProfileData;
  trie: StackTrie;
  diff?: { baseLocationCount: number; baseTotals: number[]; nextTotals: number[] };
  nodes(granularity: 'lines'): NodeTable;
  percentTotal(sampleIndex: number): number;
}

/** The line nodes' flat and cum a listing reads (and each side's, in a diff): kept for other regexps. */
export interface ListGraphs {
  nodes: NodeTable;
  graph: AggregatedGraph;
  sides?: { base: AggregatedGraph; next: AggregatedGraph };
}

export function listGraphs(s: ListSource, sampleIndex: number): ListGraphs {
  const nodes = s.nodes('lines');
  const graph = aggregateGraph(s.trie, nodes, sampleIndex);
  if (!s.diff) return { nodes, graph };
  const { base, next } = sideSelf(s.trie, s.diff.baseLocationCount, sampleIndex);
  return {
    nodes,
    graph,
    sides: {
      base: aggregateGraph(s.trie, nodes, sampleIndex, { self: base }),
      next: aggregateGraph(s.trie, nodes, sampleIndex, { self: next }),
    },
  };
}

/**
 * pprof's `-list <regexp>` for one sample type: routines in name order, then file order; `matches`
 * is the regexp (Go's semantics: a match anywhere in the name).
 */
export function sourceListing(
  s: ListSource,
  sampleIndex: number,
  matches: (name: string) => boolean,
  graphs: ListGraphs = listGraphs(s, sampleIndex),
): SourceListing {
  const { nodes, graph, sides } = graphs;
  const startLine = (n: number) => {
    const fi = nodes.functionIndex[n]!;
    return fi >= 0 ? s.data.functionStartLine[fi]! : 0;
  };
  return {
    total: s.percentTotal(sampleIndex),
    unit: s.data.sampleTypes[sampleIndex]?.unit ?? '',
    routines: listRoutines(nodes, graph, startLine, matches, sides),
    diff: s.diff && { baseTotal: s.diff.baseTotals[sampleIndex]!, nextTotal: s.diff.nextTotals[sampleIndex]! },
    hasLineTable: hasLineTable(s.data),
  };
}

/**
 * The routines of the matching nodes. As in pprof, only nodes with a non-zero flat or cum exist
 * (in a diff: non-zero after the sides net out), they are grouped by name and then by file, and
 * a routine's window runs from its function's start line (or 5 lines before its first sampled
 * line when the profile has no start line) to 5 lines after its last sampled line.
 */
export function listRoutines(
  nodes: NodeTable,
  graph: Pick<AggregatedGraph, 'flat' | 'cum'>,
  startLine: (node: number) => number,
  matches: (name: string) => boolean,
  sides?: { base: Pick<AggregatedGraph, 'flat' | 'cum'>; next: Pick<AggregatedGraph, 'flat' | 'cum'> },
): ListRoutine[] {
  // name → file → nodes
  const byName = new Map<string, Map<string, number[]>>();
  const verdict = new Map<string, boolean>(); // the regexp once per name
  for (let n = 0; n < nodes.infos.length; n++) {
    if (graph.flat[n] === 0 && graph.cum[n] === 0) continue;
    const { name, file } = nodes.infos[n]!;
    let ok = verdict.get(name);
    if (ok === undefined) verdict.set(name, (ok = matches(name)));
    if (!ok) continue;
    let files = byName.get(name);
    if (!files) byName.set(name, (files = new Map()));
    const list = files.get(file);
    if (list) list.push(n);
    else files.set(file, [n]);
  }
  const out: ListRoutine[] = [];
  for (const name of [...byName.keys()].sort(compareStrings)) {
    const files = byName.get(name)!;
    const named = [...files.keys()].filter((f) => f !== '').sort(compareStrings);
    if (named.length === 0) {
      const all = [...files.values()].flat();
      out.push({ name, file: '', ...sums(all, graph), noLineNumbers: all.every((n) => nodes.infos[n]!.lineno === 0) });
      continue;
    }
    for (const file of named) {
      const fns = files.get(file)!;
      out.push({
        name,
        file,
        ...sums(fns, graph),
        lines: lineValues(fns, nodes, graph, startLine, sides),
        noLineNumbers: fns.every((n) => nodes.infos[n]!.lineno === 0),
      });
    }
  }
  return out;
}

function sums(fns: number[], graph: Pick<AggregatedGraph, 'flat' | 'cum'>) {
  let flat = 0;
  let cum = 0;
  for (const n of fns) {
    flat += graph.flat[n]!;
    cum += graph.cum[n]!;
  }
  return { flat, cum };
}

/**
 * pprof's getSourceFromFile without the file: the window and each line's Σ over the nodes of
 * that line. pprof starts from its first node in map order; with one start line per function
 * (every profile in practice) that order does not matter, and this takes the smallest start and
 * the largest end, which is what any order gives then.
 */
function lineValues(
  fns: number[],
  nodes: NodeTable,
  graph: Pick<AggregatedGraph, 'flat' | 'cum'>,
  startLine: (node: number) => number,
  sides?: { base: Pick<AggregatedGraph, 'flat' | 'cum'>; next: Pick<AggregatedGraph, 'flat' | 'cum'> },
): ListLines {
  let start = Infinity;
  let end = -Infinity;
  for (const n of fns) {
    const lineno = nodes.infos[n]!.lineno;
    const s = startLine(n);
    start = Math.min(start, s !== 0 ? s : lineno - MARGIN);
    end = Math.max(end, lineno + MARGIN);
  }
  start = Math.max(1, start);
  const size = Math.max(0, end - start + 1);
  const make = () => ({ flat: new Float64Array(size), cum: new Float64Array(size) });
  const own = make();
  const base = sides && make();
  const next = sides && make();
  for (const n of fns) {
    const i = nodes.infos[n]!.lineno - start;
    if (i < 0 || i >= size) continue; // line 0 (unknown) is never in a window, as in pprof
    own.flat[i]! += graph.flat[n]!;
    own.cum[i]! += graph.cum[n]!;
    if (sides) {
      base!.flat[i]! += sides.base.flat[n]!;
      base!.cum[i]! += sides.base.cum[n]!;
      next!.flat[i]! += sides.next.flat[n]!;
      next!.cum[i]! += sides.next.cum[n]!;
    }
  }
  return { start, end, ...own, base, next };
}

/**
 * The line numbers pprof prints for a routine: its window, stopping at the end of the file when
 * the file is known (pprof stops at the first line it cannot read).
 */
export function shownLines(lines: ListLines, fileLineCount?: number): number[] {
  const last = fileLineCount === undefined ? lines.end : Math.min(lines.end, fileLineCount);
  const out: number[] = [];
  for (let l = lines.start; l <= last; l++) out.push(l);
  return out;
}

/** A file's lines as pprof's reader splits them (bufio.ScanLines: "\n", a trailing "\r" dropped). */
export function splitSourceLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Whether any function has a file name and any line a number: without both, no source view. */
export function hasLineTable(data: ProfileData): boolean {
  let anyLine = false;
  for (let li = 0; li < data.lineFunction.length; li++) {
    const fi = data.lineFunction[li]!;
    if (fi >= 0 && data.lineNumber[li]! > 0 && data.functionFile[fi]) {
      anyLine = true;
      break;
    }
  }
  return anyLine;
}

/** Go's regexp.QuoteMeta: a name as a regexp that matches it literally. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** What listMatcher needs of re2js's RE2JS (passed in, so that the library loads only when used). */
export interface Re2Compiler {
  compile(source: string): { test(input: string): boolean };
}

/**
 * The `-list` regexp with Go's semantics, as pprof compiles it: RE2 syntax, case-sensitive,
 * matching anywhere in the name (not anchored). Throws ListRegexpError when it does not compile.
 */
export function listMatcher(re2: Re2Compiler, source: string): (name: string) => boolean {
  let re: { test(input: string): boolean };
  try {
    re = re2.compile(source);
  } catch (e) {
    throw new ListRegexpError(
      `list: invalid regular expression ${JSON.stringify(source)}: ${e instanceof Error ? e.message : e}`,
    );
  }
  return (name) => re.test(name);
}

export class ListRegexpError extends Error {}
