// Writes src/worker/warm-up.pb.gz, the profile the worker warms up on, from warmUpProfile().
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { warmUpProfile } from '../src/worker/warm-up-profile';

const out = new URL('../src/worker/warm-up.pb.gz', import.meta.url);
const gz = gzipSync(warmUpProfile(), { level: 9, mtime: 0 });
writeFileSync(out, gz);
console.log(`wrote ${out.pathname} (${gz.length} bytes)`);
