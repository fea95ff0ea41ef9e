import { Function as PFunction, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';

/** Samples, locations and functions of the tiny warm-up profile. */
export const TINY_WARM_UP: [number, number, number] = [6, 400, 100];

/**
 * The worker's warm-up profile (see warm-up.ts), the same every time: 1,000 made-up samples over
 * 4,200 locations, 1,000 functions and two labels, shaped like a real Go CPU profile so that the
 * warm-up takes the code paths a real file takes. A path it does not take is one the engine's
 * optimised code has no type feedback for: the real file then drops back to the interpreter
 * there, mid-loop (seen with V8's --trace-deopt). So it has what real profiles have and a small
 * one might lack: a time and duration beyond 2^31 (and 9-byte varints), values beyond 2^30,
 * stacks deeper than 64 frames, location ids of three varint bytes, frames with more than 12
 * callees, a stack repeated under other labels, a number label, addresses beyond 2^32 in a second
 * mapping with a build id, and functions with system names and start lines. Small, so that each
 * step of the warm-up is short (a file given meanwhile waits for one step). The worker has it as
 * warm-up.pb.gz, inlined in its script, which `npx tsx scripts/make-warm-up-profile.ts` writes from
 * this (encoding it in the worker would be work for the page's first file to wait on);
 * warm-up.test.ts checks that they agree.
 * With fewer samples, locations and functions: the tiny profile (warm-up-tiny.pb.gz) that the
 * warm-up opens first, whose loops are too short for the engine to compile them mid-run.
 */
export function warmUpProfile(SAMPLES = 1000, LOCATIONS = 4200, FUNCTIONS = 1000): Uint8Array {
  const MAX_DEPTH = 130;
  /** Locations that call any of FAN_OUT others: wide frames, as dispatchers are. */
  const DISPATCHERS = 4;
  const FAN_OUT = 40;
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const st = new StringTable();
  const s = (x: string) => st.dedup(x);
  const profile = new Profile({
    sampleType: [new ValueType({ type: s('samples'), unit: s('count') }), new ValueType({ type: s('cpu'), unit: s('nanoseconds') })],
    periodType: new ValueType({ type: s('cpu'), unit: s('nanoseconds') }),
    period: 10_000_000,
    timeNanos: 1_763_000_000_123_456_789n,
    durationNanos: 10_000_000_000,
    stringTable: st,
  });
  for (let f = 0; f < FUNCTIONS; f++) {
    const name = s(`example.com/pkg${f % 20}.Func${f}`);
    profile.function.push(
      new PFunction({ id: f + 1, name, systemName: name, filename: s(`pkg${f % 20}/file${f % 7}.go`), startLine: 5 + (f % 300) }),
    );
  }
  // Locations in a shared library sit above 2^32, as real ones do; their ids take three varint
  // bytes (and stay dense enough for the reader's array index).
  const LIBRARY_FROM = LOCATIONS - 200;
  const idOf = (l: number) => (l < LIBRARY_FROM ? l + 1 : (1 << 14) + 1 + l - LIBRARY_FROM);
  for (let l = 0; l < LOCATIONS; l++) {
    const line = [new Line({ functionId: (l % FUNCTIONS) + 1, line: 10 + (l % 50) })];
    if (l % 5 === 0) line.push(new Line({ functionId: ((l * 7) % FUNCTIONS) + 1, line: 3 }));
    const library = l >= LIBRARY_FROM;
    const address = library ? 0x7f3a_1c20_0000 + (l - LIBRARY_FROM) * 24 : 0x401000 + l * 16;
    profile.location.push(new Location({ id: idOf(l), address, line, mappingId: library ? 2 : 1 }));
  }
  const flags = { hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: true };
  profile.mapping.push(
    new Mapping({ id: 1, memoryStart: 0x400000, memoryLimit: 0x800000, filename: s('/usr/local/bin/example'), buildId: s('5f0c6e1b2d7a9e43'), ...flags }),
    new Mapping({ id: 2, memoryStart: 0x7f3a_1c20_0000, memoryLimit: 0x7f3a_1c40_0000, filename: s('/usr/lib/libexample.so'), buildId: s('a1b2c3d4e5f60718'), ...flags }),
  );
  const handler = s('handler');
  const worker = s('worker');
  const bytes = s('bytes');
  let previous: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    // One sample in ten repeats the previous stack under another worker label.
    const repeat = i % 10 === 9;
    const stack: number[] = repeat ? previous : [];
    if (!repeat) {
      const depth = 8 + Math.floor(random() * random() * (MAX_DEPTH - 8));
      let loc = Math.floor(random() * 10);
      for (let d = 0; d < depth; d++) {
        stack.push(idOf(loc));
        loc =
          loc < DISPATCHERS
            ? (100 + Math.floor(random() * FAN_OUT) * 7) % LOCATIONS
            : (loc * 7 + 1 + Math.floor(random() * 3)) % LOCATIONS;
        if (d === 1) loc = Math.floor(random() * DISPATCHERS);
      }
      stack.reverse(); // leaf first
      previous = stack;
    }
    // Mostly small counts; a few large enough that count × period passes 2^30.
    const count = i % 97 === 0 ? 120 + (i % 50) : 1 + Math.floor(random() * 4);
    const label = [new Label({ key: handler, str: s(`h${i % 20}`) }), new Label({ key: worker, str: s(`w${i % 3}${repeat ? 'r' : ''}`) })];
    if (i % 50 === 0) label.push(new Label({ key: bytes, num: 4096 * (1 + (i % 7)), numUnit: s('bytes') }));
    profile.sample.push(new Sample({ locationId: stack, value: [count, count * 10_000_000], label }));
  }
  return profile.encode();
}
