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

const METRIC = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;

/**
 * Parses `{a="b", c=~"d"}`; throws SelectorError with the position of the problem. With
 * `metricName` (the server's API), a metric name may come before the braces, or stand alone, and
 * is matched as `__name__`, as in Prometheus; the empty text is then not a selector.
 */
export function parseSelector(
  text: string,
  opts: {
    metricName?: boolean;
    /** Checks a =~ / !~ value, returning why it is invalid; by default it must compile as a JavaScript RegExp. The server checks RE2 syntax. */
    checkRegex?: (value: string) => string | undefined;
  } = {},
): Matcher[] {
  let i = 0;
  const s = text.trim();
  const fail = (why: string): never => {
    throw new SelectorError(`${why} at position ${i + 1} of ${JSON.stringify(s)}`);
  };
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const out: Matcher[] = [];
  if (opts.metricName) {
    METRIC.lastIndex = 0;
    const metric = METRIC.exec(s)?.[0];
    if (metric) {
      out.push({ name: '__name__', op: '=', value: metric });
      i = metric.length;
      ws();
      if (i === s.length) return out;
    }
  } else if (s === '') return [];
  if (s[i] !== '{') fail('expected "{"');
  i++;
  ws();
  while (s[i] !== '}') {
    if (i >= s.length) fail('unterminated "{"');
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
        else if (e === 'r') value += '\r';
        else if (e === undefined) fail('unterminated string');
        else value += e;
      } else value += c;
    }
    if (op === '=~' || op === '!~') {
      const why = (opts.checkRegex ?? checkJsRegex)(value);
      if (why !== undefined) fail(`invalid regular expression ${JSON.stringify(value)}${why ? ` (${why})` : ''}`);
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

/** A regex must compile on its own (so that `a)|(.*` cannot escape the anchors around it) and anchored. */
function checkJsRegex(value: string): string | undefined {
  try {
    new RegExp(value);
    new RegExp(`^(?:${value})$`);
    return undefined;
  } catch {
    return '';
  }
}

/** The value of `service_name="…"`, if the selector has one. */
export function serviceOf(matchers: Matcher[]): string | undefined {
  return matchers.find((m) => m.name === 'service_name' && m.op === '=')?.value;
}
