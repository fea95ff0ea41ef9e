import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { groupUnderRoots } from './group-roots';
import { readSessionData, sessionOf } from './session';
import type { ProfileData } from './profile-data';

const read = (name: string): ProfileData => readSessionData(() => readFixture(name), {});
const total = (d: ProfileData, t: number) => d.values[t]!.reduce((a, v) => a + v, 0);

/** The root's children: their names and totals, largest first. */
function rootChildren(d: ProfileData): [string, number][] {
  const s = sessionOf(d);
  const f = s.flame(d.defaultSampleIndex, 'functions');
  const out: [string, number][] = [];
  for (let c = 1; c < f.tree.size; c = f.tree.end[c]!) out.push([f.names[f.tree.node[c]!]!, f.tree.total[c]!]);
  return out;
}

describe('groupUnderRoots', () => {
  it('puts each part under a root frame named by its value, with the part’s total', () => {
    const a = read('go-cpu.pb.gz');
    const b = read('go-cpu-tiny.pb.gz');
    const grouped = groupUnderRoots('pod', [
      { value: 'a', data: a },
      { value: 'b', data: b },
    ]);
    const t = a.defaultSampleIndex;
    expect(rootChildren(grouped)).toEqual([
      ['a', total(a, t)],
      ['b', total(b, t)],
    ]);
    // As pprof's -tagroot names a label frame: the value as function name, the key as its file.
    const fa = grouped.functionName.indexOf('a');
    expect(grouped.functionFile[fa]).toBe('pod');
    expect(grouped.sampleCount).toBe(a.sampleCount + b.sampleCount);
    // The parts' sample labels are kept, sample for sample.
    const handler = grouped.labels.find((l) => l.key === 'handler')!;
    expect(handler.values.slice(0, a.sampleCount)).toEqual(a.labels.find((l) => l.key === 'handler')!.values);
    expect(handler.values.slice(a.sampleCount).every((v) => v === '')).toBe(true);
  });

  it('keeps each part’s frames below its root: the same stacks as the part alone', () => {
    const a = read('go-cpu.pb.gz');
    const alone = sessionOf(read('go-cpu.pb.gz')).flame(a.defaultSampleIndex, 'functions');
    const grouped = sessionOf(groupUnderRoots('pod', [{ value: 'x', data: a }])).flame(a.defaultSampleIndex, 'functions');
    expect(grouped.tree.size).toBe(alone.tree.size + 1);
    expect(grouped.tree.total[1]).toBe(alone.tree.total[0]);
    // Frame i + 1 under the root frame is frame i of the part alone (depth-first, same order).
    for (let i = 1; i < alone.tree.size; i++) {
      expect(grouped.names[grouped.tree.node[i + 1]!]).toBe(alone.names[alone.tree.node[i]!]);
      expect(grouped.tree.total[i + 1]).toBe(alone.tree.total[i]);
    }
  });

  it('a value of "" (series without the label) is a frame with no name, as pprof makes one', () => {
    const grouped = groupUnderRoots('pod', [{ value: '', data: read('go-cpu-tiny.pb.gz') }]);
    const f = grouped.functionName.length - 1;
    expect([grouped.functionName[f], grouped.functionFile[f]]).toEqual(['', 'pod']);
  });

  it('refuses parts of different sample types', () => {
    expect(() =>
      groupUnderRoots('pod', [
        { value: 'a', data: read('go-cpu.pb.gz') },
        { value: 'b', data: read('go-heap.pb.gz') },
      ]),
    ).toThrow(/other sample types/);
  });
});
