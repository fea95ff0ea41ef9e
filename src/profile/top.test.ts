import { describe, expect, it } from 'vitest';
import { expectedFixtures, expectedReports, readExpectedTop, readFixture } from '../../tests/helpers/expected';
import { loadProfile } from './load';
import { formatTopText } from './text-report';
import { buildTopTable } from './top';

// For every fixture that go tool pprof reads and every sample type: the model's top table,
// printed through pprof's own number formatting, equals `go tool pprof -top -nodefraction=0`.
describe('top table agrees with go tool pprof', () => {
  for (const fixture of expectedFixtures()) {
    for (const [suffix, granularity, sort] of [
      ['top.txt', 'functions', 'flat'],
      ['lines.top.txt', 'lines', 'flat'],
      ['cum.txt', 'functions', 'cum'],
    ] as const) {
      for (const rep of expectedReports(fixture, suffix)) {
        it(`${fixture} ${rep.sampleIndex}.${rep.sampleType} ${suffix}`, () => {
          const profile = loadProfile(readFixture(fixture));
          const expected = readExpectedTop(rep.file);
          const table = buildTopTable(profile, { sampleIndex: rep.sampleIndex, granularity, sort });
          const unit = profile.stringTable.strings[Number(profile.sampleType[rep.sampleIndex]!.unit)]!;
          const lines = formatTopText(table, unit);
          expect(lines[0]).toBe(expected.summary);
          expect(lines.slice(2)).toEqual(expected.rows);
        });
      }
    }
  }
});
