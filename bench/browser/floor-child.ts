/**
 * The model floor of one file (fflate gunzip + pprof-format decode: model-bench.ts's "floor"), in
 * a process of its own that the browser benchmark asks for one timed run at a time, between its
 * first draws. On this shared 2-core machine, whose speed drifts by up to 1.4× within minutes,
 * a floor measured minutes earlier by model-bench.ts is not the floor of the moment a first draw
 * was measured; runs taken in alternation are. Conditions as in model-bench.ts: the same node
 * flags, the same warm-up for a small file, a full GC before each timed run.
 *
 *   node --max-old-space-size=16384 --expose-gc --import tsx bench/browser/floor-child.ts FILE [--warm-up]
 *
 * Reads a line per run from stdin; answers each with `FLOOR {"totalMs":…,"gunzipMs":…,"decodeMs":…}`.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { runFlamelens, runFloor, timedFloor } from '../model-bench';

const file = process.argv[2];
if (!file) throw new Error('usage: floor-child.ts FILE');
const gz = new Uint8Array(readFileSync(file));
// Where a run is short (model-bench.ts warms up for up to 100k samples: the caller says), warm
// up further than model-bench.ts does, whose first few timed runs are still slower than the rest:
// so that each run here, taken alone, is the fully warm floor (the lower floor, a harder target).
if (process.argv.includes('--warm-up')) {
  runFlamelens(gz);
  for (let i = 0; i < 10; i++) runFloor(gz);
}
console.log('READY');
for await (const _ of createInterface({ input: process.stdin })) {
  console.log(`FLOOR ${JSON.stringify(timedFloor(gz, false).run)}`);
}
