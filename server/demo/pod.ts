// One demo pod: a child process that runs a workload and pushes its own CPU (time profiler) and
// heap profiles, taken with @datadog/pprof, to the server's /ingest every interval.
//   env: DEMO_SERVER, DEMO_SERVICE (checkout|catalog), DEMO_POD, DEMO_NAMESPACE, DEMO_INTERVAL_MS
import { encode, heap, time } from '@datadog/pprof';
import { catalogWorkload, checkoutWorkload } from './workloads';

const server = process.env.DEMO_SERVER ?? 'http://127.0.0.1:4040';
const service = process.env.DEMO_SERVICE ?? 'checkout';
const pod = process.env.DEMO_POD ?? `${service}-0`;
const namespace = process.env.DEMO_NAMESPACE ?? 'shop';
const intervalMs = Number(process.env.DEMO_INTERVAL_MS ?? 15_000);
/** Share of wall time spent working, so a few pods do not take over a small machine. */
const DUTY = Number(process.env.DEMO_DUTY ?? 0.08);

const workload = service === 'catalog' ? catalogWorkload(pod.length * 7919) : checkoutWorkload(pod.length * 104729);

heap.start(256 * 1024, 64);
time.start({ intervalMicros: 10_000, collectCpuTime: true, withContexts: true });
let periodStart = Date.now();

async function upload(): Promise<void> {
  const from = periodStart;
  const cpu = time.stop(true);
  periodStart = Date.now();
  const name = encodeURIComponent(`${service}{pod=${pod},namespace=${namespace}}`);
  const url = (p: string) =>
    `${server}/ingest?name=${name}&format=pprof&spyName=nodespy&from=${Math.floor(from / 1000)}&until=${Math.floor(periodStart / 1000)}${p}`;
  for (const profile of [cpu, heap.profile()]) {
    const body = await encode(profile);
    const res = await fetch(url(''), { method: 'POST', body: new Uint8Array(body) });
    if (res.status !== 200) console.error(`demo ${pod}: ingest failed ${res.status} ${await res.text()}`);
  }
}

function work(): void {
  const start = performance.now();
  const budget = 100 * DUTY;
  while (performance.now() - start < budget) workload.step();
  setTimeout(work, 100 - budget);
}
work();

// First upload early so a fresh start shows data quickly, then every interval.
setTimeout(
  function tick() {
    upload().catch((e) => console.error(`demo ${pod}: ${(e as Error).message}`));
    setTimeout(tick, intervalMs);
  },
  Math.min(5_000, intervalMs),
);

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
