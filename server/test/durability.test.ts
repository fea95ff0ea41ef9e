// Durability: kill -9 the server while 10 clients ingest; after a restart every acknowledged
// profile is there, whole, and no partially stored profile is.
import { afterAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { columnSum, decodeFixture, readFixture } from './helpers';

const ROOT = resolve(__dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'flamelens-durability-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--no-demo', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, FLAMELENS_DATA: dataDir, FLAMELENS_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolvePromise({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

it('every acknowledged profile survives kill -9, none is partial', async () => {
  // go.cpu.labels.pprof: 2 sample types × several sample-label groups = many rows per profile.
  const raw = readFixture('go-cpu.pb.gz');
  const original = decodeFixture(raw);
  const sums = [columnSum(original, 0), columnSum(original, 1)];
  const { child, url } = await startChild();
  const acked: string[] = [];
  const sent: string[] = [];
  let stop = false;
  const clients = Array.from({ length: 10 }, async (_, c) => {
    for (let n = 0; !stop; n++) {
      const pod = `c${c}-${n}`;
      sent.push(pod);
      try {
        // Bounded: a request caught by the kill must not hang the test.
        const res = await fetch(`${url}/ingest?name=durable{pod=${pod}}&format=pprof&from=${Date.now()}`, {
          method: 'POST',
          body: Buffer.from(raw),
          signal: AbortSignal.timeout(20_000),
        });
        if (res.status === 200) acked.push(pod);
        else throw new Error(`unexpected status ${res.status}`);
      } catch (e) {
        if (!stop) throw e;
      }
    }
  });
  // Kill once enough profiles are acknowledged (not after a fixed time: a busy machine acks fewer).
  // A client that fails before that fails the test at once.
  const enough = new Promise<void>((resolve) => {
    const poll = setInterval(() => acked.length >= 20 && (clearInterval(poll), resolve()), 20);
  });
  await Promise.race([enough, Promise.all(clients)]);
  stop = true;
  const killed = exited(child);
  child.kill('SIGKILL');
  await killed;
  await Promise.allSettled(clients);
  expect(acked.length).toBeGreaterThanOrEqual(20);

  const restarted = await startChild();
  try {
    const totals = await Promise.all(
      ['process_cpu:samples:count:cpu:nanoseconds', 'process_cpu:cpu:nanoseconds:cpu:nanoseconds'].map(async (type) => {
        const res = await fetch(`${restarted.url}/querier.v1.QuerierService/SelectSeries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            profileTypeID: type,
            labelSelector: '{service_name="durable"}',
            start: Date.now() - 600_000,
            end: Date.now() + 60_000,
            step: 3600,
            groupBy: ['pod'],
          }),
          signal: AbortSignal.timeout(30_000),
        });
        const json = (await res.json()) as { series?: { labels: { value: string }[]; points: { value: number }[] }[] };
        return new Map((json.series ?? []).map((s) => [s.labels[0]!.value, s.points.reduce((a, p) => a + p.value, 0)]));
      }),
    );
    for (const pod of acked) {
      expect(totals[0]!.get(pod), pod).toBe(sums[0]);
      expect(totals[1]!.get(pod), pod).toBe(sums[1]);
    }
    // Whatever else is there (in flight when killed) is whole too.
    for (const [i, t] of totals.entries()) {
      for (const [pod, v] of t) {
        expect(sent).toContain(pod);
        expect(v, pod).toBe(sums[i]);
      }
    }
  } finally {
    const done = exited(restarted.child);
    restarted.child.kill('SIGTERM');
    await done;
  }
}, 180_000);
