import type { ProfileData } from '../profile/model/profile-data';
import { ProfileSession } from '../profile/model/session';
import { runInSteps } from './idle-steps';
import warmUpFile from './warm-up.pb.gz?inline';
import warmUpTiny from './warm-up-tiny.pb.gz?inline';

/** What the warm-up runs of the worker's own code: the two halves of opening a file. */
export interface WarmUpOpener {
  /** A gzipped file's bytes, inflated as the worker inflates a file. */
  inflate(gzipped: Uint8Array): Promise<Uint8Array>;
  /** Decodes a file as the worker does (the same options object: see the worker's openFile). */
  read(bytes: Uint8Array): ProfileData;
  /** The session of what `read` decoded. */
  build(data: ProfileData): ProfileSession;
}

/**
 * While the person picks a file, the worker opens a small made-up profile (warm-up-profile.ts)
 * the way it opens theirs and builds its flame graph, so that the first real file runs code the
 * engine has already compiled: at 10k stacks a cold first open is much of the first draw (see
 * BENCHMARKS.md, issue 3).
 *
 * A tiny version of it goes through all of that twice first, too small for any loop to be
 * compiled while it runs. Otherwise the engine compiled a long loop (on-stack replacement) before
 * the code after it had ever run, with no type feedback for that code: the compiled code gave up
 * there (--trace-deopt: "Insufficient type feedback", at the end of readProfileData and after
 * the first loops of buildStackTrie and expandFrames), and so did its cached copy in every later
 * call, the real file's included, which then compiled those functions again, 19-79 ms each on a
 * background thread of a 2-core machine.
 *
 * One step per task, and none once `stop()` says a real request has come. A file given right
 * after the page loads mostly arrives while a step runs, and waits for the rest of it: so each
 * opening and each flame graph is two steps, and no step is more than a half of either.
 * The profiles are in the worker's script (base64): fetching one put off the first step by 16-80 ms.
 * `finished` says, once the warm-up has ended however it ended, how many steps completed (a step
 * that throws ends the warm-up; a profile that cannot be inflated ends it before the first step).
 */
export function warmUpInSteps(stop: () => boolean, opener: WarmUpOpener, finished?: (completed: number, steps: number) => void): void {
  let bytes: Uint8Array | undefined;
  let tinyBytes: Uint8Array | undefined;
  let data: ProfileData | undefined;
  let session: ProfileSession | undefined;
  let fresh: ProfileSession | undefined;
  const read = () => {
    data = opener.read(bytes!);
  };
  const build = () => {
    session = opener.build(data!);
    data = undefined;
  };
  // Each flame graph from a fresh session of the opened profile, so that its node table and
  // frames are built again (a session keeps them), as for a new file.
  const frames = () => {
    fresh = new ProfileSession(session!.data, session!.trie);
    fresh.frames('functions');
  };
  const layout = () => {
    fresh!.flame(fresh!.summary().defaultSampleIndex, 'functions', 'comparison', false);
    fresh = undefined;
  };
  // The tiny profile's opening and flame graph, in one step: they take a few milliseconds.
  const tiny = () => {
    data = opener.read(tinyBytes!);
    build();
    frames();
    layout();
  };
  // Both flame graphs before the second opening: a file given right after load often comes
  // during the third step, and one flame graph short it built its own at half speed (60-76 ms
  // against 19-34 at 10k stacks, traced). Side by side with open, flame, open, flame: 0.97 over
  // 42 runs each, within this machine's noise (BENCHMARKS.md, issue 3, session 4). One more
  // opening and flame graph at the end: no better (1.01 after 2 s idle).
  const steps = [tiny, tiny, read, build, frames, layout, frames, layout, read, build];
  // In a promise from the start: nothing the warm-up does may throw where the worker starts.
  const inflated = Promise.resolve().then(() =>
    Promise.all([opener.inflate(bytesOfDataUrl(warmUpFile)), opener.inflate(bytesOfDataUrl(warmUpTiny))]),
  );
  inflated.then(
    ([b, t]) => {
      bytes = b;
      tinyBytes = t;
      // Nothing of the warm-up stays; a step that fails is only a warm-up's (the real file
      // reports its own problems).
      runInSteps(steps, stop, (completed) => {
        bytes = tinyBytes = data = session = fresh = undefined;
        finished?.(completed, steps.length);
      });
    },
    () => finished?.(0, steps.length), // no warm-up: the first file is only slower
  );
}

/** The bytes of a base64 data URL (as Vite inlines an asset). */
export function bytesOfDataUrl(url: string): Uint8Array {
  const text = atob(url.slice(url.indexOf(',') + 1));
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
