// `npm start`: build the app only when its sources changed since the last build, then run the
// server. Typechecking is `npm test`'s job, not start's.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.env.FLAMELENS_DIST ?? join(root, 'dist');
const stampFile = join(dist, '.build-inputs');

const current = fingerprint();
const built = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (built === current && existsSync(join(dist, 'index.html'))) {
  console.log('flamelens: the app is up to date (dist/), not rebuilding');
} else {
  console.log(`flamelens: building the app into dist/ (${built ? 'sources changed since the last build' : 'first build'})…`);
  const vite = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', dist], {
    cwd: root,
    stdio: 'inherit',
  });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
  writeFileSync(stampFile, current + '\n');
}

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FLAMELENS_DIST: dist },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
