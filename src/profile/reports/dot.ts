// DOT text of a call graph with pprof's styling (internal/graph/dotgraph.go ComposeDot).
import { type NodeInfo, basename, nameComponents } from '../model/nodes';
import type { CallGraph, GraphEdge, GraphNode } from './callgraph';
import { MAX_NODELETS, type Tag } from './callgraph-tags';
import { formatPercent, scaleValue, scaledLabel } from './format';
import { reportFormatter } from './legend';
import { compareStrings } from './top';

export interface DotOptions {
  /** The graph's name (pprof: basename of the first mapping's file); "unnamed" when empty. */
  title?: string;
  /** Legend lines (see reportLabels); no legend box when empty. */
  legend?: string[];
  /** rpt.total: percentages, colors and edge widths refer to it. Default: graph.total. */
  total?: number;
  /** Unit of the sample type (e.g. "nanoseconds", "bytes", "count"). */
  sampleUnit: string;
  /** Unit to print values in. Default: pprof's choice for these nodes (selectOutputUnit). */
  outputUnit?: string;
  /** Overrides the value formatter (pprof's DotConfig.FormatValue). */
  formatValue?: (v: number) => string;
}

/** Escapes a string for a double-quoted DOT string: `\`, `"`, and newlines (as `\l`). */
export function escapeForDot(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\l');
}

/** pprof's dotColor: red for large positive scores, grey near 0, green for negative (diffs). */
export function dotColor(score: number, isBackground: boolean): string {
  const shift = 0.7;
  let saturation = isBackground ? 0.1 : 1.0;
  const value = isBackground ? 0.93 : 0.7;
  if (score < -1.0) score = -1.0;
  else if (score > 1.0) score = 1.0;
  if (Math.abs(score) < 0.2) saturation *= Math.abs(score) / 0.2;
  if (score > 0.0) score = Math.pow(score, 1.0 - shift);
  if (score < 0.0) score = -Math.pow(-score, 1.0 - shift);
  let r: number;
  let g: number;
  if (score < 0.0) {
    g = value;
    r = value * (1 + saturation * score);
  } else {
    r = value;
    g = value * (1 - saturation * score);
  }
  const b = value * (1 - saturation);
  const hex = (x: number) => (Math.trunc(x * 255.0) & 0xff).toString(16).padStart(2, '0');
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}

const GO_VER = /^(.*?)\/v(?:[2-9]|[1-9][0-9]+)([./].*)$/;
const SHORTEN = [
  /^(?:[\w\-.]+\/)+([^.]+\..+)/, // Go
  /^(?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*(?:\$\d+)?))(?:(?:\()|$)/, // Java
  /^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?)/, // C++
];

/** pprof's ShortenFunctionName: drops package paths, Java packages and C++ namespaces. */
export function shortenFunctionName(f: string): string {
  f = f.replace(/^\(anonymous namespace\)::/, '');
  f = f.replace(GO_VER, '$1$2');
  for (const re of SHORTEN) {
    const m = re.exec(f);
    if (m && m.length >= 2) return m.slice(1).join('');
  }
  return f;
}

/** pprof's multilinePrintableName: the node label's name part, DOT-escaped, ending in `\n`. */
export function multilinePrintableName(info: NodeInfo): string {
  let name = escapeForDot(shortenFunctionName(info.name));
  name = name.split('::').join('\\n');
  name = name.split('[...]').join('[…]');
  name = name.split('.').join('\\n');
  const file = info.file !== '' ? basename(info.file) : '';
  return nameComponents({ ...info, name, file }).join('\\n') + '\\n';
}

/**
 * The DOT text of a call graph, as pprof's ComposeDot writes it: the legend box, one box per
 * node (font size by flat, color by cum), nodelets for tags, then the edges by weight (width
 * and color by weight, dotted when residual, `(inline)` marks). Every profile string is escaped.
 */
export function composeDot(graph: CallGraph, opts: DotOptions): string {
  const total = opts.total ?? graph.total;
  const format = opts.formatValue ?? reportFormatter(graph, total, opts.sampleUnit, opts.outputUnit).format;
  const out: string[] = [];
  const title = opts.title ? opts.title : 'unnamed';
  out.push(`digraph "${escapeForDot(title)}" {`);
  out.push('node [style=filled fillcolor="#f8f8f8"]');
  const legend = opts.legend ?? [];
  if (legend.length > 0) {
    let line = `subgraph cluster_L { "${escapeForDot(legend[0]!)}" [shape=box fontsize=16`;
    line += ` label="${legend.map(escapeForDot).join('\\l')}\\l"`;
    if (opts.title) line += ` tooltip="${escapeForDot(opts.title)}"`;
    line += '] }';
    out.push(line);
  }
  const nodes = graph.nodes;
  if (nodes.length > 0) {
    const ids = new Map<GraphNode, number>();
    let maxFlat = Math.abs(nodes[0]!.flat);
    nodes.forEach((n, i) => {
      ids.set(n, i + 1);
      if (Math.abs(n.flat) > maxFlat) maxFlat = Math.abs(n.flat);
    });
    const hasNodelets = new Set<GraphNode>();
    for (const n of nodes) {
      out.push(nodeLine(n, ids.get(n)!, maxFlat, total, format));
      const nodelets = nodeletLines(n, ids.get(n)!, format);
      if (nodelets.length > 0) {
        hasNodelets.add(n);
        out.push(...nodelets);
      }
    }
    for (const e of graph.edges) {
      out.push(edgeLine(e, ids.get(e.src)!, ids.get(e.dest)!, hasNodelets.has(e.src), total, format));
    }
  }
  out.push('}');
  return out.join('\n') + '\n';
}

function nodeLine(n: GraphNode, id: number, maxFlat: number, total: number, format: (v: number) => string): string {
  const { flat, cum } = n;
  let label = multilinePrintableName(n.info);
  const flatValue = format(flat);
  if (flat !== 0) label += `${flatValue} (${formatPercent(flat, total).trim()})`;
  else label += '0';
  let cumValue = flatValue;
  if (cum !== flat) {
    label += flat !== 0 ? '\\n' : ' ';
    cumValue = format(cum);
    label += `of ${cumValue} (${formatPercent(cum, total).trim()})`;
  }
  let fontSize = 8;
  if (maxFlat !== 0 && flat !== 0 && Math.abs(flat) <= maxFlat) {
    fontSize += Math.ceil(16 * Math.sqrt(Math.abs(flat) / maxFlat));
  }
  const score = cum / Math.abs(total);
  return (
    `N${id} [label="${label}" id="node${id}" fontsize=${fontSize} shape=box` +
    ` tooltip="${escapeForDot(n.name)} (${cumValue})" color="${dotColor(score, false)}" fillcolor="${dotColor(score, true)}"]`
  );
}

function edgeLine(
  e: GraphEdge,
  from: number,
  to: number,
  srcHasNodelets: boolean,
  total: number,
  format: (v: number) => string,
): string {
  const w = format(e.weight);
  let attr = `label=" ${w}${e.inline ? '\\n (inline)' : ''}"`;
  if (total !== 0) {
    // int64 divisions, as pprof.
    const weight = 1 + Math.min(Math.abs(Math.trunc((e.weight * 100) / total)), 100);
    if (weight > 1) attr += ` weight=${weight}`;
    const width = 1 + Math.min(Math.abs(Math.trunc((e.weight * 5) / total)), 5);
    if (width > 1) attr += ` penwidth=${width}`;
    attr += ` color="${dotColor(e.weight / Math.abs(total), false)}"`;
  }
  const arrow = e.residual ? '...' : '->';
  const tooltip = `"${escapeForDot(e.src.name)} ${arrow} ${escapeForDot(e.dest.name)} (${w})"`;
  attr += ` tooltip=${tooltip} labeltooltip=${tooltip}`;
  if (e.residual) attr += ' style="dotted"';
  if (srcHasNodelets) attr += ' minlen=2';
  return `N${from} -> N${to} [${attr}]`;
}

/** pprof's SortTags: by |cum| (unless flat), then |flat|, then name. */
function sortTags(tags: Tag[], flat: boolean): Tag[] {
  return tags.sort((a, b) => {
    if (!flat && a.cum !== b.cum) return Math.abs(b.cum) - Math.abs(a.cum);
    if (a.flat !== b.flat) return Math.abs(b.flat) - Math.abs(a.flat);
    return compareStrings(a.name, b.name);
  });
}

function tagLabel(t: Tag): string {
  return t.parts ? t.parts.map(escapeForDot).join('\\n') : escapeForDot(t.name);
}

function nodeletLines(n: GraphNode, id: number, format: (v: number) => string): string[] {
  const lines: string[] = [];
  // Leaf nodes show cum tags (they include the weight of dropped callees), others flat tags.
  const flatTags = n.out.length > 0;
  const ts = sortTags([...n.labelTags], flatTags).slice(0, MAX_NODELETS);
  ts.forEach((t, i) => {
    const w = flatTags ? t.flat : t.cum;
    if (w === 0) return;
    const weight = format(w);
    lines.push(`N${id}_${i} [label = "${tagLabel(t)}" id="N${id}_${i}" fontsize=8 shape=box3d tooltip="${weight}"]`);
    lines.push(`N${id} -> N${id}_${i} [label=" ${weight}" weight=100 tooltip="${weight}" labeltooltip="${weight}"]`);
    const nts = n.numericTags.get(t.name);
    if (nts) lines.push(...numericNodelets(nts, flatTags, `N${id}_${i}`, format));
  });
  const nts = n.numericTags.get('');
  if (nts) lines.push(...numericNodelets(nts, flatTags, `N${id}`, format));
  return lines;
}

function numericNodelets(nts: Tag[], flatTags: boolean, source: string, format: (v: number) => string): string[] {
  const lines: string[] = [];
  collapsedTags([...nts], MAX_NODELETS, flatTags).forEach((t, j) => {
    let w = t.cum;
    let attr = ' style="dotted"';
    if (flatTags || t.flat === t.cum) {
      w = t.flat;
      attr = '';
    }
    if (w === 0) return;
    const weight = format(w);
    lines.push(
      `N${source}_${j} [label = "${escapeForDot(t.name)}" id="N${source}_${j}" fontsize=8 shape=box3d tooltip="${weight}"]`,
    );
    lines.push(
      `${source} -> N${source}_${j} [label=" ${weight}" weight=100 tooltip="${weight}" labeltooltip="${weight}"${attr}]`,
    );
  });
  return lines;
}

/** pprof's collapsedTags: at most `count` numeric tags, the others joined to the nearest one. */
function collapsedTags(ts: Tag[], count: number, flatTags: boolean): Tag[] {
  sortTags(ts, flatTags);
  if (ts.length <= count) return ts;
  const groups: Tag[][] = ts.slice(0, count).map((t) => [t]);
  for (const t of ts.slice(count)) {
    let g = 0;
    let d = tagDistance(t, groups[0]![0]!);
    for (let i = 1; i < count; i++) {
      const nd = tagDistance(t, groups[i]![0]!);
      if (nd < d) {
        g = i;
        d = nd;
      }
    }
    groups[g]!.push(t);
  }
  return sortTags(
    groups.map((g) => tagGroup(g)),
    flatTags,
  );
}

function tagDistance(t: Tag, u: Tag): number {
  const [v] = scaleValue(u.value, u.unit, t.unit);
  return v < t.value ? t.value - v : v - t.value;
}

function tagGroup(g: Tag[]): Tag {
  const label = (t: Tag) => scaledLabel(t.value, t.unit, 'auto');
  if (g.length === 1) {
    const t = g[0]!;
    return { name: label(t), unit: t.unit, value: t.value, flat: t.flat, cum: t.cum };
  }
  let min = g[0]!;
  let max = g[0]!;
  let f = min.flat;
  let c = min.cum;
  for (const t of g.slice(1)) {
    if (Math.trunc(scaleValue(t.value, t.unit, min.unit)[0]) < min.value) min = t;
    if (Math.trunc(scaleValue(t.value, t.unit, max.unit)[0]) > max.value) max = t;
    f += t.flat;
    c += t.cum;
  }
  return { name: `${label(min)}..${label(max)}`, unit: min.unit, value: min.value, flat: f, cum: c };
}
