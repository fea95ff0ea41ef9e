import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the generator's output changes, so cached files are regenerated. */
export const GENERATOR_VERSION = 1;

export interface BenchSize {
  name: string;
  uniqueStacks: number;
  samples: number;
  seed: number;
}

export const SIZES: BenchSize[] = [
  { name: '10k', uniqueStacks: 10_000, samples: 10_000, seed: 1 },
  { name: '200k', uniqueStacks: 200_000, samples: 1_000_000, seed: 2 },
  { name: '1m', uniqueStacks: 1_000_000, samples: 5_000_000, seed: 3 },
];

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);
export const OUT_DIR = join(BENCH_DIR, 'out');

/** The cache key: every parameter that changes the bytes. */
export function profileBaseName(size: BenchSize): string {
  return `profile-u${size.uniqueStacks}-n${size.samples}-seed${size.seed}-g${GENERATOR_VERSION}`;
}

export function profilePath(size: BenchSize): string {
  return join(OUT_DIR, `${profileBaseName(size)}.pb.gz`);
}

export function metaPath(size: BenchSize): string {
  return join(OUT_DIR, `${profileBaseName(size)}.json`);
}

export function isCached(size: BenchSize): boolean {
  return existsSync(profilePath(size)) && existsSync(metaPath(size));
}

/** `--sizes 10k,200k` → those sizes (all by default). */
export function parseSizes(arg: string | undefined): BenchSize[] {
  if (!arg) return SIZES;
  const wanted = arg.split(',').map((s) => s.trim().toLowerCase());
  const out = SIZES.filter((s) => wanted.includes(s.name));
  const unknown = wanted.filter((w) => !SIZES.some((s) => s.name === w));
  if (unknown.length > 0) throw new Error(`unknown size(s) ${unknown.join(', ')}; known: ${SIZES.map((s) => s.name).join(', ')}`);
  return out;
}

/** The value after `--name` in argv, if any. */
export function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

/** `--runs 3` (every size) or `--runs 10k=5,1m=1` (per size) → the runs for one size, else `fallback`. */
export function runsFor(arg: string | undefined, size: string, fallback: number): number {
  if (!arg) return fallback;
  if (/^\d+$/.test(arg.trim())) return Math.max(1, Number(arg));
  for (const part of arg.split(',')) {
    const [k, v] = part.split('=');
    if (k?.trim().toLowerCase() === size && v && /^\d+$/.test(v.trim())) return Math.max(1, Number(v));
  }
  return fallback;
}
