/** The browser benchmark's tables and targets, as text (stdout) and Markdown. */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { type Stats, markdownTable, median, mib, seconds, textTable } from '../lib/report';
import { OUT_DIR, REPO_DIR } from '../lib/sizes';
import type { FloorRun } from './floor';
import type { FirstDraw, Json } from './session';

const GRAPH_OPTS_TEXT = 'nodecount 80, nodefraction 0.005, edgefraction 0.001 (defaults)';

export function modelFloors(): { file: string; floors: Record<string, number>; partial: boolean; date?: string } {
  const file = join(OUT_DIR, 'model-bench.json');
  const floors: Record<string, number> = {};
  if (!existsSync(file)) return { file, floors, partial: true };
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as {
      date?: string;
      partial?: boolean;
      results?: { size: { name: string }; median: { floorMs: number } }[];
    };
    for (const r of j.results ?? []) floors[r.size.name] = r.median.floorMs;
    return { file, floors, partial: Boolean(j.partial), date: j.date };
  } catch {
    return { file, floors, partial: true };
  }
}

export const fmt = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : seconds(ms));
export const pass = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
const GB2 = 2 * 2 ** 30;

export interface Meta {
  command: string;
  date: string;
  durationS: number;
  gitHead: string;
  gitDirty: boolean;
  chromium: string;
}

export function render(results: Json[], floors: ReturnType<typeof modelFloors>, meta: Meta) {
  const okDraws = (xs: unknown) => ((xs as FirstDraw[] | undefined) ?? []).filter((d) => d.ok);
  const statusOf = (xs: unknown) => {
    const all = (xs as FirstDraw[] | undefined) ?? [];
    const bad = all.filter((d) => !d.ok);
    return bad.length === 0 ? '' : ` (${bad.map((d) => d.status).join(', ')})`;
  };
  const rows: string[][] = [];
  const passes: Json = {};
  for (const r of results) {
    if (!String(r.size).match(/^(10k|200k|1m)$/)) continue;
    const fl = okDraws(r.flamelens);
    const ss = okDraws(r.speedscope);
    const flMed = median(fl.map((d) => d.drawMs!));
    const flFrame = median(fl.map((d) => d.frameMs!));
    const ssMed = median(ss.map((d) => d.drawMs!));
    const flMem = Math.max(...fl.map((d) => d.peakRendererHwm), 0);
    const ssMem = Math.max(...((r.speedscope as FirstDraw[] | undefined) ?? []).map((d) => Math.max(d.peakRendererHwm || 0, d.peakRendererRssSampled || 0)), 0);
    // The floor measured in alternation with these first draws; model-bench.json's (minutes
    // earlier, in another process) when there is none.
    const alternated = ((r.floorRuns as FloorRun[] | undefined) ?? []).map((f) => f.totalMs);
    const modelFloor = floors.floors[String(r.size)];
    const floor = alternated.length > 0 ? median(alternated) : modelFloor;
    const ssAll = (r.speedscope as FirstDraw[] | undefined) ?? [];
    const ssText = ss.length > 0 ? fmt(ssMed) : ssAll.length > 0 ? ssAll.map((d) => `${d.status} after ${fmt(d.wallMs)} (JS heap ${mib(d.peakJsHeapUsed)})`).join(', ') : 'not run';
    const ia = r.interactions as { hover: { rafInterval: Stats; latencyToTooltip: Stats }; zoom: { rafInterval: Stats; clickToDraw: Stats } } | undefined;
    rows.push([
      String(r.size),
      `${fmt(flMed)} (${fl.length}/${((r.flamelens as unknown[]) ?? []).length} runs)${statusOf(r.flamelens)}`,
      fmt(flFrame),
      floor !== undefined ? `${fmt(floor)}${alternated.length > 0 ? ` (${alternated.length} runs)` : ' (model-bench.json)'}` : '–',
      modelFloor !== undefined ? fmt(modelFloor) : '–',
      floor !== undefined && Number.isFinite(flMed) ? `${(flMed / floor).toFixed(2)}×` : '–',
      mib(flMem),
      `${ssText}${ss.length > 0 ? ` (${ss.length} runs)` : ''}`,
      ssMem > 0 ? mib(ssMem) : '–',
      ss.length > 0 && Number.isFinite(flMed) ? `${(ssMed / flMed).toFixed(1)}×` : '–',
      ia ? `${fmt(ia.hover.latencyToTooltip.median)} / ${fmt(ia.hover.latencyToTooltip.p95)}` : '–',
      ia ? `${fmt(ia.zoom.clickToDraw.median)} / ${fmt(ia.zoom.clickToDraw.p95)}` : '–',
      ia ? `${fmt(ia.hover.rafInterval.median)} / ${fmt(ia.hover.rafInterval.p95)}` : '–',
      ia ? `${fmt(ia.zoom.rafInterval.median)} / ${fmt(ia.zoom.rafInterval.p95)}` : '–',
    ]);
    passes[String(r.size)] = {
      firstDrawVsFloor: floor !== undefined && Number.isFinite(flMed) ? flMed <= 2 * floor : undefined,
      rendererMemory: fl.length > 0 ? flMem <= GB2 : undefined,
      vsSpeedscope: r.size === '200k' ? (ss.length > 0 && Number.isFinite(flMed) ? flMed * 8 <= ssMed : ssAll.some((d) => !d.ok) ? true : undefined) : undefined,
      framesMedian: ia ? ia.zoom.clickToDraw.median <= 16 && ia.hover.latencyToTooltip.median <= 16 : undefined,
    };
  }
  const header = [
    'size',
    'Flamelens first draw (median)',
    '→ next frame',
    'model floor, alternated with the draws',
    'model floor in model-bench.json',
    'draw / floor',
    'Flamelens renderer peak',
    'speedscope first draw (median)',
    'speedscope renderer peak',
    'speedscope / Flamelens',
    'hover → tooltip med / p95',
    'zoom click → draw med / p95',
    'rAF interval hover med / p95',
    'rAF interval zoom med / p95',
  ];

  const gRows: string[][] = [];
  for (const r of results) {
    const g = r.graph as { first?: { ms: number; nodes: number }; warm?: Stats; all: Stats; error?: string } | undefined;
    const t = r.tree as { openMs?: number; rowsSelected?: number; rowsAfter?: number; expandAllMs?: number; expandAllFrameMs?: number; scrollToEndMs?: number; error?: string } | undefined;
    if (!g && !t) continue;
    gRows.push([
      String(r.size),
      g?.first ? `${fmt(g.first.ms)} (${g.first.nodes} g.node)` : (g?.error ?? '–'),
      g?.warm ? `${fmt(g.warm.median)} (${g.warm.n})` : '–',
      t?.openMs !== undefined ? fmt(t.openMs) : '–',
      t?.expandAllMs !== undefined ? `${fmt(t.expandAllMs)} (${t.rowsSelected} → ${t.rowsAfter} rows)` : (t?.error ?? '–'),
      t?.scrollToEndMs !== undefined ? fmt(t.scrollToEndMs) : '–',
    ]);
    if (g) passes[`graph ${String(r.size)}`] = g.all.n > 0 ? g.all.median <= 1500 : false;
  }
  const gHeader = [
    'profile',
    'graph build + layout, first (Graphviz cold)',
    'warm median (runs)',
    'call tree view open',
    'tree expand all → rows',
    'scroll to end',
  ];
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model ?? '?'}, ${mib(os.totalmem())} RAM, load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; ${meta.chromium}; node ${process.version}`;
  const floorNote = floors.partial
    ? `model-bench floor from ${relative(REPO_DIR, floors.file)} (${floors.date ?? 'missing'}; partial: sizes it lacks show –)`
    : `model-bench floor from ${relative(REPO_DIR, floors.file)} (${floors.date})`;
  const text = [
    `browser benchmark, ${meta.date}, ${meta.durationS.toFixed(0)} s, git ${meta.gitHead}${meta.gitDirty ? ' (src/ has uncommitted changes)' : ''}`,
    machine,
    floorNote,
    '',
    textTable(header, rows),
    '',
    textTable(gHeader, gRows),
    '',
    `targets: ${JSON.stringify(passes, (_, v: unknown) => (typeof v === 'boolean' ? pass(v) : v === undefined ? 'n/a' : v))}`,
  ].join('\n');
  const markdown = [
    `Command: \`${meta.command}\` — ${meta.date}, ${meta.durationS.toFixed(0)} s, git ${meta.gitHead}${meta.gitDirty ? ' (with uncommitted src/ changes)' : ''}.`,
    `Machine: ${machine}. ${floorNote}.`,
    '',
    markdownTable(header, rows),
    '',
    markdownTable(gHeader, gRows),
    '',
    `Graph options: ${GRAPH_OPTS_TEXT}.`,
  ].join('\n');
  return { text, markdown, meta, pass: passes };
}
