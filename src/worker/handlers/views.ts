// The views of the open profile: tables, flame graphs, trees, the call graph and exports.
import { activeFilterLabels } from '../../profile/transforms/filters';
import type { Granularity } from '../../profile/model/nodes';
import type { ProfileSession } from '../../profile/model/session';
import { type Call, type Handlers, mark } from '../handler';
import { sessionFor } from '../held-profile';
import { runInSteps } from '../idle-steps';

// Graphviz (WebAssembly) is loaded the first time a graph is laid out, not with the worker.
let vizInstance: Promise<import('@viz-js/viz').Viz> | undefined;
function viz() {
  vizInstance ??= import('@viz-js/viz').then((m) => m.instance());
  return vizInstance;
}

/**
 * Once the worker has been idle for a second after a flame graph, does the one-time work of the
 * first call graph (ProfileSession.graphPreparation), a step per task, and stops at the next
 * request: on a large profile that work is most of the first graph's time (0.9 s of 2 s at 1M
 * stacks). The wait lets the flame graph's own garbage go first, so that the memory peak of
 * opening the profile is not raised.
 */
function prepareGraphWhenIdle(session: ProfileSession, sampleIndex: number, granularity: Granularity, call: Call): void {
  // A failing step is left to the graph request, if it comes, to meet and report.
  setTimeout(() => runInSteps(session.graphPreparation(sampleIndex, granularity), call.newerRequest), 1000);
}

export const viewHandlers: Handlers<
  'top' | 'flame' | 'inverted' | 'sandwich' | 'graph' | 'tree-report' | 'tags' | 'export-pprof' | 'export-folded'
> = {
  top(args, call) {
    const top = sessionFor(args).top(args.sampleIndex, args.granularity, args.sort);
    call.transfer(top.flat.buffer, top.cum.buffer, top.inline.buffer);
    return top;
  },

  flame(args, call) {
    // An uncached tree, handed over to the page without a copy (a large one is hundreds of MB).
    const session = sessionFor(args);
    const data = session.flame(args.sampleIndex, args.granularity, args.widthBy, false);
    mark('worker:flame-built');
    const t = data.tree;
    for (const a of [t.node, t.parent, t.depth, t.end, t.total, t.self, t.start, t.otherSelf, t.otherTotal]) {
      if (a) call.transfer(a.buffer);
    }
    prepareGraphWhenIdle(session, args.sampleIndex, args.granularity, call);
    return data;
  },

  inverted: (args) => sessionFor(args).inverted(args.sampleIndex, args.granularity),

  sandwich: (args) => sessionFor(args).sandwich(args.sampleIndex, args.granularity, args.node),

  async graph(args) {
    const labels = args.filters ? activeFilterLabels(args.filters) : [];
    const session = sessionFor(args);
    const data = session.graph(args.sampleIndex, args.granularity, args.options, labels);
    const svg = (await viz()).renderString(data.dot, { format: 'svg', engine: 'dot' });
    return { ...data, svg, total: session.percentTotal(args.sampleIndex) };
  },

  'tree-report': (args) =>
    sessionFor(args).treeReport(
      args.sampleIndex,
      args.granularity,
      args.options,
      args.filters ? activeFilterLabels(args.filters) : [],
    ),

  tags: (args) => sessionFor(args).tagReport(args.sampleIndex),

  'export-pprof'(args, call) {
    const bytes = sessionFor(args).encodePprof();
    call.transfer(bytes.buffer);
    return bytes;
  },

  'export-folded': (args) => sessionFor(args).folded(args.sampleIndex, args.granularity),
};
