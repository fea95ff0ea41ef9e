import { Function as PFunction, Label, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { openProfile } from '../profile/session';

/**
 * A small made-up profile (2,000 samples over 900 locations, some with inlined lines, two
 * labels), the same every time: enough for the engine to optimise the code that opens a profile
 * and builds its flame graph.
 */
export function warmUpProfile(): Uint8Array {
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const st = new StringTable();
  const s = (x: string) => st.dedup(x);
  const FUNCTIONS = 300;
  const LOCATIONS = 900;
  const SAMPLES = 2000;
  const profile = new Profile({
    sampleType: [new ValueType({ type: s('samples'), unit: s('count') }), new ValueType({ type: s('cpu'), unit: s('nanoseconds') })],
    periodType: new ValueType({ type: s('cpu'), unit: s('nanoseconds') }),
    period: 10_000_000,
    stringTable: st,
  });
  for (let f = 0; f < FUNCTIONS; f++) {
    profile.function.push(
      new PFunction({ id: f + 1, name: s(`example.com/pkg${f % 20}.Func${f}`), filename: s(`pkg${f % 20}/file${f % 7}.go`) }),
    );
  }
  for (let l = 0; l < LOCATIONS; l++) {
    const line = [new Line({ functionId: (l % FUNCTIONS) + 1, line: 10 + (l % 50) })];
    if (l % 5 === 0) line.push(new Line({ functionId: ((l * 7) % FUNCTIONS) + 1, line: 3 }));
    profile.location.push(new Location({ id: l + 1, address: 0x1000 + l * 16, line }));
  }
  const handler = s('handler');
  const worker = s('worker');
  for (let i = 0; i < SAMPLES; i++) {
    const depth = 8 + Math.floor(random() * 32);
    const stack: number[] = [];
    let loc = Math.floor(random() * 10);
    for (let d = 0; d < depth; d++) {
      stack.push(loc + 1);
      loc = (loc * 7 + 1 + Math.floor(random() * 3)) % LOCATIONS;
    }
    const count = 1 + Math.floor(random() * 4);
    profile.sample.push(
      new Sample({
        locationId: stack.reverse(), // leaf first
        value: [count, count * 10_000_000],
        label: [new Label({ key: handler, str: s(`h${i % 20}`) }), new Label({ key: worker, str: s(`w${i % 3}`) })],
      }),
    );
  }
  return profile.encode();
}

/**
 * Opens the made-up profile and builds its flame graph, so that the first real file the person
 * opens runs optimised code: a small file's first draw is mostly the engine's warm-up otherwise
 * (bench/browser/warm-reopen.ts: 246 ms cold, 99 ms warm at 10k stacks). One step per task, and
 * none once `stop()` says a real request has come, which then waits for one step at most.
 */
export function warmUpInSteps(stop: () => boolean): void {
  let bytes: Uint8Array | undefined;
  let session: ReturnType<typeof openProfile> | undefined;
  const steps = [
    () => (bytes = warmUpProfile()),
    () => (session = openProfile(bytes!)),
    () => session!.flame(session!.summary().defaultSampleIndex, 'functions', 'comparison', false),
  ];
  const next = (i: number) => {
    if (i >= steps.length || stop()) return;
    try {
      steps[i]!();
    } catch {
      return; // only a warm-up: the real file reports its own problems
    }
    setTimeout(() => next(i + 1), 0);
  };
  setTimeout(() => next(0), 0);
}
