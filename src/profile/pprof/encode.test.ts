import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { encodeProfileData } from './encode';
import { openProfile } from '../model/session';

describe('encodeProfileData', () => {
  for (const fixture of ['go-heap.pb.gz', 'go-cpu.pb.gz', 'java-cpu.pb.gz', 'no-addr-no-line.pb.gz']) {
    it(`${fixture}: re-encoded pprof has the same top table`, () => {
      const a = openProfile(readFixture(fixture));
      const b = openProfile(encodeProfileData(a.fullData()));
      expect(b.data.sampleTypes).toEqual(a.data.sampleTypes);
      expect(b.data.defaultSampleIndex).toBe(a.data.defaultSampleIndex);
      for (let t = 0; t < a.data.sampleTypes.length; t++) {
        const ta = a.top(t, 'lines');
        const tb = b.top(t, 'lines');
        expect(tb.names).toEqual(ta.names);
        expect(Array.from(tb.flat)).toEqual(Array.from(ta.flat));
        expect(Array.from(tb.cum)).toEqual(Array.from(ta.cum));
      }
      expect(b.data.labels.map((l) => l.key)).toEqual(a.data.labels.map((l) => l.key));
    });
  }
});
