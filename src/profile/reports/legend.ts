// The legend lines of pprof's reports (internal/report/report.go reportLabels, ProfileLabels)
// and the value formatter they share with the DOT and -tree text.
import type { ProfileData } from '../model/profile-data';
import { basename } from '../model/nodes';
import type { CallGraph } from './callgraph';
import { formatPercent, scaleValue, scaledLabel, selectOutputUnit } from './format';

/**
 * The value formatter a report uses: pprof's ScaledLabel in the output unit chosen for the shown
 * nodes (selectOutputUnit).
 */
export function reportFormatter(
  graph: { nodes: { flat: number; cum: number }[] },
  total: number,
  sampleUnit: string,
  outputUnit?: string,
): { unit: string; format: (v: number) => string } {
  const unit = outputUnit ?? (graph.nodes.length > 0 ? selectOutputUnit(graph.nodes, total, sampleUnit) : 'minimum');
  return { unit, format: (v: number) => scaledLabel(v, sampleUnit, unit) };
}

/**
 * The profile's time as pprof (since Go 1.2x) prints it in report legends: Go's
 * "2006-01-02 15:04:05 MST" layout, in UTC. (Go 1.19's pprof printed "Jan 2, 2006 at 3:04pm (MST)".)
 */
export function formatProfileTime(timeNanos: number): string {
  const iso = new Date(Math.floor(timeNanos / 1e6)).toISOString(); // 2006-01-02T15:04:05.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * pprof's ProfileLabels: File, Build ID, comments (except those starting with '#'), Type, Doc,
 * Time (in UTC here), Duration with the share of it that the samples cover.
 */
export function profileLabels(
  data: ProfileData,
  sampleIndex: number,
  total: number,
  format: (v: number) => string,
  docUrl = '',
): string[] {
  const label: string[] = [];
  if (data.mappingFile.length > 0) {
    if (data.mappingFile[0] !== '') label.push(`File: ${basename(data.mappingFile[0]!)}`);
    if (data.mappingBuildId[0] !== '') label.push(`Build ID: ${data.mappingBuildId[0]}`);
  }
  for (const c of data.comments) if (!c.startsWith('#')) label.push(c);
  const st = data.sampleTypes[sampleIndex];
  if (st && st.type !== '') label.push(`Type: ${st.type}`);
  if (docUrl !== '') label.push(`Doc: ${docUrl}`);
  if (data.timeNanos !== 0) label.push(`Time: ${formatProfileTime(data.timeNanos)}`);
  if (data.durationNanos !== 0) {
    const duration = scaledLabel(data.durationNanos, 'nanoseconds', 'auto');
    const [totalNanos, totalUnit] = scaleValue(total, st?.unit ?? '', 'nanoseconds');
    let ratio = '';
    if (totalUnit === 'ns' && totalNanos !== 0) ratio = `(${formatPercent(Math.trunc(totalNanos), data.durationNanos)})`;
    label.push(`Duration: ${duration}, Total samples = ${format(total)} ${ratio}`);
  }
  return label;
}

/** The title pprof gives a profile's graph: basename of the first mapping's file. */
export function profileTitle(data: ProfileData): string {
  const f = data.mappingFile[0];
  return f ? basename(f) : '';
}

export interface ReportLabelOptions {
  /** Lines that open the legend (profileLabels for full headers; nothing for compact ones). */
  profileLabels?: string[];
  /** Active filters as "name=value" (pprof: focus, ignore, hide, show, show_from in that order). */
  activeFilters?: string[];
  /** DOT legends report dropped edges and end with the "how to read the graph" line. */
  dot?: boolean;
}

/**
 * pprof's reportLabels for a trimmed graph: "Showing nodes accounting for …", dropped nodes and
 * edges (cut-offs as fractions of the report total), "Showing top K nodes out of M".
 */
export function reportLabels(graph: CallGraph, format: (v: number) => string, opts: ReportLabelOptions = {}): string[] {
  const total = graph.total;
  const label = [...(opts.profileLabels ?? [])];
  if (opts.activeFilters && opts.activeFilters.length > 0) {
    label.push('Active filters:');
    for (const f of opts.activeFilters) label.push('   ' + (f.length > 80 ? f.slice(0, 80) + '…' : f));
  }
  let shown = 0;
  for (const n of graph.nodes) shown += n.flat;
  label.push(`Showing nodes accounting for ${format(shown)}, ${formatPercent(shown, total).trim()} of ${format(total)} total`);
  if (total !== 0) {
    const plural = (d: number, s: string) => (d > 1 ? s + 's' : s);
    const { nodeFraction, edgeFraction } = graph.options;
    if (graph.droppedNodes > 0) {
      label.push(
        `Dropped ${graph.droppedNodes} ${plural(graph.droppedNodes, 'node')} (cum <= ${format(Math.abs(Math.trunc(total * nodeFraction)))})`,
      );
    }
    if (opts.dot && graph.droppedEdges > 0) {
      label.push(
        `Dropped ${graph.droppedEdges} ${plural(graph.droppedEdges, 'edge')} (freq <= ${format(Math.abs(Math.trunc(total * edgeFraction)))})`,
      );
    }
    if (graph.nodes.length > 0 && graph.nodes.length < graph.origCount) {
      label.push(`Showing top ${graph.nodes.length} nodes out of ${graph.origCount}`);
    }
  }
  if (opts.dot) label.push('\nSee https://git.io/JfYMW for how to read the graph');
  return label;
}
