/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, and inclusive
 * time of the functions of src/profile, as percentages of the profile.
 *
 *   node --import tsx bench/lib/cpuprofile-summary.ts DIR-or-FILES... [--top N]
 *
 * node writes one file per thread (tsx's loader runs in a worker); the largest is the main thread.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function label(n: CpuNode): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '').replace(/^.*node_modules\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
}

export function summarise(path: string, topN = 25): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  let total = 0;
  for (const [id, v] of selfUs) if (byId.get(id)!.callFrame.functionName !== '(idle)') total += v;

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    self.set(label(byId.get(id)!), (self.get(label(byId.get(id)!)) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(7)} s`;
  const lines = [`profile ${path}: ${(total / 1e6).toFixed(2)} s sampled (idle excluded; % of that)`, '', 'self time:'];
  const sorted = [...self].filter(([l]) => !l.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  for (const [l, us] of sorted.slice(0, topN)) lines.push(`  ${pct(us)}  ${l}`);
  lines.push('', 'inclusive time, src/profile and bench entry points:');
  for (const [l, us] of [...inclusive].sort((a, b) => b[1] - a[1])) {
    if (/src\/profile\/|pprof-format|fflate|garbage collector/.test(l)) lines.push(`  ${pct(us)}  ${l}`);
  }
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const topN = t >= 0 ? Number(args.splice(t, 2)[1]) : 25;
  const files = args.flatMap((a) =>
    statSync(a).isDirectory() ? readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(a, f)) : [a],
  );
  if (files.length === 0) throw new Error('no .cpuprofile given');
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread.
  const main = files.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0]!;
  console.log(summarise(main, topN));
}

if (process.argv[1]?.endsWith('cpuprofile-summary.ts')) main();
