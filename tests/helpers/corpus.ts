// The profile corpora the tests compare against `go tool pprof`: the repository's own
// (testdata/, always there) and an optional extra one laid out the same way (../shared/fixtures on
// the project's CI machines, or FLAMELENS_EXTRA_CORPUS). Layout of a corpus folder:
//   profiles/<name>                            pprof files
//   malformed/<name>                           inputs that must be rejected (optional)
//   expected/<name>/<i>.<type>.<report>       what go tool pprof printed (.gz when large)
//   expected-diff/<base>__vs__<next>/<i>.<type>.<report>
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { describe, it } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESTDATA = join(ROOT, 'testdata');

export interface ExpectedReport {
  sampleIndex: number;
  sampleType: string;
  file: string;
}

export interface DiffPair {
  /** The folder name, `<base>__vs__<next>`. */
  name: string;
  base: string;
  next: string;
  dir: string;
}

export class Corpus {
  readonly profilesDir: string;
  readonly expectedDir: string;
  readonly expectedDiffDir: string;

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    this.profilesDir = join(dir, 'profiles');
    this.expectedDir = join(dir, 'expected');
    this.expectedDiffDir = join(dir, 'expected-diff');
  }

  /** Every profile file, sorted. */
  profiles(): string[] {
    return readdirSync(this.profilesDir)
      .filter((f) => !f.endsWith('.md'))
      .sort();
  }

  /** Inputs that must be rejected (malformed/), with their paths. */
  malformed(): { name: string; bytes: Uint8Array }[] {
    const dir = join(this.dir, 'malformed');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .sort()
      .map((name) => ({ name: `malformed/${name}`, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
  }

  /** Profiles that go tool pprof reads (those with an expected folder). */
  fixtures(): string[] {
    return this.profiles().filter((f) => existsSync(join(this.expectedDir, f)));
  }

  read(name: string): Uint8Array {
    return new Uint8Array(readFileSync(join(this.profilesDir, name)));
  }

  path(name: string): string {
    return join(this.profilesDir, name);
  }

  /** Every `<i>.<type>.<suffix>` expected file of one profile, e.g. suffix 'top.txt'. */
  reports(fixture: string, suffix: string): ExpectedReport[] {
    return reportsIn(join(this.expectedDir, fixture), suffix);
  }

  /** The expected file `<i>.<type>.<suffix>` of one profile. */
  report(fixture: string, name: string): string {
    return readExpectedText(join(this.expectedDir, fixture, name));
  }

  diffPairs(): DiffPair[] {
    if (!existsSync(this.expectedDiffDir)) return [];
    return readdirSync(this.expectedDiffDir)
      .sort()
      .map((name) => {
        const [base, next] = name.split('__vs__') as [string, string];
        return { name, base, next, dir: join(this.expectedDiffDir, name) };
      });
  }
}

export function reportsIn(dir: string, suffix: string): ExpectedReport[] {
  if (!existsSync(dir)) return [];
  const out: ExpectedReport[] = [];
  for (const f of readdirSync(dir).sort()) {
    const plain = f.endsWith('.gz') ? f.slice(0, -3) : f;
    if (!plain.endsWith('.' + suffix)) continue;
    const m = /^(\d+)\.([^.]+)$/.exec(plain.slice(0, -suffix.length - 1));
    if (!m) continue;
    out.push({ sampleIndex: Number(m[1]), sampleType: m[2]!, file: join(dir, plain) });
  }
  return out;
}

/** An expected file's text; large ones are stored gzipped beside the name (`<file>.gz`). */
export function readExpectedText(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8');
  return new TextDecoder().decode(gunzipSync(readFileSync(file + '.gz')));
}

/** The repository's own corpus: every test may rely on it. */
export const REPO = new Corpus('testdata', TESTDATA);

/** The extra corpus, when this machine has one. */
export function extraCorpus(): Corpus | undefined {
  const dir = process.env.FLAMELENS_EXTRA_CORPUS ?? join(ROOT, '..', 'shared', 'fixtures');
  return existsSync(join(dir, 'profiles')) && existsSync(join(dir, 'expected')) ? new Corpus(dir, dir) : undefined;
}

/**
 * Declares tests on the extra corpus when this machine has one; otherwise prints one line saying
 * the suite was skipped, and declares a skipped test so the report shows it too.
 */
export function withExtraCorpus(what: string, define: (corpus: Corpus) => void): void {
  const extra = extraCorpus();
  if (extra) return define(extra);
  console.log(`extra corpus (${what}): skipped, no ../shared/fixtures (FLAMELENS_EXTRA_CORPUS names another folder)`);
  describe.skip(`extra corpus (${what})`, () => it('needs ../shared/fixtures', () => undefined));
}

/**
 * The model prints a report's time as current pprof does ("2006-01-02 15:04:05 UTC"); older pprof
 * (Go 1.19's, which made the extra corpus's files) wrote "Jan 2, 2006 at 3:04pm (UTC)", without
 * seconds. When the expected text has the older form, the time is blanked in both texts.
 */
export function withComparableTime(expected: string, ours: string): [string, string] {
  if (!/Time: [A-Z][a-z]{2} \d+, \d{4} at /.test(expected)) return [expected, ours];
  const blank = (t: string) => t.replace(/Time: [^\\\n]*/g, 'Time: …');
  return [blank(expected), blank(ours)];
}

/** A profile of the repository's corpus (testdata/profiles/). */
export function readFixture(name: string): Uint8Array {
  return REPO.read(name);
}

/** An input of the repository's corpus that must be rejected (testdata/malformed/). */
export function readMalformed(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(TESTDATA, 'malformed', name)));
}

export const PROFILES_DIR = REPO.profilesDir;
/** go tool pprof's outputs for the tag variants (testdata/tag-variants.txt). */
export const EXPECTED_TAGS_DIR = join(TESTDATA, 'expected-tags');
export const EXPECTED_DIR = REPO.expectedDir;
