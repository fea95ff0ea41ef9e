// Parses what `go tool pprof -top` printed (see tests/helpers/corpus.ts for where the files are).
import { readExpectedText } from './corpus';

export interface ExpectedTop {
  /** "Showing nodes accounting for …" */
  summary: string;
  /** The row lines exactly as printed (a name with a newline in it stays one row). */
  rows: string[];
  /** Parsed rows. */
  parsed: { flat: string; cum: string; name: string; inline: '' | 'inline' | 'partial-inline' }[];
  total: string;
}

const ROW = /^\s*(\S+)\s+(\S+%)\s+(\S+%)\s+(\S+)\s+(\S+%) {2}([\s\S]*)$/;

export function readExpectedTop(file: string): ExpectedTop {
  return parseExpectedTop(readExpectedText(file));
}

export function parseExpectedTop(text: string): ExpectedTop {
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

/** What `go tool pprof -tags` printed: per key its total and its values, as printed. */
export interface ExpectedTagKey {
  key: string;
  total: string;
  values: { weight: string; percent: string; name: string }[];
}

/** Parses `-tags` output: a "key: Total …" line after each empty line, then its value lines. */
export function parseExpectedTags(text: string): ExpectedTagKey[] {
  const out: ExpectedTagKey[] = [];
  let current: ExpectedTagKey | undefined;
  for (const line of text.split('\n')) {
    if (line === '') {
      current = undefined;
      continue;
    }
    if (!current) {
      const m = /^\s*(.*?): Total (\S+) of /.exec(line);
      if (!m) throw new Error(`not a -tags key line: ${line}`);
      current = { key: m[1]!, total: m[2]!, values: [] };
      out.push(current);
      continue;
    }
    const m = /^\s+(\S+?)(?: \(\s*([^)]*)\))?: (.*)$/.exec(line);
    if (!m) throw new Error(`not a -tags value line: ${line}`);
    current.values.push({ weight: m[1]!, percent: m[2] ?? '', name: m[3]! });
  }
  return out;
}
