/**
 * The model floor of one generated profile (model-bench.ts's fflate gunzip + pprof-format decode)
 * in a process of its own, which the browser benchmark asks for one timed run right before each
 * first draw: on a machine whose speed drifts, a floor measured minutes earlier is not the floor
 * of the moment the draw was measured. Conditions as in model-bench.ts: its node flags, its
 * warm-up, a full GC before each run.
 *
 *   node --max-old-space-size=16384 --expose-gc --import tsx bench/browser/floor-child.ts SIZE
 *
 * Prints READY, then answers each line on stdin with `FLOOR {"totalMs":…,"gunzipMs":…,"decodeMs":…}`.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { timedFloor, warmUp } from '../model-bench';
import { parseSizes, profilePath } from '../lib/sizes';

if (!process.argv[2]) throw new Error('usage: floor-child.ts SIZE');
const size = parseSizes(process.argv[2])[0]!;
const gz = new Uint8Array(readFileSync(profilePath(size)));
warmUp(size, gz);
console.log('READY');
for await (const _ of createInterface({ input: process.stdin })) {
  console.log(`FLOOR ${JSON.stringify(timedFloor(gz, false).run)}`);
}
