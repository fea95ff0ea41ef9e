/**
 * Diff cost (issue 6) on one thread: building the diff of two profiles and its flame tree, against
 * building one profile and its flame tree. The browser opens the two sides in two workers at once
 * (see browser-bench.ts, "diff with itself", for the time to the first drawn diff flame graph);
 * this is the total work, which one core would take.
 * The baseline and the comparison are two generated profiles of the same size (the comparison is
 * the same file: the diff then has every stack on both sides, its worst case).
 *
 *   node --max-old-space-size=16384 --expose-gc --import tsx bench/diff-bench.ts [--sizes 200k,1m] [--runs 3 | --runs 200k=3,1m=1]
 *
 * Medians of the runs, in one process; single and diff alternate.
 */
import { readFileSync } from 'node:fs';
import { diffOfSessions, openProfile } from '../src/profile/model/session';
import { median } from './lib/report';
import { argValue, parseSizes, profilePath, runsFor } from './lib/sizes';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

function main(): void {
  const argv = process.argv.slice(2);
  const sizes = parseSizes(argValue(argv, '--sizes') ?? '200k,1m');
  const runsArg = argValue(argv, '--runs');
  console.log(`diff bench ${new Date().toISOString()}`);
  for (const size of sizes) {
    const bytes = new Uint8Array(readFileSync(profilePath(size)));
    const single: number[] = [];
    const diff: number[] = [];
    const n = size.name === '1m' ? Math.min(runsFor(runsArg, size.name, 1), 1) : runsFor(runsArg, size.name, 3);
    for (let r = 0; r < n; r++) {
      gc();
      let t = performance.now();
      const s = openProfile(bytes);
      s.flameTree(s.data.defaultSampleIndex, 'functions');
      single.push(performance.now() - t);
      gc();
      t = performance.now();
      // As the worker does (open-diff): open each side, then diff the two sessions.
      const d = diffOfSessions(openProfile(bytes), openProfile(bytes));
      const tree = d.flameTree(d.data.defaultSampleIndex, 'functions');
      diff.push(performance.now() - t);
      if (tree.total[0] !== tree.otherTotal![0]) throw new Error('diff of a profile with itself: sides differ');
      console.log(`  ${size.name} run ${r + 1}: single ${fmt(single.at(-1)!)}, diff ${fmt(diff.at(-1)!)}`);
    }
    const ms = median(single);
    const md = median(diff);
    // The ≤ 2× target is on the browser's diff first draw, whose two workers share this work.
    console.log(`${size.name}: single ${fmt(ms)}, diff ${fmt(md)}, ratio ${(md / ms).toFixed(2)}×, ${n} run(s)`);
  }
}

main();
