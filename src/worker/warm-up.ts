import type { ProfileSession } from '../profile/session';
import { runInSteps } from './idle-steps';
import warmUpFileUrl from './warm-up.pb.gz?url';

/**
 * While the person picks a file, the worker opens a small made-up profile (warm-up-profile.ts)
 * the way it opens theirs, and builds its flame graph, twice, so that the first real file runs
 * code the engine has already compiled: at 10k stacks a cold first open is much of the first
 * draw (see BENCHMARKS.md, issue 3). `read` and `open` are the worker's own file reader and
 * opener, so that reading and inflating warm up too, and the engine sees the same calls as for a
 * real file.
 *
 * One step per task, and none once `stop()` says a real request has come: that request then
 * waits for one step at most. Reading the file is not a step that blocks (it awaits the network
 * and the browser's zlib), so a file given while it is fetched waits for nothing.
 */
export function warmUpInSteps(
  stop: () => boolean,
  read: (file: Blob) => Promise<Uint8Array>,
  open: (bytes: Uint8Array) => ProfileSession,
): void {
  const ROUNDS = 2;
  let bytes: Uint8Array | undefined;
  let session: ProfileSession | undefined;
  const steps: (() => void)[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    steps.push(
      () => (session = open(bytes!)),
      () => session!.flame(session!.summary().defaultSampleIndex, 'functions', 'comparison', false),
    );
  }
  fetch(warmUpFileUrl)
    .then((res) => (res.ok ? res.blob() : Promise.reject(new Error(res.statusText))))
    .then(read)
    .then(
      (b) => {
        bytes = b;
        // Nothing of the warm-up stays; a step that fails is only a warm-up's (the real file
        // reports its own problems).
        runInSteps(steps, stop, () => (bytes = session = undefined));
      },
      () => undefined, // no warm-up: the first file is only slower
    );
}
