// Label selectors on the server: the API's grammar (src/common/selector.ts, with a metric name allowed
// before the braces, matched against __name__). Regular expressions run on RE2 (re2js: linear
// time, RE2 syntax as in Prometheus and Pyroscope), fully anchored as ^(?:…)$ with `.` matching
// newlines, after the expression alone has compiled, so that `a)|(.*` cannot escape the anchors.
import { RE2JS } from 're2js';
import { type MatchOp, type Matcher as ParsedMatcher, SelectorError, parseSelector as parse } from '../../src/common/selector';
import { DEFAULT_LIMITS, type Limits } from '../limits';

export { SelectorError, type MatchOp };

export interface Matcher extends ParsedMatcher {
  /** Compiled, fully anchored, for =~ and !~. */
  re?: RE2JS;
}

type SelectorLimits = Pick<Limits, 'maxSelectorLength' | 'maxRegexLength'>;

/** Thrown for a selector or regex over its length limit (the caller answers 400 naming the limit). */
export class SelectorLimitError extends SelectorError {
  constructor(
    readonly limit: keyof SelectorLimits,
    message: string,
  ) {
    super(message);
  }
}

function checkRe2(value: string): string | undefined {
  try {
    RE2JS.compile(value);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function parseSelector(text: string, limits: SelectorLimits = DEFAULT_LIMITS): Matcher[] {
  if (text.length > limits.maxSelectorLength) {
    throw new SelectorLimitError('maxSelectorLength', `label selector has ${text.length} characters`);
  }
  let parsed: ParsedMatcher[];
  try {
    parsed = parse(text, {
      metricName: true,
      checkRegex: (v) => (v.length > limits.maxRegexLength ? undefined : checkRe2(v)),
    });
  } catch (e) {
    throw e instanceof SelectorError ? new SelectorError(`invalid label selector: ${e.message}`) : e;
  }
  for (const m of parsed) {
    if ((m.op === '=~' || m.op === '!~') && m.value.length > limits.maxRegexLength) {
      throw new SelectorLimitError('maxRegexLength', `regular expression for ${m.name} has ${m.value.length} characters`);
    }
  }
  return parsed.map((m) => (m.op === '=~' || m.op === '!~' ? { ...m, re: RE2JS.compile(`^(?:${m.value})$`, RE2JS.DOTALL) } : m));
}

/** Labels by name: an absent label matches as the empty string, as in Prometheus. */
export function matches(matchers: readonly Matcher[], labels: { label(name: string): string | undefined }): boolean {
  for (const m of matchers) {
    const v = labels.label(m.name) ?? '';
    switch (m.op) {
      case '=':
        if (v !== m.value) return false;
        break;
      case '!=':
        if (v === m.value) return false;
        break;
      case '=~':
        if (!m.re!.matches(v)) return false;
        break;
      case '!~':
        if (m.re!.matches(v)) return false;
        break;
    }
  }
  return true;
}
