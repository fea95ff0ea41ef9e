// pprof's `-tree` (and `-peek`) text report (internal/report/report.go printTree): for each node
// of the trimmed graph, its callers above and its callees below, with weights and the share of
// the node's cum each one accounts for.
import type { CallGraph } from './callgraph';
import { profileLabels, reportFormatter, reportLabels } from './legend';
import { formatPercent } from './format';
import type { ProfileData } from '../model/profile-data';

export const TREE_SEPARATOR = '----------------------------------------------------------+-------------';
export const TREE_LEGEND = '      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ';

export interface TreeTextOptions {
  /** Unit of the sample type. */
  sampleUnit: string;
  /** Header lines (see reportLabels / treeLabels). */
  labels?: string[];
  /** Unit to print values in. Default: pprof's choice for these nodes (selectOutputUnit). */
  outputUnit?: string;
  /** Peek: only nodes whose printable name matches (unanchored). */
  symbol?: RegExp;
}

/**
 * The lines of pprof's tree report for a graph built with order 'flat' or 'cum' (pprof's -tree
 * uses nodecount 80 and the flat order unless sorted by cum). Percentages of flat and cum are of
 * graph.total; calls% is of the node's cum. Throws for a peek regexp that matches nothing.
 */
export function formatTreeText(graph: CallGraph, opts: TreeTextOptions): string[] {
  const total = graph.total;
  const { format } = reportFormatter(graph, total, opts.sampleUnit, opts.outputUnit);
  const lines = [...(opts.labels ?? [])];
  lines.push(TREE_SEPARATOR, TREE_LEGEND);
  let flatSum = 0;
  let matched = 0;
  const rx = opts.symbol ? new RegExp(opts.symbol.source, opts.symbol.flags.replace(/[gy]/g, '')) : undefined;
  for (const n of graph.nodes) {
    if (rx && !rx.test(n.name)) continue;
    matched++;
    lines.push(TREE_SEPARATOR);
    for (const e of n.in) {
      lines.push(
        `${format(e.weight).padStart(50)} ${formatPercent(e.weight, n.cum)} |   ${e.src.name}${e.inline ? ' (inline)' : ''}`,
      );
    }
    flatSum += n.flat;
    lines.push(
      `${format(n.flat).padStart(10)} ${formatPercent(n.flat, total)} ${formatPercent(flatSum, total)} ` +
        `${format(n.cum).padStart(10)} ${formatPercent(n.cum, total)}                | ${n.name}`,
    );
    for (const e of n.out) {
      lines.push(
        `${format(e.weight).padStart(50)} ${formatPercent(e.weight, n.cum)} |   ${e.dest.name}${e.inline ? ' (inline)' : ''}`,
      );
    }
  }
  if (graph.nodes.length > 0) lines.push(TREE_SEPARATOR);
  if (rx && matched === 0) throw new Error(`no matches found for regexp: ${opts.symbol!.source}`);
  return lines;
}

export interface ProfileTreeOptions {
  /** Active filters as "name=value", listed in the header. */
  activeFilters?: string[];
  /** pprof's compact_labels: no File/Type/Time/Duration lines. */
  compactLabels?: boolean;
  outputUnit?: string;
  symbol?: RegExp;
}

/** Everything `go tool pprof -tree` prints for a graph of `data`, as one string. */
export function profileTree(graph: CallGraph, data: ProfileData, sampleIndex: number, opts: ProfileTreeOptions = {}): string {
  const sampleUnit = data.sampleTypes[sampleIndex]?.unit ?? '';
  const { unit, format } = reportFormatter(graph, graph.total, sampleUnit, opts.outputUnit);
  const labels = reportLabels(graph, format, {
    profileLabels: opts.compactLabels ? [] : profileLabels(data, sampleIndex, graph.total, format),
    activeFilters: opts.activeFilters,
  });
  return formatTreeText(graph, { sampleUnit, labels, outputUnit: unit, symbol: opts.symbol }).join('\n') + '\n';
}
