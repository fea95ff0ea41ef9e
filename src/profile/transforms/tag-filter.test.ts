import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { syntheticProfile } from '../../../tests/helpers/goldens';
import { toProfileData } from '../../../tests/oracle/profile-data';
import { labelReader, numLabelUnits } from '../model/label-table';
import type { ProfileData } from '../model/profile-data';
import { readProfileData } from '../pprof/reader';
import { tagsReport } from '../reports/tags';
import { profileTotal } from './filters';
import { refineProfile } from './refine';
import { compileTagFilter, parseTagRange } from './tag-filter';
import { addTagFrames } from './tag-frames';

describe('parseTagRange (pprof parseTagFilterRange)', () => {
  const kb = (n: number) => n * 1024;
  it('reads equal, at most, at least and both ends, in the first number’s unit', () => {
    expect(parseTagRange('32kb')!(kb(32), 'bytes')).toBe(true);
    expect(parseTagRange('32kb')!(kb(32) + 1, 'bytes')).toBe(false);
    expect(parseTagRange(':64kb')!(kb(64), 'bytes')).toBe(true);
    expect(parseTagRange(':64kb')!(kb(64) + 1, 'bytes')).toBe(false);
    expect(parseTagRange('4mb:')!(kb(4096), 'bytes')).toBe(true);
    expect(parseTagRange('4mb:')!(kb(4095), 'bytes')).toBe(false);
    expect(parseTagRange('+400kb:')!(kb(400), 'B')).toBe(true);
    const r = parseTagRange('12kb:64mb')!;
    expect([kb(12) - 1, kb(12), kb(64 * 1024), kb(64 * 1024) + 1].map((v) => r(v, 'bytes'))).toEqual([false, true, true, false]);
    expect(parseTagRange('1ms:5ms')!(2_000_000, 'nanoseconds')).toBe(true);
    expect(parseTagRange('2:5')!(3, 'goroutine')).toBe(true);
  });

  it('compares nothing across kinds of unit; a bare number is not bytes', () => {
    expect(parseTagRange('1ms:5ms')!(2_000_000, 'bytes')).toBe(false);
    expect(parseTagRange('1024')!(1024, 'bytes')).toBe(false);
    expect(parseTagRange('1024b')!(1024, 'bytes')).toBe(true);
  });

  it('is not a range unless the whole filter reads as one', () => {
    for (const f of ['1.56MB', 'tag1', 'key[12]', '^5$', '1kb:2ms', '1kb-2kb', 'bytes', ''])
      expect(parseTagRange(f), f).toBeUndefined();
  });
});

/** Samples of data that a tag filter keeps. */
function matching(data: ProfileData, filter: string): number[] {
  const m = compileTagFilter('tagfocus', filter, data.sampleLabels, numLabelUnits(data.sampleLabels));
  const read = labelReader(data);
  const out: number[] = [];
  for (let i = 0; i < data.sampleCount; i++) if (m(read(i))) out.push(i);
  return out;
}

describe('compileTagFilter (pprof compileTagFilter)', () => {
  // pprof's synthetic cpu profile: key1 tag1..tag4, key2 tag1/tag2, key3 tag2 on some samples.
  const cpu = toProfileData(syntheticProfile('cpu'));
  const labels = (i: number) => {
    const l = labelReader(cpu)(i);
    return l.keys.map((k, j) => `${k}:${l.values[j]}`).join(',');
  };

  it('with a key: one of its values matches one of the comma-separated regexps', () => {
    const picked = matching(cpu, 'key1=tag2,tag4');
    expect(picked.length).toBeGreaterThan(0);
    for (let i = 0; i < cpu.sampleCount; i++) expect(picked.includes(i), labels(i)).toBe(/key1:tag[24]/.test(labels(i)));
  });

  it('without a key: every regexp matches some key:value', () => {
    const picked = matching(cpu, 'key1:tag1,key2:tag1');
    for (let i = 0; i < cpu.sampleCount; i++) {
      expect(picked.includes(i), labels(i)).toBe(labels(i).includes('key1:tag1') && labels(i).includes('key2:tag1'));
    }
    expect(matching(cpu, '=key3')).toEqual(matching(cpu, 'key3')); // an empty key is no key
  });

  it('numeric ranges test that key’s values, or every numeric key without one', () => {
    const heap = toProfileData(syntheticProfile('heap'));
    const bytesOf = (i: number) => {
      const l = labelReader(heap)(i);
      return [...heap.sampleLabels!.numValue.subarray(l.numFrom, l.numTo)];
    };
    const picked = matching(heap, 'bytes=400kb:');
    expect(picked.length).toBeGreaterThan(0);
    for (let i = 0; i < heap.sampleCount; i++) expect(picked.includes(i)).toBe(bytesOf(i).some((v) => v >= 400 * 1024));
    expect(matching(heap, '400kb:')).toEqual(picked);
    expect(matching(heap, 'other=400kb:')).toEqual([]);
  });
});

describe('a tags view row’s filter keeps exactly that row’s samples', () => {
  for (const fixture of ['go-cpu.pb.gz', 'go-heap.pb.gz', 'span-labels.pb.gz']) {
    it(fixture, () => {
      const data = readProfileData(readFixture(fixture));
      const units = numLabelUnits(data.sampleLabels);
      const si = data.defaultSampleIndex;
      const all = tagsReport(data, si, profileTotal(data, si), { units });
      let rows = 0;
      for (const k of all.keys) {
        for (const v of k.values.slice(0, 20)) {
          const focused = refineProfile(data, { tagFocus: v.filter }, { units }).data;
          const again = tagsReport(focused, si, 0, { units }).keys.find((x) => x.key === k.key)!;
          expect(
            again.values.map((x) => [x.name, x.weight]),
            v.filter,
          ).toEqual([[v.name, v.weight]]);
          rows++;
        }
      }
      expect(rows).toBeGreaterThan(5);
    });
  }
});

describe('addTagFrames (pprof addLabelNodes)', () => {
  it('puts the first root key outermost and the last leaf key innermost, values joined', () => {
    const cpu = toProfileData(syntheticProfile('cpu'));
    const { data, warnings } = addTagFrames(cpu, 'key1,key2', 'key3,key1');
    expect(warnings).toEqual([]);
    const read = labelReader(cpu);
    for (let s = 0; s < data.sampleCount; s++) {
      const frames = [...data.stackLocations.subarray(data.stackStart[s]!, data.stackStart[s + 1]!)].map((loc) => {
        const fn = data.lineFunction[data.locationLineStart[loc]!]!;
        return `${data.functionFile[fn]}=${data.functionName[fn]}`;
      });
      const l = read(s);
      const v = (k: string) => l.values.filter((_, j) => l.keys[j] === k).join(',');
      const n = frames.length;
      // Leaf first: key1 then key3 below the old leaf; key2 then key1 above the old root.
      expect([frames[0], frames[1], frames[n - 2], frames[n - 1]]).toEqual([
        `key1=${v('key1')}`,
        `key3=${v('key3')}`,
        `key2=${v('key2')}`,
        `key1=${v('key1')}`,
      ]);
    }
    expect(addTagFrames(cpu, 'nope', undefined).warnings).toEqual(['TagRoot expression matched no samples']);
    expect(addTagFrames(cpu, ',', 'key1').warnings).toEqual(['TagRoot expression matched no samples']);
  });
});
