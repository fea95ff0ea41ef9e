// Measures the server's start-up with many series (issue 17: a million must load in under 10 s
// and 1 GB). Fills a fresh data directory with N series rows like those ingest writes (20 tenants,
// 1,000 services, a distinct pod per series, 8 labels), then starts `tsx server/main.ts` on it and
// reports the time until it listens and its peak resident memory (VmHWM).
//   npx tsx server/scripts/series-startup.ts [N=1000000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../storage/db';

const N = Number(process.argv[2] ?? 1_000_000);
const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'flamelens-startup-'));

const TYPES = [
  ['process_cpu', 'cpu', 'nanoseconds', 'cpu', 'nanoseconds'],
  ['memory', 'alloc_space', 'bytes', 'space', 'bytes'],
  ['memory', 'inuse_space', 'bytes', 'space', 'bytes'],
  ['goroutine', 'goroutine', 'count', 'goroutine', 'count'],
];

const db = openDatabase(dataDir);
db.pragma('synchronous = OFF');
const insert = db.prepare('INSERT INTO series (tenant, profile_type, labels) VALUES (?, ?, ?)');
let t = performance.now();
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const [name, st, su, pt, pu] = TYPES[i % TYPES.length]!;
    const id = `${name}:${st}:${su}:${pt}:${pu}`;
    const labels: [string, string][] = [
      ['__name__', name!],
      ['__period_type__', pt!],
      ['__period_unit__', pu!],
      ['__profile_type__', id],
      ['__type__', st!],
      ['__unit__', su!],
      ['namespace', `ns-${i % 50}`],
      ['pod', `pod-${Math.floor(i / TYPES.length)}-${(i * 2654435761) % 100000}`],
      ['service_name', `service-${i % 1000}`],
    ];
    insert.run(`tenant-${i % 20}`, id, JSON.stringify(labels));
  }
})();
db.close();
console.log(`wrote ${N} series in ${((performance.now() - t) / 1000).toFixed(1)} s to ${dataDir}`);

t = performance.now();
const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--no-demo', '--port', '0'], {
  cwd: ROOT,
  env: { ...process.env, FLAMELENS_DATA: dataDir, FLAMELENS_DEMO: '0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
const memory = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const mib = (key: string) => (Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024).toFixed(0);
  return `peak RSS ${mib('VmHWM')} MiB, RSS now ${mib('VmRSS')} MiB`;
};
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(2);

/** Then every series' labels are parsed by a query per tenant (labels are parsed on first use). */
async function queryEveryTenant(url: string): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${url}/querier.v1.QuerierService/LabelValues`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-scope-orgid': `tenant-${i}` },
      body: JSON.stringify({ name: 'pod', start: 0, matchers: ['{service_name=~"service-.*"}'] }),
    });
    if (res.status !== 200) throw new Error(`LabelValues: ${res.status} ${await res.text()}`);
  }
  console.log(`LabelValues(pod) for all 20 tenants (its matcher parses every series' labels) took ${seconds(t0)} s; ${memory()}`);
}

child.stdout!.on('data', (d: Buffer) => {
  out += d;
  const m = /listening on (http:\/\/\S+)/.exec(out);
  if (!m || out.includes('\u0000seen')) return;
  out += '\u0000seen';
  console.log(`listening (answering queries) after ${seconds(t)} s, process start included; ${memory()}`);
  void queryEveryTenant(m[1]!).finally(() => child.kill('SIGTERM'));
});
child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
