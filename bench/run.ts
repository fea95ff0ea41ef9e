/**
 * `npm run bench`: runs the benchmarks, each in its own node process with the flags it needs.
 *
 *   npm run bench                                  all benchmarks
 *   npm run bench -- --only model,browser          some of them (model, server, browser, diff)
 *   npm run bench -- --sizes 10k --runs 1          a quick check that every part runs
 *
 * Arguments other than --only are passed to every benchmark that runs (each ignores those it
 * does not know). What each measures, and its targets: BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NODE_FLAGS as MODEL_NODE_FLAGS } from './model-bench';
import { BENCH_DIR, REPO_DIR, argValue } from './lib/sizes';

interface Bench {
  name: string;
  file: string;
  nodeFlags: string[];
}

const BENCHES: Bench[] = [
  { name: 'model', file: 'model-bench.ts', nodeFlags: MODEL_NODE_FLAGS },
  { name: 'server', file: 'server-bench.ts', nodeFlags: [] },
  { name: 'browser', file: 'browser-bench.ts', nodeFlags: [] },
  { name: 'diff', file: 'diff-bench.ts', nodeFlags: ['--max-old-space-size=16384', '--expose-gc'] },
];

function main(): number {
  const argv = process.argv.slice(2);
  const only = argValue(argv, '--only')
    ?.split(',')
    .map((s) => s.trim());
  const passThrough = withoutFlag(argv, '--only');
  if (only) {
    const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
    if (unknown.length > 0) {
      console.error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
      return 2;
    }
  }
  let status = 0;
  for (const bench of BENCHES) {
    if (only && !only.includes(bench.name)) continue;
    const path = join(BENCH_DIR, bench.file);
    console.log(
      `== ${bench.name}: node ${[...bench.nodeFlags, '--import', 'tsx', `bench/${bench.file}`, ...passThrough].join(' ')}`,
    );
    const r = spawnSync(process.execPath, [...bench.nodeFlags, '--import', 'tsx', path, ...passThrough], {
      cwd: REPO_DIR,
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      console.error(`== ${bench.name} failed (exit ${r.status ?? r.signal})`);
      status = 1;
    }
  }
  return status;
}

/** argv without `--name value` / `--name=value`. */
function withoutFlag(argv: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) i++;
    else if (!argv[i]!.startsWith(`${name}=`)) out.push(argv[i]!);
  }
  return out;
}

process.exit(main());
