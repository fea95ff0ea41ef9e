import { PairMap } from '../../common/pair-map';
import { type FlameTree, layoutFlameTree } from './flame-tree';

/** A function's callers (an inverted tree rooted at it) and callees, over all of its occurrences. */
export interface Sandwich {
  node: number;
  callers: FlameTree;
  callees: FlameTree;
}

class TreeBuilder {
  parent: number[] = [-1];
  node: number[] = [-1];
  self: number[] = [0];
  private children = new PairMap();
  child(p: number, n: number): number {
    let c = this.children.find(p, n);
    if (c < 0) {
      const slot = -c - 1;
      c = this.parent.length;
      this.parent.push(p);
      this.node.push(n);
      this.self.push(0);
      this.children.insert(slot, p, n, c);
    }
    return c;
  }
  finish(names: string[], sampleIndex: number): FlameTree {
    return layoutFlameTree(
      this.parent.length,
      Int32Array.from(this.parent),
      Int32Array.from(this.node),
      Float64Array.from(this.self),
      names,
      sampleIndex,
    );
  }
}

/**
 * Merges every outermost occurrence of `node` in the flame tree (an occurrence inside another is
 * already counted by it, so each sample counts once, even under recursion): callees are the
 * merged subtrees below it, callers the merged paths above it, inverted.
 */
export function buildSandwich(tree: FlameTree, node: number, names: string[]): Sandwich {
  const callers = new TreeBuilder();
  const callees = new TreeBuilder();
  const cRoot = callers.child(0, node);
  const dRoot = callees.child(0, node);
  const merged = new Int32Array(tree.size);
  let f = 1;
  while (f < tree.size) {
    if (tree.node[f] !== node) {
      f++;
      continue;
    }
    // Callers: the path from this occurrence up to the root, as an inverted branch.
    let c = cRoot;
    for (let a = tree.parent[f]!; a > 0; a = tree.parent[a]!) c = callers.child(c, tree.node[a]!);
    callers.self[c]! += tree.total[f]!;
    // Callees: the subtree, merged by path below the function.
    merged[f] = dRoot;
    callees.self[dRoot]! += tree.self[f]!;
    for (let g = f + 1; g < tree.end[f]!; g++) {
      const m = callees.child(merged[tree.parent[g]!]!, tree.node[g]!);
      merged[g] = m;
      callees.self[m]! += tree.self[g]!;
    }
    f = tree.end[f]!; // skip nested (recursive) occurrences
  }
  return {
    node,
    callers: callers.finish(names, tree.sampleIndex),
    callees: callees.finish(names, tree.sampleIndex),
  };
}

/** Folded stacks ("a;b;c value" per line, root first), one line per frame with self value. */
export function foldedStacks(tree: FlameTree, names: string[]): string {
  const lines: string[] = [];
  const path: string[] = [];
  for (let f = 1; f < tree.size; f++) {
    path.length = tree.depth[f]! - 1;
    path.push((names[tree.node[f]!] ?? '').replace(/[\r\n;]/g, ' '));
    if (tree.self[f] !== 0) lines.push(`${path.join(';')} ${tree.self[f]}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
