// Reads what `go tool pprof` printed for the shared fixtures (../shared/fixtures/expected).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SHARED = resolve(process.env.FLAMELENS_SHARED ?? join(here, '..', '..', '..', 'shared'));
export const PROFILES_DIR = join(SHARED, 'fixtures', 'profiles');
export const EXPECTED_DIR = join(SHARED, 'fixtures', 'expected');

export function sharedAvailable(): boolean {
  return existsSync(PROFILES_DIR) && existsSync(EXPECTED_DIR);
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PROFILES_DIR, name)));
}

export interface ExpectedReport {
  /** `<i>.<type>` → sample index and type name. */
  sampleIndex: number;
  sampleType: string;
  file: string;
}

/** Every `<i>.<type>.<suffix>` expected file of one fixture, e.g. suffix 'top.txt'. */
export function expectedReports(fixture: string, suffix: string): ExpectedReport[] {
  const dir = join(EXPECTED_DIR, fixture);
  if (!existsSync(dir)) return [];
  const out: ExpectedReport[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.' + suffix)) continue;
    const m = /^(\d+)\.([^.]+)$/.exec(f.slice(0, -suffix.length - 1));
    if (!m) continue;
    out.push({ sampleIndex: Number(m[1]), sampleType: m[2]!, file: join(dir, f) });
  }
  return out;
}

/** Fixtures that go tool pprof could read (those with an expected folder). */
export function expectedFixtures(): string[] {
  return readdirSync(EXPECTED_DIR)
    .filter((f) => f !== 'GENERATED_BY.txt' && existsSync(join(PROFILES_DIR, f)))
    .sort();
}

export interface ExpectedTop {
  /** "Showing nodes accounting for …" */
  summary: string;
  /** The row lines exactly as printed (a name with a newline in it stays one row). */
  rows: string[];
  /** Parsed rows. */
  parsed: { flat: string; cum: string; name: string; inline: '' | 'inline' | 'partial-inline' }[];
  total: string;
}

const ROW = /^\s*(\S+)\s+(\S+%)\s+(\S+%)\s+(\S+)\s+(\S+%)  ([\s\S]*)$/;

export function readExpectedTop(file: string): ExpectedTop {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const headerAt = lines.findIndex((l) => l.startsWith('      flat  flat%'));
  const summary = lines.find((l) => l.startsWith('Showing nodes accounting for')) ?? '';
  const rows: string[] = [];
  for (const l of lines.slice(headerAt + 1)) {
    if (ROW.test(l) || rows.length === 0) rows.push(l);
    else rows[rows.length - 1] += '\n' + l; // a function name with a newline in it
  }
  const parsed = rows.map((r) => {
    const m = ROW.exec(r)!;
    let name = m[6]!;
    let inline: '' | 'inline' | 'partial-inline' = '';
    if (name.endsWith(' (partial-inline)')) {
      inline = 'partial-inline';
      name = name.slice(0, -' (partial-inline)'.length);
    } else if (name.endsWith(' (inline)')) {
      inline = 'inline';
      name = name.slice(0, -' (inline)'.length);
    }
    return { flat: m[1]!, cum: m[4]!, name, inline };
  });
  const total = /of (\S+) total/.exec(summary)?.[1] ?? '';
  return { summary, rows, parsed, total };
}
