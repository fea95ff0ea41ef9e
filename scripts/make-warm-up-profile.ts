// Writes src/worker/warm-up.pb.gz and warm-up-tiny.pb.gz, the profiles the worker warms up on,
// from warmUpProfile() (see warm-up.ts).
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { TINY_WARM_UP, warmUpProfile } from '../src/worker/warm-up-profile';

const out = new URL('../src/worker/warm-up.pb.gz', import.meta.url);
const gz = gzipSync(warmUpProfile(), { level: 9, mtime: 0 });
writeFileSync(out, gz);
console.log(`wrote ${out.pathname} (${gz.length} bytes)`);

const tinyOut = new URL('../src/worker/warm-up-tiny.pb.gz', import.meta.url);
const tiny = gzipSync(warmUpProfile(...TINY_WARM_UP), { level: 9, mtime: 0 });
writeFileSync(tinyOut, tiny);
console.log(`wrote ${tinyOut.pathname} (${tiny.length} bytes)`);
