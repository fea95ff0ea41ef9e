// prepareProfile writes each location's frameKey() and encodeFrame() by hand (serialising the lines
// once, for speed): they must be exactly what the store's functions make of the same frame, or the
// store would intern one frame twice, or read back another.
import { expect, it } from 'vitest';
import { Function as PFunction, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { prepareProfile } from '../ingest/prepare';
import { encodeFrame, frameKey, type Frame } from '../storage/symbols';
import { decodeFixture, readFixture } from './helpers';

/** The frames of a profile's locations, as the store defines them. */
function framesOf(p: Profile): Frame[] {
  const s = p.stringTable.strings;
  return p.location.map((l) => {
    const m = p.mapping.find((x) => Number(x.id) === Number(l.mappingId));
    return {
      mappingFile: m ? s[Number(m.filename)]! : '',
      buildId: m ? s[Number(m.buildId)]! : '',
      address: l.line.length === 0 ? Number(l.address) : 0,
      lines: l.line.map((line) => {
        const f = p.function.find((x) => Number(x.id) === Number(line.functionId));
        return {
          name: f ? s[Number(f.name)]! : '',
          systemName: f ? s[Number(f.systemName)]! : '',
          filename: f ? s[Number(f.filename)]! : '',
          startLine: f ? Number(f.startLine) : 0,
          line: Number(line.line),
        };
      }),
    };
  });
}

/** Addresses without lines, a mapping with a build id, inlined lines, quotes and non-ASCII names. */
function unusual(): Profile {
  const st = new StringTable();
  return new Profile({
    sampleType: [new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') })],
    mapping: [new Mapping({ id: 1, filename: st.dedup('/bin/app "x"'), buildId: st.dedup('abc123') })],
    function: [
      new PFunction({
        id: 1,
        name: st.dedup('main.run'),
        systemName: st.dedup('_main_run'),
        filename: st.dedup('main.go'),
        startLine: 3,
      }),
      new PFunction({ id: 2, name: st.dedup('naïve\\ "quoted"\u2028'), filename: st.dedup('a.go') }),
    ],
    location: [
      new Location({ id: 1, mappingId: 1, address: 0xdeadbeef }),
      new Location({ id: 2, mappingId: 1, line: [new Line({ functionId: 2, line: 7 }), new Line({ functionId: 1, line: 12 })] }),
      new Location({ id: 3, address: 42 }),
    ],
    sample: [new Sample({ locationId: [1, 2, 3], value: [5] }), new Sample({ locationId: [2], value: [1] })],
    stringTable: st,
  });
}

it.each(['go-cpu.pb.gz', 'go-heap-2.pb.gz', 'span-labels.pb.gz', 'unusual'])(
  '%s: frame keys and data as the store makes them',
  (name) => {
    const p = name === 'unusual' ? unusual() : decodeFixture(readFixture(name));
    const prepared = prepareProfile(p);
    const frames = framesOf(p);
    expect(prepared.frameKeys).toEqual(frames.map(frameKey));
    expect(prepared.frameData).toEqual(frames.map(encodeFrame));
  },
);
