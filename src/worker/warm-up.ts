import { ProfileSession } from '../profile/session';
import { runInSteps } from './idle-steps';
import warmUpFileUrl from './warm-up.pb.gz?url';

/**
 * While the person picks a file, the worker opens a small made-up profile (warm-up-profile.ts)
 * the way it opens theirs and builds its flame graph, twice each, so that the first real file runs
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
  let bytes: Uint8Array | undefined;
  let session: ProfileSession | undefined;
  // Each flame graph from a fresh session of the opened profile, so that its node table and
  // frames are built again (a session keeps them), as for a new file.
  const flame = () => {
    const s = new ProfileSession(session!.data, session!.trie);
    s.flame(s.summary().defaultSampleIndex, 'functions', 'comparison', false);
  };
  // Both flame graphs before the second opening: a file given right after load often comes
  // during the third step, and one flame graph short it built its own at half speed (60-76 ms
  // against 19-34 at 10k stacks, traced). Side by side with open, flame, open, flame: 0.97 over
  // 42 runs each, within this machine's noise (BENCHMARKS.md, issue 3, session 4).
  const steps: (() => void)[] = [() => (session = open(bytes!)), flame, flame, () => (session = open(bytes!))];
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
