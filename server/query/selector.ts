// Prometheus vector selectors: `{service_name="checkout", pod=~"checkout-.*"}`, optionally with a
// metric name before the braces (matched against __name__). Operators: = != =~ !~.

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  /** Compiled, fully anchored, for =~ and !~. */
  re?: RegExp;
}

export class SelectorError extends Error {}

const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const METRIC = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;

export function parseSelector(text: string): Matcher[] {
  let pos = 0;
  const src = text;
  const fail = (msg: string): never => {
    throw new SelectorError(`invalid label selector ${JSON.stringify(text)}: ${msg} at position ${pos}`);
  };
  const skipSpace = () => {
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  };
  const take = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };
  const matchers: Matcher[] = [];
  skipSpace();
  const metric = take(METRIC);
  if (metric) matchers.push(makeMatcher('__name__', '=', metric));
  skipSpace();
  if (pos < src.length) {
    if (src[pos] !== '{') fail('expected "{"');
    pos++;
    skipSpace();
    while (src[pos] !== '}') {
      if (pos >= src.length) fail('unterminated "{"');
      const name = take(NAME) ?? fail('expected a label name');
      skipSpace();
      const op = (take(/=~|!~|!=|=/y) as MatchOp | undefined) ?? fail('expected one of = != =~ !~');
      skipSpace();
      const value = readString();
      matchers.push(makeMatcher(name, op, value, fail));
      skipSpace();
      if (src[pos] === ',') {
        pos++;
        skipSpace();
      } else if (src[pos] !== '}') fail('expected "," or "}"');
    }
    pos++;
    skipSpace();
    if (pos < src.length) fail('unexpected text after "}"');
  }
  if (!metric && !text.includes('{')) fail('expected "{"');
  return matchers;

  function readString(): string {
    const quote = src[pos];
    if (quote !== '"' && quote !== "'" && quote !== '`') fail('expected a quoted value');
    pos++;
    let out = '';
    while (pos < src.length && src[pos] !== quote) {
      const ch = src[pos++];
      if (ch === '\\' && quote !== '`') {
        const esc = src[pos++];
        out += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : esc;
      } else out += ch;
    }
    if (pos >= src.length) fail('unterminated string');
    pos++;
    return out;
  }
}

function makeMatcher(name: string, op: MatchOp, value: string, fail?: (m: string) => never): Matcher {
  const m: Matcher = { name, op, value };
  if (op === '=~' || op === '!~') {
    try {
      m.re = new RegExp(`^(?:${value})$`, 's');
    } catch (e) {
      (fail ?? ((msg: string) => { throw new SelectorError(msg); }))(`bad regular expression ${JSON.stringify(value)}: ${(e as Error).message}`);
    }
  }
  return m;
}

/** An absent label matches as the empty string, as in Prometheus. */
export function matches(matchers: readonly Matcher[], labels: ReadonlyMap<string, string>): boolean {
  for (const m of matchers) {
    const v = labels.get(m.name) ?? '';
    switch (m.op) {
      case '=': if (v !== m.value) return false; break;
      case '!=': if (v === m.value) return false; break;
      case '=~': if (!m.re!.test(v)) return false; break;
      case '!~': if (m.re!.test(v)) return false; break;
    }
  }
  return true;
}
