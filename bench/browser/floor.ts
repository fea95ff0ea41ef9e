import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NODE_FLAGS } from '../model-bench';
import { type BenchSize, REPO_DIR } from '../lib/sizes';

/** One timed run of model-bench.ts's floor (ms). */
export interface FloorRun {
  totalMs: number;
  gunzipMs: number;
  decodeMs: number;
}

/**
 * The model floor of one file, measured on request in a process of its own (floor-child.ts), so
 * that the browser benchmark can take a floor run right before each first draw: a ratio of two
 * figures measured minutes apart is this machine's drift as much as the app's speed.
 */
export class FloorProcess {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;

  private constructor(child: ChildProcess) {
    this.child = child;
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  /** Starts the process for one generated size and waits until it has warmed up. */
  static async start(size: BenchSize): Promise<FloorProcess> {
    const args = [...NODE_FLAGS, '--import', 'tsx', join(REPO_DIR, 'bench', 'browser', 'floor-child.ts'), size.name];
    const child = spawn(process.execPath, args, { cwd: REPO_DIR, stdio: ['pipe', 'pipe', 'inherit'] });
    const p = new FloorProcess(child);
    const first = await p.lines.next();
    if (first.done || first.value !== 'READY') throw new Error(`floor process: ${first.done ? 'exited' : first.value}`);
    return p;
  }

  /** One timed floor run (a full GC first, as in model-bench.ts). */
  async run(): Promise<FloorRun> {
    this.child.stdin!.write('run\n');
    const line = await this.lines.next();
    if (line.done || !line.value.startsWith('FLOOR ')) throw new Error(`floor process: ${line.done ? 'exited' : line.value}`);
    return JSON.parse(line.value.slice('FLOOR '.length)) as FloorRun;
  }

  close(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}
