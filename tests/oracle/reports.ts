// pprof's whole `-dot` and `-text` outputs for a profile, put together from the model's reports
// as `go tool pprof` prints them: the golden tests compare them with pprof's own output. The app
// shows the graph and its legend apart (src/profile/model/session.ts) and has no `-text` view.
import type { CallGraph } from '../../src/profile/reports/callgraph';
import { composeDot } from '../../src/profile/reports/dot';
import { profileLabels, profileTitle, reportFormatter, reportLabels } from '../../src/profile/reports/legend';
import { formatPercent } from '../../src/profile/reports/format';
import type { ProfileTreeOptions, TreeTextOptions } from '../../src/profile/reports/tree-report';
import type { ProfileData } from '../../src/profile/model/profile-data';

/** Everything pprof's `-dot` prints for a profile: title, full legend and graph. */
export function profileDot(
  graph: CallGraph,
  data: ProfileData,
  sampleIndex: number,
  opts: { activeFilters?: string[]; docUrl?: string; outputUnit?: string } = {},
): string {
  const sampleUnit = data.sampleTypes[sampleIndex]?.unit ?? '';
  const { unit, format } = reportFormatter(graph, graph.total, sampleUnit, opts.outputUnit);
  const legend = reportLabels(graph, format, {
    profileLabels: profileLabels(data, sampleIndex, graph.total, format, opts.docUrl),
    activeFilters: opts.activeFilters,
    dot: true,
  });
  return composeDot(graph, { title: profileTitle(data), legend, total: graph.total, sampleUnit, outputUnit: unit });
}

/**
 * pprof's `-text`/`-top` body for a trimmed graph (printText): the header line, then one row per
 * node with flat, flat%, sum%, cum, cum%, name and the (inline)/(partial-inline) mark of its
 * in-edges. Build the graph with order 'flat' or 'cum'.
 */
export function formatGraphText(graph: CallGraph, opts: Omit<TreeTextOptions, 'symbol'>): string[] {
  const total = graph.total;
  const { format } = reportFormatter(graph, total, opts.sampleUnit, opts.outputUnit);
  const lines = [...(opts.labels ?? [])];
  lines.push('      flat  flat%   sum%        cum   cum%');
  let flatSum = 0;
  for (const n of graph.nodes) {
    flatSum += n.flat;
    let inline = false;
    let noinline = false;
    for (const e of n.in) {
      if (e.inline) inline = true;
      else noinline = true;
    }
    const mark = inline ? (noinline ? ' (partial-inline)' : ' (inline)') : '';
    lines.push(
      `${format(n.flat).padStart(10)} ${formatPercent(n.flat, total)} ${formatPercent(flatSum, total)} ` +
        `${format(n.cum).padStart(10)} ${formatPercent(n.cum, total)}  ${n.name}${mark}`,
    );
  }
  return lines;
}

/** Everything `go tool pprof -text` prints for a graph of `data`, as one string. */
export function profileText(graph: CallGraph, data: ProfileData, sampleIndex: number, opts: ProfileTreeOptions = {}): string {
  const sampleUnit = data.sampleTypes[sampleIndex]?.unit ?? '';
  const { unit, format } = reportFormatter(graph, graph.total, sampleUnit, opts.outputUnit);
  const labels = reportLabels(graph, format, {
    profileLabels: opts.compactLabels ? [] : profileLabels(data, sampleIndex, graph.total, format),
    activeFilters: opts.activeFilters,
  });
  return formatGraphText(graph, { sampleUnit, labels, outputUnit: unit }).join('\n') + '\n';
}
