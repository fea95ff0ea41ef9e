// stack_trace_selector.call_site: keep only stacks whose root-first function names start with
// the given names.
import { Slicer } from '../slice';
import type { ProfileStore } from '../storage/store';
import { frameNames } from './flamegraph';
import type { MergedStacks } from './merge';

export async function filterByCallSite(
  store: ProfileStore,
  merged: MergedStacks,
  callSite: string[],
  slicer = new Slicer(),
): Promise<MergedStacks> {
  if (callSite.length === 0) return merged;
  let total = 0;
  for (const [scopeId, values] of merged.byScope) {
    const scope = store.scope(scopeId);
    // matched[node]: how many call-site names the path to node matches; -1 = diverged.
    const matched = new Int32Array(values.length).fill(-2);
    matched[0] = 0;
    const path: number[] = [];
    // Node ids, parents and locations index the scope's own tables: valid by construction.
    for (let node = 1; node < values.length; node++) {
      if (values[node] === 0) continue;
      if ((node & 1023) === 0) await slicer.tick();
      path.length = 0;
      let n = node;
      while (matched[n] === -2) {
        path.push(n);
        n = scope.parent[n]!;
      }
      let m = matched[n]!;
      for (let i = path.length - 1; i >= 0; i--) {
        if (m >= 0 && m < callSite.length) {
          for (const name of frameNames(scope.frames[scope.location[path[i]!]!]!)) {
            if (m < 0 || m >= callSite.length) break;
            m = name === callSite[m] ? m + 1 : -1;
          }
        }
        matched[path[i]!] = m;
      }
      if (m !== callSite.length) values[node] = 0;
      else total += values[node]!;
    }
    values[0] = 0;
  }
  merged.total = total;
  return merged;
}
