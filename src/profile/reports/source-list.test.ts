// The -list report's rules that the goldens (tests/goldens/list.ts) do not reach: profiles without a
// line table, a diff that nets out, the end-of-file cut, the regexp's dialect.
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../tests/helpers/corpus';
import { diffSession, openProfile } from '../model/session';
import { readProfileData } from '../pprof/reader';
import { ListRegexpError, listMatcher, quoteMeta, shownLines, sourceListing, splitSourceLines } from './source-list';

const re = (source: string) => listMatcher(RE2JS, source);

describe('source listing', () => {
  it('has no line table for py-spy style names: each function has no source information', () => {
    const s = openProfile(readFixture('pyspy.pb.gz'));
    const l = sourceListing(s, 0, re('handle'));
    expect(l.hasLineTable).toBe(false);
    expect(l.routines.map((r) => [r.name, r.file, r.lines])).toEqual([['app/server.py:42 - handle', '', undefined]]);
    expect(sourceListing(openProfile(readFixture('go-cpu.pb.gz')), 1, re('^$')).hasLineTable).toBe(true);
  });

  it('lists nothing where a diff nets to zero, as pprof drops those nodes', () => {
    const d = readProfileData(readFixture('go-cpu.pb.gz'));
    const same = diffSession(d, readProfileData(readFixture('go-cpu.pb.gz')));
    expect(sourceListing(same, 1, re('^main\\.fib$')).routines).toEqual([]);
  });

  it('matches with Go’s regexp syntax, anywhere in the name', () => {
    const s = openProfile(readFixture('go-cpu.pb.gz'));
    expect(sourceListing(s, 1, re('(?i)MAIN\\.FIB$')).routines.map((r) => r.name)).toEqual(['main.fib']);
    expect(sourceListing(s, 1, re('parser')).routines.length).toBe(3);
    expect(() => re('main.(fib')).toThrow(ListRegexpError);
    // Lookbehind is JavaScript's, not RE2's: pprof would refuse it, and so do we.
    expect(() => re('(?<=main\\.)fib')).toThrow(ListRegexpError);
    expect(re(quoteMeta('main.(*parser).expr'))('main.(*parser).expr')).toBe(true);
    expect(re(quoteMeta('main.(*parser).expr'))('main.X*parser).expr')).toBe(false);
  });

  it('cuts the rows at the end of the file, and splits lines as Go’s scanner does', () => {
    const lines = { start: 5, end: 12, flat: new Float64Array(8), cum: new Float64Array(8) };
    expect(shownLines(lines, 10)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(shownLines(lines)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(shownLines(lines, 3)).toEqual([]);
    expect(splitSourceLines('a\r\nb\n')).toEqual(['a', 'b']);
    expect(splitSourceLines('a\n\nb')).toEqual(['a', '', 'b']);
  });
});
