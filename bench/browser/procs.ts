/**
 * Memory of the Chromium renderer processes this node process started, read from /proc (Linux):
 * every descendant of `process.pid` whose command line has `--type=renderer`. VmHWM is the
 * kernel's peak resident set of a process since it started (dedicated Web Workers are threads of
 * the page's renderer, so they count); VmRSS is the current one. Both include shared pages (the
 * Chromium binary's text, fonts), about 60–100 MiB for an idle renderer.
 */
import { readFileSync, readdirSync } from 'node:fs';

interface RendererMemory {
  pid: number;
  rssBytes: number;
  hwmBytes: number;
}

function ppidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ... ; comm may contain spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function statusKb(pid: number, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Descendant pids of `root` (not including it). */
function descendants(root = process.pid): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const pp = ppidOf(pid);
    if (pp === undefined) continue;
    let list = children.get(pp);
    if (!list) children.set(pp, (list = []));
    list.push(pid);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < 10_000) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** The renderer processes among this process's descendants. */
function rendererPids(root = process.pid): number[] {
  return descendants(root).filter((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmd.includes('--type=renderer') && !cmd.includes('--extension-process');
    } catch {
      return false;
    }
  });
}

function rendererMemory(pids: number[]): RendererMemory[] {
  return pids
    .map((pid) => ({ pid, rssBytes: statusKb(pid, 'VmRSS') * 1024, hwmBytes: statusKb(pid, 'VmHWM') * 1024 }))
    .filter((m) => m.rssBytes > 0 || m.hwmBytes > 0);
}

/**
 * Samples the renderers' RSS every `everyMs` until stopped. `peak()` is the largest single
 * renderer's VmHWM (exact peak, as long as the process is alive) or, when it is gone (a crash),
 * the largest RSS sampled.
 */
export class RendererSampler {
  private timer: NodeJS.Timeout | undefined;
  private maxRss = 0;
  private maxHwm = 0;
  private pids: number[] = [];
  samples = 0;

  constructor(private readonly everyMs = 100) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.everyMs);
  }

  tick(): void {
    // Rescan for new renderers now and then (the page's renderer exists after the first navigation).
    if (this.pids.length === 0 || this.samples % 20 === 0) this.pids = rendererPids();
    for (const m of rendererMemory(this.pids)) {
      this.maxRss = Math.max(this.maxRss, m.rssBytes);
      this.maxHwm = Math.max(this.maxHwm, m.hwmBytes);
    }
    this.samples++;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  peak(): { hwmBytes: number; sampledRssBytes: number } {
    return { hwmBytes: this.maxHwm, sampledRssBytes: this.maxRss };
  }
}
