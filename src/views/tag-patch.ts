// What a click on a label value in the tags view does to the URL state.
import { parseTagRange } from '../profile/transforms/tag-filter';
import type { UrlState } from '../state/url-state';

/**
 * A value clicked in the tags view ("key=…", see TagValue.filter): tagfocus replaces the one there
 * is; tagignore adds it to one of the same key (pprof ignores a sample matching any of a key's
 * comma-separated regexps), else replaces it.
 */
export function tagPatch(state: UrlState, kind: 'tagFocus' | 'tagIgnore', filter: string): Partial<UrlState> {
  const cur = state[kind];
  const key = filter.slice(0, filter.indexOf('=') + 1);
  const isRegexps = (f: string) => !parseTagRange(f.slice(key.length));
  if (kind === 'tagIgnore' && key && cur.startsWith(key) && isRegexps(cur) && isRegexps(filter)) {
    return { tagIgnore: `${cur},${filter.slice(key.length)}` };
  }
  return { [kind]: filter };
}
