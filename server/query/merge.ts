// Summing stored profiles (and pre-aggregated blocks, which read like profiles) per stack. Stacks
// are dense node ids per symbol scope, so a merge is array accumulation; the merged stacks are
// then turned into pprof or a flame graph.
import { Slicer } from '../slice';
import type { ProfileStore, StoredProfile } from '../storage/store';

export interface MergedStacks {
  /** Per symbol scope: value of each leaf stack node (indexed by node id). */
  byScope: Map<number, Float64Array>;
  /**
   * With `labels`: the part of byScope's values that samples with labels contributed, per scope,
   * leaf node and label set (JSON of its SampleLabels). byScope stays the whole value.
   */
  labelled?: Map<number, Map<number, Map<string, number>>>;
  profiles: number;
  total: number;
  period: number;
  /** pprof drop_frames/keep_frames, when every merged profile agrees on them. */
  dropFrames: string;
  keepFrames: string;
}

/** Sums the profiles (read in batches, in slices); every scope they use is loaded for scope() afterwards. */
export async function mergeProfiles(
  store: ProfileStore,
  profiles: AsyncIterable<StoredProfile>,
  slicer = new Slicer(),
  o: { labels?: boolean } = {},
): Promise<MergedStacks> {
  const out: MergedStacks = { byScope: new Map(), profiles: 0, total: 0, period: 0, dropFrames: '', keepFrames: '' };
  if (o.labels) out.labelled = new Map();
  let drop: string | undefined;
  let keep: string | undefined;
  for await (const p of profiles) {
    let acc = out.byScope.get(p.scope);
    const nodeCount = (await store.ensureScope(p.scope)).nodeCount;
    if (!acc || acc.length < nodeCount) {
      const bigger = new Float64Array(nodeCount);
      if (acc) bigger.set(acc);
      out.byScope.set(p.scope, (acc = bigger));
    }
    const nodes = p.nodes!;
    const values = p.values!;
    for (let i = 0; i < nodes.length; i++) acc[nodes[i]!]! += values[i]!; // nodes of the scope, one value each
    if (out.labelled && p.labelSets && p.labelIndex) addLabelled(out.labelled, p, nodes, values);
    await slicer.tick();
    out.profiles += p.profiles;
    out.total += p.total;
    if (!out.period && p.period) out.period = p.period;
    drop = drop === undefined ? p.dropFrames : drop === p.dropFrames ? drop : '';
    keep = keep === undefined ? p.keepFrames : keep === p.keepFrames ? keep : '';
  }
  out.dropFrames = drop ?? '';
  out.keepFrames = keep ?? '';
  return out;
}

function addLabelled(
  labelled: NonNullable<MergedStacks['labelled']>,
  p: StoredProfile,
  nodes: Uint32Array,
  values: Float64Array,
): void {
  let byNode = labelled.get(p.scope);
  if (!byNode) labelled.set(p.scope, (byNode = new Map()));
  const index = p.labelIndex!;
  for (let i = 0; i < nodes.length; i++) {
    const set = p.labelSets![index[i]!];
    if (set === undefined) continue; // -1: no labels
    let bySet = byNode.get(nodes[i]!);
    if (!bySet) byNode.set(nodes[i]!, (bySet = new Map()));
    bySet.set(set, (bySet.get(set) ?? 0) + values[i]!);
  }
}
