// Reads what `go tool pprof -list` printed (testdata/expected-list/) and the cases that made it
// (testdata/list-cases.txt), for the golden tests and the end-to-end tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatValue } from '../../src/profile/reports/format';

export interface ListCase {
  name: string;
  sampleIndex: number;
  profile: string;
  base?: string;
  regexp: string;
}

/** list-cases.txt: `<name> <sample index> <profile> <base or -> <regexp>` per line, `#` comments. */
export function readListCases(file: string): ListCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*?)\s*$/.exec(l);
      if (!m) throw new Error(`bad list case: ${l}`);
      return { name: m[1]!, sampleIndex: Number(m[2]), profile: m[3]!, base: m[4] === '-' ? undefined : m[4], regexp: m[5]! };
    });
}

export interface ExpectedRoutine {
  name: string;
  /** As pprof printed it (after its -trim_path). */
  file?: string;
  flat?: string;
  cum?: string;
  percent?: string;
  error?: string;
  lines: { line: number; flat: string; cum: string; text: string }[];
}

/** Parses `go tool pprof -list` output. */
export function parseList(text: string): { total: string; routines: ExpectedRoutine[] } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const total = /^Total: (.*)$/.exec(lines[0] ?? '')?.[1] ?? '';
  const routines: ExpectedRoutine[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    let m = /^ROUTINE =+ (.*) in (.*)$/.exec(l);
    if (m) {
      const h = /^ *(\S+) +(\S+) \(flat, cum\) (.*) of Total$/.exec(lines[++i]!)!;
      routines.push({ name: m[1]!, file: m[2]!, flat: h[1]!, cum: h[2]!, percent: h[3]!, lines: [] });
      continue;
    }
    m = /^No source information for (.*)$/.exec(l);
    if (m) {
      routines.push({ name: m[1]!, lines: [] });
      continue;
    }
    const cur = routines[routines.length - 1]!;
    m = /^ Error: (.*)$/.exec(l);
    if (m) {
      cur.error = m[1]!;
      continue;
    }
    m = /^ *(\S+) +(\S+) +(\d+):(.*)$/.exec(l);
    if (!m) throw new Error(`unexpected -list line: ${l}`);
    cur.lines.push({ flat: m[1]!, cum: m[2]!, line: Number(m[3]), text: m[4]! });
  }
  return { total, routines };
}

/** pprof's valueOrDot. */
export const valueOrDot = (v: number, unit: string) => (v === 0 ? '.' : formatValue(v, unit));

/** Every file below a folder, as (path relative to the folder's parent, absolute path): what a picked folder gives. */
export function folderFiles(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push([relative(join(dir, '..'), p), p]);
    }
  };
  walk(dir);
  return out;
}
