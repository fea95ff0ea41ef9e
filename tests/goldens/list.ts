// The Source view's numbers against `go tool pprof -list` (testdata/expected-list/, cases in
// testdata/list-cases.txt, made by scripts/make-expected.sh): every routine's header, and every
// line's number, flat, cum and text, with the sources found in testdata/ the way the page finds
// them in a picked folder. The last test checks how many cases, routines and lines were compared.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { SourceSuffixIndex } from '../../src/common/source-paths';
import { diffSession, openProfile } from '../../src/profile/model/session';
import { readProfileData } from '../../src/profile/pprof/reader';
import { formatPercent, formatValue } from '../../src/profile/reports/format';
import { listMatcher, shownLines, sourceListing, splitSourceLines } from '../../src/profile/reports/source-list';
import type { Corpus } from '../helpers/corpus';
import { folderFiles, parseList, readListCases, valueOrDot } from '../helpers/list';

export interface ListCounts {
  cases: number;
  routines: number;
  lines: number;
}

export function defineListGoldens(corpus: Corpus, expected: ListCounts): void {
  const casesFile = join(corpus.dir, 'list-cases.txt');
  const outDir = join(corpus.dir, 'expected-list');
  describe(`${corpus.name}: the Source view agrees with go tool pprof -list`, () => {
    const counted = { cases: 0, routines: 0, lines: 0 };
    const cases = existsSync(casesFile) ? readListCases(casesFile) : [];
    // As if the person picked the corpus folder: Go sources in go/, Node's in node/.
    const sources = new SourceSuffixIndex(folderFiles(corpus.dir));
    for (const c of cases) {
      it(c.name, () => {
        const exp = parseList(readFileSync(join(outDir, `${c.name}.txt`), 'utf8'));
        const session = c.base
          ? diffSession(readProfileData(corpus.read(c.base)), readProfileData(corpus.read(c.profile)))
          : openProfile(corpus.read(c.profile));
        const listing = sourceListing(session, c.sampleIndex, listMatcher(RE2JS, c.regexp));
        const unit = listing.unit;
        expect(formatValue(listing.total, unit), 'Total').toBe(exp.total);
        expect(
          listing.routines.map((r) => r.name),
          'routines',
        ).toEqual(exp.routines.map((r) => r.name));
        listing.routines.forEach((r, i) => {
          const e = exp.routines[i]!;
          const what = `${c.name}: ${r.name}`;
          if (e.file === undefined) {
            expect(r.file, `${what} has no source information`).toBe('');
            counted.routines++;
            return;
          }
          expect(r.file.endsWith(e.file), `${what}: ${r.file} is pprof's ${e.file}`).toBe(true);
          expect([formatValue(r.flat, unit), formatValue(r.cum, unit), formatPercent(r.cum, listing.total)], what).toEqual([
            e.flat,
            e.cum,
            e.percent,
          ]);
          const found = sources.find(r.file);
          if (e.error) {
            expect(found, `${what}: pprof found no source, nor should the page`).toBeUndefined();
          } else {
            expect(found, `${what}: source found`).toBeDefined();
            const text = splitSourceLines(readFileSync(found!.value, 'utf8'));
            const ours = shownLines(r.lines!, text.length).map((l) => {
              const k = l - r.lines!.start;
              return {
                line: l,
                flat: valueOrDot(r.lines!.flat[k]!, unit),
                cum: valueOrDot(r.lines!.cum[k]!, unit),
                text: text[l - 1]!,
              };
            });
            expect(ours, what).toEqual(e.lines);
            counted.lines += ours.length;
          }
          counted.routines++;
        });
        counted.cases++;
      });
    }
    it(`compared ${expected.cases} cases, ${expected.routines} routines and ${expected.lines} lines`, () => {
      expect(counted).toEqual(expected);
    });
  });
}
