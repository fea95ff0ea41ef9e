import { type FlameTree, layoutFlameTree } from './flame-tree';
import { GrowableFloat64, GrowableInt32 } from '../model/growable';
import { PairMap } from '../../common/pair-map';

/**
 * The bottom-up (inverted) call tree: its roots are the functions with self value, their
 * children the callers, and so on up to the entry points. A row's total is the self value of its
 * root function spent under that chain of callers; root totals are the functions' flat values.
 */
export function buildInvertedTree(tree: FlameTree, names: string[]): FlameTree {
  const parent = new GrowableInt32();
  const node = new GrowableInt32();
  const self = new GrowableFloat64();
  parent.push(-1);
  node.push(-1);
  self.push(0);
  const table = new PairMap(Math.min(tree.size * 4, 1 << 22) + 16);
  const child = (p: number, n: number): number => {
    const found = table.find(p, n);
    if (found > 0) return found;
    const c = parent.length;
    parent.push(p);
    node.push(n);
    self.push(0);
    table.insert(-found - 1, p, n, c);
    return c;
  };
  for (let f = 1; f < tree.size; f++) {
    const v = tree.self[f]!;
    if (v === 0) continue;
    let c = 0;
    for (let a = f; a > 0; a = tree.parent[a]!) c = child(c, tree.node[a]!);
    self.data[c]! += v;
  }
  return layoutFlameTree(parent.length, parent.data, node.data, self.data, names, tree.sampleIndex);
}
