// What profile the screen asks for: from the URL state (and, for files, the files this page
// holds, which a link cannot carry), with time ranges resolved to unix ms.
import { friendlyProfileType } from '../common/profile-types';
import type { BackendConfig } from '../api/querier';
import { parseSelector, serviceOf } from '../common/selector';
import { backendConfig } from './backend';
import type { TimeRange } from './time-range';
import { type UrlState, aggregationOf } from './url-state';

/** A backend's merged profile: of one profile type and selector over a resolved time range. */
export interface MergeQuery {
  backend: BackendConfig;
  type: string;
  selector: string;
  start: number;
  end: number;
  /** Profiles over time averaged (a gauge's default, see aggregationOf) instead of summed. */
  average: boolean;
  /** Grouped by this series label: one merged profile per value, each under a root frame. */
  groupBy?: string;
}

/** The files opened in this page: a file, or the comparison and its baseline. */
export interface HeldFiles {
  next: File;
  base?: File;
}

/** A file or a backend query, or (with `base`, the baseline) the diff of two. */
export type ProfileRequest = { kind: 'file'; next: File; base?: File } | { kind: 'query'; next: MergeQuery; base?: MergeQuery };

/** The selector's problem, or '' for a valid one. */
export function selectorError(selector: string): string {
  try {
    parseSelector(selector);
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The profile the URL asks for, or null when there is none to load: in file mode, files must be
 * held under the names the URL gives; a query needs a profile type and a valid selector. The
 * query's profile covers its timeline selection, else the whole range; a diff's baseline is the
 * same query (or its own selector) over its own selection.
 */
export function profileRequestOf(state: UrlState, range: TimeRange, files: HeldFiles | undefined): ProfileRequest | null {
  if (state.mode === 'file') {
    if (files?.next.name !== state.file) return null;
    if (!state.diff) return { kind: 'file', next: files.next };
    return files.base?.name === state.bfile ? { kind: 'file', next: files.next, base: files.base } : null;
  }
  if (state.mode !== 'explore' || !state.type || !state.query || selectorError(state.query)) return null;
  const backend = backendConfig(state.tenant);
  const average = aggregationOf(state) === 'average';
  const query = (selector: string, [start, end]: [number, number]): MergeQuery => ({
    backend,
    type: state.type,
    selector,
    start,
    end,
    average,
    ...(state.flameBy ? { groupBy: state.flameBy } : {}),
  });
  const next = query(state.query, state.sel ?? [range.start, range.end]);
  if (!state.diff) return { kind: 'query', next };
  if (state.bquery && selectorError(state.bquery)) return null;
  return { kind: 'query', next, base: query(state.bquery || state.query, state.bsel ?? [range.start, range.end]) };
}

const fileIds = new WeakMap<File, number>();
let lastFileId = 0;

/** A file's identity in this page: a file picked again is another one (it may have changed). */
function fileId(file: File): number {
  let id = fileIds.get(file);
  if (id === undefined) fileIds.set(file, (id = ++lastFileId));
  return id;
}

/** The request's identity, for caches: the same files, or the same queries over the same times. */
export function requestKey(r: ProfileRequest): string {
  if (r.kind === 'file') return JSON.stringify(['file', fileId(r.next), r.base ? fileId(r.base) : null]);
  return JSON.stringify(['query', r.next, r.base ?? null]);
}

/** The name the request's profile is shown under (a diff's as the worker names it). */
export function requestName(r: ProfileRequest): string {
  const name = (side: File | MergeQuery) => (side instanceof File ? side.name : queryName(side, r.base !== undefined));
  return r.base ? `${name(r.next)} vs ${name(r.base)}` : name(r.next);
}

/** The name a query's profile is shown under: its service and profile type (and, in a diff, its times). */
export function queryName(q: MergeQuery, inDiff: boolean): string {
  let matchers: ReturnType<typeof parseSelector> = [];
  try {
    matchers = parseSelector(q.selector);
  } catch {
    // shown as 'query'
  }
  const name = `${serviceOf(matchers) ?? 'query'} · ${friendlyProfileType(q.type)}`;
  if (!inDiff) return name;
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  return `${name} ${time(q.start)}–${time(q.end)}`;
}
