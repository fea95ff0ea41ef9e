// Label selectors on the server: the API's grammar (src/api/selector.ts, with a metric name allowed
// before the braces, matched against __name__), regular expressions compiled once for matching.
import { type MatchOp, type Matcher as ParsedMatcher, SelectorError, parseSelector as parse } from '../../src/api/selector';

export { SelectorError, type MatchOp };

export interface Matcher extends ParsedMatcher {
  /** Compiled, fully anchored, for =~ and !~. */
  re?: RegExp;
}

export function parseSelector(text: string): Matcher[] {
  let parsed: ParsedMatcher[];
  try {
    parsed = parse(text, { metricName: true });
  } catch (e) {
    throw e instanceof SelectorError ? new SelectorError(`invalid label selector: ${e.message}`) : e;
  }
  return parsed.map((m) =>
    m.op === '=~' || m.op === '!~' ? { ...m, re: new RegExp(`^(?:${m.value})$`, 's') } : m,
  );
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
