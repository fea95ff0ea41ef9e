// Prometheus label selectors, as Pyroscope takes them: {service_name="checkout", pod=~"checkout-.*"}.

export type MatchOp = '=' | '!=' | '=~' | '!~';
export const MATCH_OPS: MatchOp[] = ['=', '!=', '=~', '!~'];

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Quotes a value for a selector: backslashes, quotes and newlines escaped (Go string syntax). */
export function quoteValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function formatSelector(matchers: Matcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}${quoteValue(m.value)}`).join(', ')}}`;
}

export class SelectorError extends Error {}

/** Parses `{a="b", c=~"d"}`; throws SelectorError with the position of the problem. */
export function parseSelector(text: string): Matcher[] {
  let i = 0;
  const s = text.trim();
  const fail = (why: string): never => {
    throw new SelectorError(`${why} at position ${i + 1} of ${JSON.stringify(s)}`);
  };
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  if (s === '') return [];
  if (s[i] !== '{') fail('expected "{"');
  i++;
  const out: Matcher[] = [];
  ws();
  while (s[i] !== '}') {
    const start = i;
    while (i < s.length && /[a-zA-Z0-9_]/.test(s[i]!)) i++;
    const name = s.slice(start, i);
    if (!NAME.test(name)) fail('expected a label name');
    ws();
    const op = (['=~', '!~', '!=', '='] as MatchOp[]).find((o) => s.startsWith(o, i));
    if (!op) fail('expected one of = != =~ !~');
    i += op!.length;
    ws();
    const quote = s[i];
    if (quote !== '"' && quote !== "'" && quote !== '`') fail('expected a quoted value');
    i++;
    let value = '';
    for (;;) {
      if (i >= s.length) fail('unterminated string');
      const c = s[i++]!;
      if (c === quote) break;
      if (c === '\\' && quote !== '`') {
        const e = s[i++];
        if (e === 'n') value += '\n';
        else if (e === 't') value += '\t';
        else if (e === undefined) fail('unterminated string');
        else value += e;
      } else value += c;
    }
    if (op === '=~' || op === '!~') {
      try {
        new RegExp(`^(?:${value})$`);
      } catch {
        fail(`invalid regular expression ${JSON.stringify(value)}`);
      }
    }
    out.push({ name, op: op!, value });
    ws();
    if (s[i] === ',') {
      i++;
      ws();
    } else if (s[i] !== '}') fail('expected "," or "}"');
  }
  i++;
  ws();
  if (i !== s.length) fail('unexpected text after "}"');
  return out;
}

/** The value of `service_name="…"`, if the selector has one. */
export function serviceOf(matchers: Matcher[]): string | undefined {
  return matchers.find((m) => m.name === 'service_name' && m.op === '=')?.value;
}
