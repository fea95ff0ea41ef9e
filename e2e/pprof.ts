// Small pprof profiles made by name for end-to-end tests (goroutine counts, heaps, empty profiles).
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';

export interface StackValues {
  /** Function names, leaf first (as pprof lists locations). */
  stack: string[];
  values: number[];
}

/** A pprof of these samples: one function and location per distinct name. */
export function makePprof(o: {
  sampleTypes: [string, string][];
  periodType: [string, string];
  samples: StackValues[];
}): Uint8Array {
  const st = new StringTable();
  const ids = new Map<string, number>();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const loc = (name: string) => {
    let id = ids.get(name);
    if (id === undefined) {
      id = functions.length + 1;
      ids.set(name, id);
      functions.push(new PFunction({ id, name: st.dedup(name) }));
      locations.push(new Location({ id, line: [new Line({ functionId: id })] }));
    }
    return id;
  };
  return new Profile({
    sampleType: o.sampleTypes.map(([t, u]) => new ValueType({ type: st.dedup(t), unit: st.dedup(u) })),
    periodType: new ValueType({ type: st.dedup(o.periodType[0]), unit: st.dedup(o.periodType[1]) }),
    period: 1,
    sample: o.samples.map((s) => new Sample({ locationId: s.stack.map(loc), value: s.values })),
    location: locations,
    function: functions,
    stringTable: st,
  }).encode();
}

/** Go's goroutine profile: `counts` goroutines per stack (leaf first, ';'-separated). */
export function goroutines(counts: Record<string, number>): Uint8Array {
  return makePprof({
    sampleTypes: [['goroutine', 'count']],
    periodType: ['goroutine', 'count'],
    samples: Object.entries(counts).map(([stack, n]) => ({ stack: stack.split(';'), values: [n] })),
  });
}
