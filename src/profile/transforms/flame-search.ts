import type { FlameTree } from './flame-tree';

export interface SearchQuery {
  text: string;
  regex: boolean;
  caseSensitive: boolean;
}

/** Compiles a search; a substring search escapes the text. Returns an error for a bad regex. */
export function compileSearch(q: SearchQuery): { re?: RegExp; error?: string } {
  if (q.text === '') return {};
  const source = q.regex ? q.text : q.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return { re: new RegExp(source, q.caseSensitive ? '' : 'i') };
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'invalid regular expression' };
  }
}

export interface SearchResult {
  /** 1 for each node (of the node table) whose name matches. */
  matchedNodes: Uint8Array;
  /** Number of distinct matching functions that appear in the tree. */
  functionCount: number;
  /** Σ value of the samples with at least one matching frame (each sample once). */
  covered: number;
}

/** Marks matching names and sums the samples they cover: a matching frame's subtree counts once. */
export function searchFlameTree(tree: FlameTree, names: string[], re: RegExp): SearchResult {
  const matchedNodes = new Uint8Array(names.length);
  for (let n = 0; n < names.length; n++) if (re.test(names[n]!)) matchedNodes[n] = 1;
  const seen = new Uint8Array(names.length);
  let functionCount = 0;
  let covered = 0;
  let f = 1;
  while (f < tree.size) {
    const n = tree.node[f]!;
    if (matchedNodes[n]) {
      covered += tree.total[f]!;
      // Count the distinct functions inside too, then skip the subtree for coverage.
      for (let g = f; g < tree.end[f]!; g++) {
        const m = tree.node[g]!;
        if (matchedNodes[m] && !seen[m]) {
          seen[m] = 1;
          functionCount++;
        }
      }
      f = tree.end[f]!;
    } else {
      f++;
    }
  }
  return { matchedNodes, functionCount, covered };
}
