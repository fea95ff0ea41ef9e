/** The browser benchmark's tables and its targets, pass or fail, as text (stdout) and Markdown. */
import os from 'node:os';
import { markdownTable, median, mib, seconds, textTable } from '../lib/report';
import type { FloorRun } from './floor';
import type { Interactions } from './interactions';
import type { FirstDraw } from './session';
import type { DiffResult, GraphResult, TreeResult } from './views';

/** What the benchmark measured for one profile (a generated size, or large.cpu). */
export interface ProfileResult {
  size: string;
  file: string;
  /** Floor runs taken one before each Flamelens first draw (generated sizes only). */
  floorRuns: FloorRun[];
  flamelens: FirstDraw[];
  speedscope?: FirstDraw[];
  interactions?: Interactions;
  graph?: GraphResult;
  tree?: TreeResult;
  diff?: DiffResult;
  /** An error after the first draw (interactions or views). */
  error?: string;
}

export interface Meta {
  command: string;
  date: string;
  durationS: number;
  gitHead: string;
  gitDirty: boolean;
  chromium: string;
}

export interface Target {
  target: string;
  profile: string;
  figure: string;
  /** undefined: not measured in this run. */
  pass: boolean | undefined;
}

const FLOOR_RATIO = 2;
const SPEEDSCOPE_RATIO = 8;
const RENDERER_BYTES = 2e9;
const FRAME_MS = 16;
const GRAPH_MS = 1500;
const DIFF_RATIO = 2;
const GRAPH_OPTS_TEXT = 'nodecount 80, nodefraction 0.005, edgefraction 0.001 (defaults)';

export const fmt = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : seconds(ms));
const nRuns = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'PASS' : 'FAIL');
const ok = (xs: FirstDraw[] | undefined) => (xs ?? []).filter((d) => d.ok);
const failures = (xs: FirstDraw[] | undefined) => (xs ?? []).filter((d) => !d.ok);

/** First-draw figures of one profile, as the tables and targets use them. */
function firstDrawFigures(r: ProfileResult) {
  const draw = median(ok(r.flamelens).map((d) => d.drawMs!));
  const floor = median(r.floorRuns.map((f) => f.totalMs));
  const ss = ok(r.speedscope);
  const ssFailed = failures(r.speedscope);
  // A speedscope run that crashed or timed out never drew: the time it ran is a lower bound.
  const ssMs =
    ss.length > 0 ? median(ss.map((d) => d.drawMs!)) : ssFailed.length > 0 ? Math.min(...ssFailed.map((d) => d.wallMs)) : NaN;
  return {
    draw,
    floor,
    ss,
    ssFailed,
    ssMs,
    ssLowerBound: ss.length === 0 && ssFailed.length > 0,
    peak: Math.max(0, ...ok(r.flamelens).map((d) => d.peakRendererHwm)),
    ssPeak: Math.max(0, ...(r.speedscope ?? []).map((d) => Math.max(d.peakRendererHwm || 0, d.peakRendererRssSampled || 0))),
  };
}

export function targets(results: ProfileResult[]): Target[] {
  const out: Target[] = [];
  const add = (target: string, profile: string, figure: string, pass: boolean | undefined) =>
    out.push({ target, profile, figure, pass });
  for (const r of results) {
    const generated = r.floorRuns.length > 0;
    const f = firstDrawFigures(r);
    const measured = Number.isFinite(f.draw);
    if (generated) {
      add(
        `first draw ≤ ${FLOOR_RATIO}× the floor`,
        r.size,
        `${ratio(f.draw / f.floor)} (${fmt(f.draw)} / ${fmt(f.floor)})`,
        measured && Number.isFinite(f.floor) ? f.draw <= FLOOR_RATIO * f.floor : undefined,
      );
      add(
        'renderer peak ≤ 2 GB',
        r.size,
        measured ? `${(f.peak / 1e9).toFixed(2)} GB (${mib(f.peak)})` : '–',
        measured ? f.peak <= RENDERER_BYTES : undefined,
      );
    }
    if (r.size === '200k' && r.speedscope) {
      const x = f.ssMs / f.draw;
      const figure = f.ssLowerBound
        ? `speedscope: ${f.ssFailed[0]!.status} after ${fmt(f.ssMs)}, ≥ ${ratio(x)} ours (${fmt(f.draw)})`
        : `speedscope ${fmt(f.ssMs)} = ${ratio(x)} ours (${fmt(f.draw)})`;
      add(
        `≤ 1/${SPEEDSCOPE_RATIO} of speedscope's first draw`,
        r.size,
        figure,
        measured && Number.isFinite(x) ? x >= SPEEDSCOPE_RATIO : undefined,
      );
    }
    if (r.interactions) {
      const { hover, zoom } = r.interactions;
      add(
        `hover → tooltip, median ≤ ${FRAME_MS} ms`,
        r.size,
        fmt(hover.latencyToTooltip.median),
        hover.latencyToTooltip.n > 0 ? hover.latencyToTooltip.median <= FRAME_MS : undefined,
      );
      add(
        `zoom click → draw, median ≤ ${FRAME_MS} ms`,
        r.size,
        fmt(zoom.clickToDraw.median),
        zoom.clickToDraw.n > 0 ? zoom.clickToDraw.median <= FRAME_MS : undefined,
      );
    }
    if (r.graph) {
      const g = r.graph;
      add(
        `call graph, median ≤ ${seconds(GRAPH_MS)}`,
        r.size,
        g.all.n > 0 ? `${fmt(g.all.median)} (${nRuns(g.all.n)})` : (g.error ?? '–'),
        g.all.n > 0 ? g.all.median <= GRAPH_MS : false,
      );
    }
    if (r.diff) {
      const x = r.diff.drawMs / f.draw;
      add(
        `diff first draw ≤ ${DIFF_RATIO}× the file's`,
        r.size,
        `${ratio(x)} (${fmt(r.diff.drawMs)} / ${fmt(f.draw)})`,
        Number.isFinite(x) ? x <= DIFF_RATIO : undefined,
      );
    }
  }
  return out;
}

export function render(results: ProfileResult[], meta: Meta) {
  const runs = (xs: FirstDraw[] | undefined) => {
    const bad = failures(xs);
    return `${ok(xs).length}/${nRuns((xs ?? []).length)}${bad.length > 0 ? `: ${bad.map((d) => d.status).join(', ')}` : ''}`;
  };
  const drawHeader = [
    'profile',
    'Flamelens first draw',
    '→ next frame',
    'floor',
    'draw / floor',
    'renderer peak',
    'speedscope first draw',
    'speedscope peak',
    'speedscope / Flamelens',
  ];
  const drawRows = results.map((r) => {
    const f = firstDrawFigures(r);
    const ssText = !r.speedscope
      ? 'not run'
      : f.ssLowerBound
        ? `${f.ssFailed.map((d) => `${d.status} after ${fmt(d.wallMs)} (JS heap ${mib(d.peakJsHeapUsed)})`).join(', ')}`
        : `${fmt(f.ssMs)} (${runs(r.speedscope)})`;
    return [
      r.size,
      `${fmt(f.draw)} (${runs(r.flamelens)})`,
      fmt(median(ok(r.flamelens).map((d) => d.frameMs!))),
      r.floorRuns.length > 0 ? `${fmt(f.floor)} (${nRuns(r.floorRuns.length)})` : '–',
      ratio(f.draw / f.floor),
      f.peak > 0 ? mib(f.peak) : '–',
      ssText,
      f.ssPeak > 0 ? mib(f.ssPeak) : '–',
      r.speedscope ? `${f.ssLowerBound ? '≥ ' : ''}${ratio(f.ssMs / f.draw)}` : '–',
    ];
  });

  const viewHeader = [
    'profile',
    'hover → tooltip med / p95',
    'zoom click → draw med / p95',
    'rAF interval hover / zoom, med',
    'graph first / warm median',
    'call tree open',
    'expand all (rows)',
    'scroll to end',
    'diff first draw',
  ];
  const viewRows = results
    .filter((r) => r.interactions || r.graph || r.tree || r.diff || r.error)
    .map((r) => {
      const ia = r.interactions;
      const g = r.graph;
      const t = r.tree;
      return [
        r.size,
        ia ? `${fmt(ia.hover.latencyToTooltip.median)} / ${fmt(ia.hover.latencyToTooltip.p95)}` : (r.error ?? '–'),
        ia ? `${fmt(ia.zoom.clickToDraw.median)} / ${fmt(ia.zoom.clickToDraw.p95)}` : '–',
        ia ? `${fmt(ia.hover.rafInterval.median)} / ${fmt(ia.zoom.rafInterval.median)}` : '–',
        g ? (g.first ? `${fmt(g.first.ms)} / ${fmt(g.warm?.median)} (${g.first.nodes} nodes)` : (g.error ?? '–')) : '–',
        t ? fmt(t.openMs) : '–',
        t ? (t.expandAllMs !== undefined ? `${fmt(t.expandAllMs)} (${t.rowsSelected} → ${t.rowsAfter})` : (t.error ?? '–')) : '–',
        t ? fmt(t.scrollToEndMs) : '–',
        r.diff ? fmt(r.diff.drawMs) : '–',
      ];
    });

  const list = targets(results);
  const targetHeader = ['target', 'profile', 'this run', 'result'];
  const targetRows = list.map((t) => [t.target, t.profile, t.figure, verdict(t.pass)]);

  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model ?? '?'}, ${mib(os.totalmem())} RAM, load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; ${meta.chromium}; node ${process.version}`;
  const head = `${meta.date}, ${meta.durationS.toFixed(0)} s, git ${meta.gitHead}${meta.gitDirty ? ' (src/ has uncommitted changes)' : ''}`;
  const text = [
    `browser benchmark, ${head}`,
    machine,
    '',
    textTable(drawHeader, drawRows),
    '',
    textTable(viewHeader, viewRows),
    '',
    textTable(targetHeader, targetRows),
  ].join('\n');
  const markdown = [
    `Command: \`${meta.command}\`, ${head}.`,
    `Machine: ${machine}.`,
    '',
    markdownTable(drawHeader, drawRows),
    '',
    markdownTable(viewHeader, viewRows),
    '',
    `Graph options: ${GRAPH_OPTS_TEXT}.`,
    '',
    markdownTable(targetHeader, targetRows),
  ].join('\n');
  return { text, markdown, targets: list };
}
