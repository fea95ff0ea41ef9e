// Embedded server benchmark: ingest throughput (10 concurrent clients, 5k-stack CPU profiles) and
// SelectMergeProfile latency for one service over 1 h of 15 s profiles (240 × 5k unique stacks).
// Starts `tsx server/main.ts` as a child process with a temporary data directory.
//   npx tsx bench/server-bench.ts [--profiles 240] [--stacks 5000] [--runs 15]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { create, toBinary } from '@bufbuild/protobuf';
import { SelectMergeProfileRequestSchema } from '../src/api/gen/querier/v1/querier_pb';
import { median } from './lib/report';

// A value that is not a number (e.g. `--runs 10k=3`, meant for the other benchmarks) is ignored.
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isInteger(v) && v > 0 ? v : def;
};
const MERGE_TARGET_MS = 300;
const PROFILES = arg('profiles', 240);
const STACKS = arg('stacks', 5000);
const RUNS = arg('runs', 15);
const CLIENTS = 10;
const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';

// Deterministic pseudo-random numbers.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = (n: number) => Math.floor(rand() * n);

/** A pool of call stacks shaped like a real program: shared prefixes, depth 8–40, 1500 functions. */
function stackPool(n: number): number[][] {
  const stacks: number[][] = [];
  for (let i = 0; i < n; i++) {
    const base = i > 20 && rand() < 0.8 ? stacks[pick(stacks.length)]! : [];
    const keep = Math.min(base.length, 4 + pick(Math.max(1, base.length - 3)));
    const s = base.slice(0, keep);
    const depth = 8 + pick(33);
    while (s.length < depth) s.push(1 + pick(1500));
    stacks.push(s);
  }
  // Make each unique.
  return [...new Map(stacks.map((s) => [s.join(','), s])).values()].slice(0, n);
}

const POOL = stackPool(Math.round(STACKS * 1.3));

/** A CPU profile with `STACKS` stacks drawn from the pool (each profile's set differs a little). */
function makeProfile(timeMs: number): Uint8Array {
  const st = new StringTable();
  const fnIds = new Map<number, number>();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const fn = (f: number) => {
    let id = fnIds.get(f);
    if (id === undefined) {
      id = functions.length + 1;
      fnIds.set(f, id);
      functions.push(
        new PFunction({
          id,
          name: st.dedup(`app/pkg${f % 40}.Func${f}`),
          filename: st.dedup(`app/pkg${f % 40}/file${f % 7}.go`),
        }),
      );
      locations.push(new Location({ id, line: [new Line({ functionId: id, line: 10 + (f % 300) })] }));
    }
    return id;
  };
  const start = pick(POOL.length - STACKS + 1);
  const samples: Sample[] = [];
  for (let i = 0; i < STACKS; i++) {
    const s = POOL[start + i]!;
    const ids = s.map(fn).reverse(); // leaf first
    samples.push(new Sample({ locationId: ids, value: [1 + pick(20), (1 + pick(20)) * 10_000_000] }));
  }
  const p = new Profile({
    sampleType: [
      new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') }),
      new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    ],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: st,
    timeNanos: BigInt(timeMs) * 1_000_000n,
    durationNanos: 15_000_000_000n,
    periodType: new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    period: 10_000_000,
  });
  return gzipSync(p.encode());
}

async function startChild(dataDir: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts', '--no-demo', '--port', '0'], {
    env: { ...process.env, FLAMELENS_DATA: dataDir, FLAMELENS_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'flamelens-bench-'));
  const server = await startChild(dataDir);
  try {
    const hourAgo = Date.now() - 3_600_000;
    console.log(`generating ${PROFILES} profiles × ${STACKS} stacks…`);
    const bodies = Array.from({ length: PROFILES }, (_, i) => makeProfile(hourAgo + i * 15_000));
    console.log(`profile size: ${(bodies[0]!.length / 1024).toFixed(0)} KiB gzipped`);

    // Ingest: 10 clients, each takes the next profile; 1 h of 15 s profiles for one service.
    let next = 0;
    const latencies: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        while (next < PROFILES) {
          const i = next++;
          const t = performance.now();
          const res = await fetch(`${server.url}/ingest?name=bench{pod=pod-${c % 3}}&format=pprof&from=${hourAgo + i * 15_000}`, {
            method: 'POST',
            body: Buffer.from(bodies[i]!),
          });
          if (res.status !== 200) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `ingest: ${(PROFILES / secs).toFixed(1)} profiles/s with ${CLIENTS} clients (median request ${median(latencies).toFixed(0)} ms), server RSS ${rssMiB(server.pid)} MiB`,
    );

    // SelectMergeProfile over the hour (binary proto, as the app asks for it).
    const req = Buffer.from(
      toBinary(
        SelectMergeProfileRequestSchema,
        create(SelectMergeProfileRequestSchema, {
          profileTypeID: CPU,
          labelSelector: '{service_name="bench"}',
          start: BigInt(hourAgo - 1000),
          end: BigInt(Date.now()),
        }),
      ),
    );
    const mergeTimes: number[] = [];
    let size = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/querier.v1.QuerierService/SelectMergeProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/proto' },
        body: req,
      });
      const buf = new Uint8Array(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`merge failed: ${res.status}`);
      mergeTimes.push(performance.now() - t);
      size = buf.length;
      if (i === 0) {
        const merged = Profile.decode(buf);
        console.log(`merged profile: ${merged.sample.length} samples, ${(size / 1024).toFixed(0)} KiB`);
      }
    }
    const merge = median(mergeTimes);
    console.log(
      `SelectMergeProfile (${PROFILES} profiles × ${STACKS} stacks): median ${merge.toFixed(0)} ms (min ${Math.min(...mergeTimes).toFixed(0)}, max ${Math.max(...mergeTimes).toFixed(0)}) over ${RUNS} runs`,
    );
    console.log(`target SelectMergeProfile ≤ ${MERGE_TARGET_MS} ms: ${merge <= MERGE_TARGET_MS ? 'PASS' : 'FAIL'}`);

    const fgTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/querier.v1.QuerierService/SelectMergeStacktraces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          profileTypeID: CPU,
          labelSelector: '{service_name="bench"}',
          start: hourAgo - 1000,
          end: Date.now(),
        }),
      });
      await res.arrayBuffer();
      fgTimes.push(performance.now() - t);
    }
    console.log(`SelectMergeStacktraces (flame graph JSON): median ${median(fgTimes).toFixed(0)} ms`);
    console.log(`server RSS after queries: ${rssMiB(server.pid)} MiB`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
