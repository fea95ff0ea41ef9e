import { type FlameTree, layoutFlameTree } from './flame-tree';
import { ChildTable } from './stack-trie';

/**
 * The bottom-up (inverted) call tree: its roots are the functions with self value, their
 * children the callers, and so on up to the entry points. A row's total is the self value of its
 * root function spent under that chain of callers; root totals are the functions' flat values.
 */
export function buildInvertedTree(tree: FlameTree, names: string[]): FlameTree {
  let cap = 1024;
  let parent = new Int32Array(cap);
  let node = new Int32Array(cap);
  let self = new Float64Array(cap);
  parent[0] = -1;
  node[0] = -1;
  let size = 1;
  const table = new ChildTable(Math.min(tree.size * 4, 1 << 22) + 16);
  const child = (p: number, n: number): number => {
    const found = table.find(p, n);
    if (found > 0) return found;
    if (size === cap) {
      cap *= 2;
      const np = new Int32Array(cap);
      np.set(parent);
      parent = np;
      const nn = new Int32Array(cap);
      nn.set(node);
      node = nn;
      const ns = new Float64Array(cap);
      ns.set(self);
      self = ns;
    }
    const c = size++;
    parent[c] = p;
    node[c] = n;
    table.insert(-found - 1, p, n, c);
    return c;
  };
  for (let f = 1; f < tree.size; f++) {
    const v = tree.self[f]!;
    if (v === 0) continue;
    let c = 0;
    for (let a = f; a > 0; a = tree.parent[a]!) c = child(c, tree.node[a]!);
    self[c]! += v;
  }
  return layoutFlameTree(size, parent, node, self, names, tree.sampleIndex);
}
