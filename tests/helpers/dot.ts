// A parser for the DOT that pprof writes (one statement per line), to compare call graphs
// structurally: nodes, nodelets and edges with their attributes, not the layout.

export interface DotStatement {
  /** The line as written. */
  line: string;
  attrs: Record<string, string>;
}

export interface DotNode extends DotStatement {
  id: string;
}

export interface DotEdge extends DotStatement {
  from: string;
  to: string;
}

export interface ParsedDot {
  title: string;
  /** The legend lines (the cluster_L label split at `\l`), unescaped. */
  legend: string[];
  /** Call graph nodes (N<i>), in order. */
  nodes: DotNode[];
  /** Nodelets (N<i>_<j>, NN<i>_<j>…), in order. */
  nodelets: DotNode[];
  /** Edges between call graph nodes, in order. */
  edges: DotEdge[];
  /** Edges from a node to its nodelets. */
  nodeletEdges: DotEdge[];
}

/** Parses `key=value` pairs; values are bare tokens or "quoted" strings with backslash escapes (kept as written). */
export function parseAttrs(s: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  let i = 0;
  const n = s.length;
  const skipWs = () => {
    while (i < n && /\s/.test(s[i]!)) i++;
  };
  while (i < n) {
    skipWs();
    if (i >= n) break;
    let key = '';
    while (i < n && /[\w]/.test(s[i]!)) key += s[i++];
    skipWs();
    if (s[i] !== '=') throw new Error(`bad attribute list at ${i}: ${s}`);
    i++;
    skipWs();
    let value = '';
    if (s[i] === '"') {
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) {
          value += s[i]! + s[i + 1]!;
          i += 2;
        } else value += s[i++];
      }
      i++; // closing quote
    } else {
      while (i < n && !/\s/.test(s[i]!)) value += s[i++];
    }
    attrs[key] = value;
  }
  return attrs;
}

/** The inside of `[...]` at the end of a statement line. */
function bracket(line: string): string {
  const open = line.indexOf('[');
  const close = line.lastIndexOf(']');
  return line.slice(open + 1, close);
}

/** Undoes pprof's escapeForDot in a quoted value (`\"`, `\\`, and `\l` for a newline). */
export function unescapeDot(s: string): string {
  return s.replace(/\\(["\\l])/g, (_, c: string) => (c === 'l' ? '\n' : c));
}

export function parseDot(text: string): ParsedDot {
  const lines = text.split('\n');
  const title = /^digraph "(.*)" \{$/.exec(lines[0] ?? '')?.[1] ?? '';
  const out: ParsedDot = { title, legend: [], nodes: [], nodelets: [], edges: [], nodeletEdges: [] };
  for (const line of lines.slice(1)) {
    if (line.startsWith('subgraph cluster_L')) {
      const m = /label="((?:[^"\\]|\\.)*)"/.exec(line);
      if (m) {
        const label = m[1]!.replace(/\\l$/, '');
        out.legend = label.split('\\l').map(unescapeDot);
      }
      continue;
    }
    let m = /^(N\w*) -> (N\w*) \[/.exec(line);
    if (m) {
      const e: DotEdge = { line, from: m[1]!, to: m[2]!, attrs: parseAttrs(bracket(line)) };
      if (/^N\d+$/.test(e.to)) out.edges.push(e);
      else out.nodeletEdges.push(e);
      continue;
    }
    m = /^(N\w*) \[/.exec(line);
    if (m) {
      const node: DotNode = { line, id: m[1]!, attrs: parseAttrs(bracket(line)) };
      if (/^N\d+$/.test(node.id)) out.nodes.push(node);
      else out.nodelets.push(node);
    }
  }
  return out;
}
