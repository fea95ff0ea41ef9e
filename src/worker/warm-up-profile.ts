import { Function as PFunction, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';

/**
 * The worker's warm-up profile (see warm-up.ts), the same every time: 1,000 made-up samples 8 to
 * 60 frames deep over 3,000 locations of one mapping, some with an inlined line, 1,000 functions
 * and two labels. Shaped like a real CPU profile, so that the code paths a real file takes
 * (mappings, ids of several bytes, deep stacks) are the ones warmed up; small, so that each step
 * of the warm-up is short (a file given meanwhile waits for one step). The worker reads it from
 * warm-up.pb.gz, which `npx tsx scripts/make-warm-up-profile.ts` writes from this (encoding it in
 * the worker would be work for the page's first file to wait on); warm-up.test.ts checks that
 * they agree.
 */
export function warmUpProfile(): Uint8Array {
  const SAMPLES = 1000;
  const LOCATIONS = 3000;
  const FUNCTIONS = 1000;
  const MAX_DEPTH = 60;
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const st = new StringTable();
  const s = (x: string) => st.dedup(x);
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
    profile.location.push(new Location({ id: l + 1, address: 0x401000 + l * 16, line, mappingId: 1 }));
  }
  profile.mapping.push(new Mapping({ id: 1, memoryStart: 0x400000, memoryLimit: 0x800000, filename: s('/usr/local/bin/example'), hasFunctions: true }));
  const handler = s('handler');
  const worker = s('worker');
  for (let i = 0; i < SAMPLES; i++) {
    const depth = 8 + Math.floor(random() * (MAX_DEPTH - 8));
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
