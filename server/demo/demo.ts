// The demo workload: small Node services (checkout ×3 pods, catalog ×2) as child processes that
// profile themselves and push to this server, so a fresh start shows live profiles.
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Demo {
  stop(): Promise<void>;
}

export const DEMO_PODS = [
  { service: 'checkout', pod: 'checkout-7d9f-abcde' },
  { service: 'checkout', pod: 'checkout-7d9f-fghij' },
  { service: 'checkout', pod: 'checkout-7d9f-klmno' },
  { service: 'catalog', pod: 'catalog-5c4b-pqrst' },
  { service: 'catalog', pod: 'catalog-5c4b-uvwxy' },
];

const here = dirname(fileURLToPath(import.meta.url));

export function startDemo(serverUrl: string, log: (m: string) => void, intervalMs = 15_000): Demo {
  let stopped = false;
  const children = new Set<ChildProcess>();
  const launch = (spec: (typeof DEMO_PODS)[number], restarts: number) => {
    const child = fork(join(here, 'pod.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        DEMO_SERVER: serverUrl,
        DEMO_SERVICE: spec.service,
        DEMO_POD: spec.pod,
        DEMO_NAMESPACE: 'shop',
        DEMO_INTERVAL_MS: String(intervalMs),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    child.once('exit', (code) => {
      children.delete(child);
      if (stopped) return;
      if (restarts >= 5) return log(`demo pod ${spec.pod} exited (${code}); not restarting again`);
      log(`demo pod ${spec.pod} exited (${code}); restarting`);
      setTimeout(() => !stopped && launch(spec, restarts + 1), 2000 * (restarts + 1)).unref();
    });
  };
  for (const spec of DEMO_PODS) launch(spec, 0);
  log(`demo: ${DEMO_PODS.length} pods (checkout, catalog) pushing profiles every ${intervalMs / 1000} s`);
  return {
    async stop() {
      stopped = true;
      await Promise.all(
        [...children].map(
          (c) =>
            new Promise<void>((r) => {
              if (c.exitCode !== null || c.signalCode !== null) return r();
              c.once('exit', () => r());
              c.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
