// The embedded server as a child process (`server/main.ts` under tsx), as users run it, and its memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ServerChild {
  url: string;
  pid: number;
  /** The highest VmRSS seen by polling, and the kernel's own peak (VmHWM), in bytes. */
  peakRss: () => number;
  /** CPU time the server has used so far (all its threads), ms. */
  cpuMs: () => number;
  stop: () => Promise<void>;
}

function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // exited, or not Linux
  }
}

/** Starts `server/main.ts` of the checkout at `cwd` (this one by default: another one compares two versions). */
/** utime + stime of /proc/<pid>/stat, in ms (USER_HZ is 100 on Linux). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export async function startServerChild(
  dataDir: string,
  env: Record<string, string> = {},
  cwd = process.cwd(),
): Promise<ServerChild> {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts', '--no-demo', '--port', '0'], {
    env: { ...process.env, FLAMELENS_DATA: dataDir, FLAMELENS_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd,
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
  const pid = child.pid!;
  let peak = 0;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // VmHWM is the kernel's peak; the polling is a fallback where it is missing.
  const poll = setInterval(() => (peak = Math.max(peak, statusKb(pid, 'VmRSS'))), 250);
  return {
    url,
    pid,
    cpuMs: () => cpuMs(pid),
    peakRss: () => Math.max(peak, statusKb(pid, 'VmRSS'), statusKb(pid, 'VmHWM')),
    stop: () => {
      clearInterval(poll);
      child.kill('SIGTERM');
      return exited;
    },
  };
}
