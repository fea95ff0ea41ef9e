// Everything that changes what is on screen lives in the URL: reloading or sharing the link
// restores the screen, and back/forward step through changes. `v` versions the format so that
// old links keep working when it changes (parse older versions here when there are any).
import { useCallback, useSyncExternalStore } from 'react';
import { z } from 'zod';
import type { ViewFilters } from '../profile/model/filtered-session';
import { GRANULARITIES, type Granularity } from '../profile/model/nodes';
import { DEFAULT_GRAPH_OPTIONS } from '../profile/reports/callgraph';
import { isValidTime } from '../common/time';
import { isGaugeType } from '../api/gauge';

export const URL_VERSION = 1;

export type ViewMode = 'top' | 'flame' | 'both' | 'tree' | 'inverted' | 'graph' | 'report' | 'tags' | 'source';
export const VIEW_MODES: ViewMode[] = ['top', 'flame', 'both', 'tree', 'inverted', 'graph', 'report', 'tags', 'source'];

/** The views that show a flame graph. */
export const FLAME_VIEWS: ViewMode[] = ['flame', 'both'];

/** pprof's refine filters that the URL asks for, as the profile worker takes them. */
export function viewFiltersOf(s: UrlState): ViewFilters {
  return {
    focus: s.focus || undefined,
    ignore: s.ignore || undefined,
    hide: s.hide || undefined,
    show: s.show || undefined,
    showFrom: s.showFrom || undefined,
    tagFocus: s.tagFocus || undefined,
    tagIgnore: s.tagIgnore || undefined,
    tagShow: s.tagShow || undefined,
    tagHide: s.tagHide || undefined,
    tagRoot: s.tagRoot || undefined,
    tagLeaf: s.tagLeaf || undefined,
    relative: s.rel || undefined,
  };
}

/**
 * What the screen asks of the backend, apart from the time range: when it changes, relative
 * ranges are resolved again (see useTimeRange). Not the views' settings, nor the timeline
 * selection (absolute times within the resolved range).
 */
export function queryIdentityOf(s: UrlState): string {
  return JSON.stringify([s.mode, s.tenant, s.type, s.query, s.groupBy, s.diff, s.bquery, s.agg, s.breakdown, s.flameBy]);
}

export type Aggregation = 'average' | 'sum';

/**
 * How a query's profiles over time are combined: as the URL says (`agg`), else averaged for a
 * gauge type (memory in use, goroutines: see isGaugeType) and summed for any other.
 */
export function aggregationOf(s: Pick<UrlState, 'agg' | 'type'>): Aggregation {
  return s.agg || (isGaugeType(s.type) ? 'average' : 'sum');
}

export interface UrlState {
  mode: 'explore' | 'file' | 'targets';
  /** The local file a link refers to (files cannot be restored from a link). */
  file: string;
  /** Backend query: profile type ID and label selector. */
  type: string;
  query: string;
  from: string;
  to: string;
  /** Selected sub-range of the timeline (unix ms), or null for the whole range. */
  sel: [number, number] | null;
  /** Timeline split by this label ('' = one line). */
  groupBy: string;
  /** How profiles over time are combined ('' = the type's default, see aggregationOf). */
  agg: '' | Aggregation;
  /** The label breakdown table's label ('' = no breakdown), its sort column and order. */
  breakdown: string;
  bdSort: 'total' | 'value';
  bdAsc: boolean;
  /** Explore's profile grouped by this series label: one root frame per value ('' = not grouped). */
  flameBy: string;
  /** Auto-refresh period in seconds (0 = off). */
  refresh: number;
  tenant: string;
  view: ViewMode;
  /** Sample type by name (files with several); '' = the profile's default. */
  si: string;
  g: Granularity;
  filter: string;
  sort: 'flat' | 'cum' | 'name';
  asc: boolean;
  /** Diff table: also list functions whose flat and cum net to 0 (pprof -diff_base leaves them out). */
  unchanged: boolean;
  search: string;
  searchRegex: boolean;
  searchCase: boolean;
  zoom: string[];
  fn: string;
  sandwich: string;
  flip: boolean;
  color: 'package' | 'self';
  /** Diff mode: the comparison is the main query (or file); these describe the baseline. */
  diff: boolean;
  /** Baseline file name (files cannot be restored from a link). */
  bfile: string;
  /** Baseline selector ('' = the same as the comparison's). */
  bquery: string;
  /** Baseline sub-range of the timeline (unix ms). */
  bsel: [number, number] | null;
  /** Compare absolute values instead of each side's share of its own total. */
  diffAbs: boolean;
  /** Which side gives frames their width. */
  diffWidth: 'comparison' | 'baseline';
  /** Color-blind-safe diff palette (blue/orange instead of red/green). */
  cb: boolean;
  /** pprof's refine filters (regular expressions) and relative percentages. */
  focus: string;
  ignore: string;
  hide: string;
  show: string;
  showFrom: string;
  /** pprof's tag options: samples by label ("key=regexp", or a numeric range such as "bytes=1kb:4kb"). */
  tagFocus: string;
  tagIgnore: string;
  /** Label keys (regexps) the graph's label boxes and the tags view show or hide. */
  tagShow: string;
  tagHide: string;
  /** Label keys (comma-separated) whose values become frames at the root / the leaf of every stack. */
  tagRoot: string;
  tagLeaf: string;
  rel: boolean;
  /** Call graph: pprof's nodecount, nodefraction, edgefraction. */
  nodeCount: number;
  nodeFraction: number;
  edgeFraction: number;
  /** Source view: pprof's -list regexp (Go syntax, matched anywhere in a function's name). */
  list: string;
}

export const DEFAULT_STATE: UrlState = {
  mode: 'explore',
  file: '',
  type: '',
  query: '',
  from: 'now-1h',
  to: 'now',
  sel: null,
  groupBy: '',
  agg: '',
  breakdown: '',
  bdSort: 'total',
  bdAsc: false,
  flameBy: '',
  refresh: 0,
  tenant: '',
  view: 'both',
  si: '',
  g: 'functions',
  filter: '',
  sort: 'flat',
  asc: false,
  unchanged: false,
  search: '',
  searchRegex: false,
  searchCase: false,
  zoom: [],
  fn: '',
  sandwich: '',
  flip: false,
  color: 'package',
  diff: false,
  bfile: '',
  bquery: '',
  bsel: null,
  diffAbs: false,
  diffWidth: 'comparison',
  cb: false,
  focus: '',
  ignore: '',
  hide: '',
  show: '',
  showFrom: '',
  tagFocus: '',
  tagIgnore: '',
  tagShow: '',
  tagHide: '',
  tagRoot: '',
  tagLeaf: '',
  rel: false,
  ...DEFAULT_GRAPH_OPTIONS,
  list: '',
};

/** A label name as selectors have them (an invalid one in a link falls back to none). */
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
const bool = z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const time = z.string().refine(isValidTime);
const range = z
  .string()
  .regex(/^\d+-\d+$/)
  .transform((s) => s.split('-').map(Number) as [number, number])
  .refine(([a, b]) => a < b);

/** Each field parses on its own: one bad value falls back to its default, not the whole link. */
const FIELDS: { [K in keyof UrlState]: z.ZodType<UrlState[K]> } = {
  mode: z.enum(['explore', 'file', 'targets']),
  file: z.string(),
  type: z.string(),
  query: z.string(),
  from: time,
  to: time,
  sel: range,
  groupBy: z.string(),
  agg: z.enum(['', 'average', 'sum']),
  breakdown: labelName,
  bdSort: z.enum(['total', 'value']),
  bdAsc: bool,
  flameBy: labelName,
  refresh: z.coerce.number().int().min(0).max(86400),
  tenant: z.string(),
  view: z.enum(VIEW_MODES as [ViewMode, ...ViewMode[]]),
  si: z.string(),
  g: z.enum(GRANULARITIES as [Granularity, ...Granularity[]]),
  filter: z.string(),
  sort: z.enum(['flat', 'cum', 'name']),
  asc: bool,
  unchanged: bool,
  search: z.string(),
  searchRegex: bool,
  searchCase: bool,
  zoom: z.array(z.string()),
  fn: z.string(),
  sandwich: z.string(),
  flip: bool,
  color: z.enum(['package', 'self']),
  diff: bool,
  bfile: z.string(),
  bquery: z.string(),
  bsel: range,
  diffAbs: bool,
  diffWidth: z.enum(['comparison', 'baseline']),
  cb: bool,
  focus: z.string(),
  ignore: z.string(),
  hide: z.string(),
  show: z.string(),
  showFrom: z.string(),
  tagFocus: z.string(),
  tagIgnore: z.string(),
  tagShow: z.string(),
  tagHide: z.string(),
  tagRoot: z.string(),
  tagLeaf: z.string(),
  rel: bool,
  nodeCount: z.coerce.number().int().min(0).max(100000),
  nodeFraction: z.coerce.number().min(0).max(1),
  edgeFraction: z.coerce.number().min(0).max(1),
  list: z.string(),
} as never;

/** URL parameter names (short, stable: part of shared links). */
const PARAM: { [K in keyof UrlState]: string } = {
  mode: 'mode',
  file: 'file',
  type: 'type',
  query: 'query',
  from: 'from',
  to: 'to',
  sel: 'sel',
  groupBy: 'groupBy',
  agg: 'agg',
  breakdown: 'breakdown',
  bdSort: 'bdSort',
  bdAsc: 'bdAsc',
  flameBy: 'flameBy',
  refresh: 'refresh',
  tenant: 'tenant',
  view: 'view',
  si: 'si',
  g: 'g',
  filter: 'filter',
  sort: 'sort',
  asc: 'asc',
  unchanged: 'unchanged',
  search: 'search',
  searchRegex: 'sre',
  searchCase: 'scase',
  zoom: 'zoom',
  fn: 'fn',
  sandwich: 'sandwich',
  flip: 'flip',
  color: 'color',
  diff: 'diff',
  bfile: 'bfile',
  bquery: 'bquery',
  bsel: 'bsel',
  diffAbs: 'diffAbs',
  diffWidth: 'diffWidth',
  cb: 'cb',
  // pprof's own URL parameter names for its refine filters
  focus: 'f',
  ignore: 'i',
  hide: 'h',
  show: 's',
  showFrom: 'sf',
  tagFocus: 'tf',
  tagIgnore: 'ti',
  tagShow: 'ts',
  tagHide: 'th',
  // pprof's web UI keeps these two out of its URLs: its option names, then
  tagRoot: 'tagroot',
  tagLeaf: 'tagleaf',
  rel: 'rel',
  nodeCount: 'n',
  nodeFraction: 'nf',
  edgeFraction: 'ef',
  list: 'list',
};

export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const out = { ...DEFAULT_STATE } as Record<string, unknown>;
  for (const key of Object.keys(PARAM) as (keyof UrlState)[]) {
    const name = PARAM[key];
    if (!params.has(name)) continue;
    const raw = key === 'zoom' ? params.getAll(name) : params.get(name);
    const r = FIELDS[key].safeParse(raw);
    if (r.success) out[key] = r.data;
  }
  return out as unknown as UrlState;
}

export function serializeUrlState(state: UrlState): string {
  const params = new URLSearchParams();
  params.set('v', String(URL_VERSION));
  for (const key of Object.keys(PARAM) as (keyof UrlState)[]) {
    const v = state[key];
    const d = DEFAULT_STATE[key];
    if (JSON.stringify(v) === JSON.stringify(d)) continue;
    const name = PARAM[key];
    if (key === 'zoom') for (const z of v as string[]) params.append(name, z);
    else if (key === 'sel' || key === 'bsel') params.set(name, (v as [number, number]).join('-'));
    else if (typeof v === 'boolean') params.set(name, v ? '1' : '0');
    else params.set(name, String(v));
  }
  return params.toString();
}

// One store for the whole page, fed by the URL.
let current = parseUrlState(typeof window !== 'undefined' ? window.location.search : '');
const listeners = new Set<() => void>();
if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    current = parseUrlState(window.location.search);
    listeners.forEach((l) => l());
  });
}

export type HistoryMode = 'push' | 'replace';

/** Query parameters this module does not own (e.g. `maxmb`): they stay in the URL as they are. */
function foreignParams(search: string): [string, string][] {
  const owned = new Set(['v', ...Object.values(PARAM)]);
  return [...new URLSearchParams(search)].filter(([k]) => !owned.has(k));
}

export function setUrlState(patch: Partial<UrlState>, how: HistoryMode = 'push'): void {
  const next = { ...current, ...patch };
  const params = new URLSearchParams(serializeUrlState(next));
  for (const [k, v] of foreignParams(window.location.search)) params.append(k, v);
  const qs = params.toString();
  const url = `${window.location.pathname}?${qs}${window.location.hash}`;
  if (`?${qs}` === window.location.search) return;
  if (how === 'push') window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
  current = next;
  listeners.forEach((l) => l());
}

export function getUrlState(): UrlState {
  return current;
}

/** The URL state and a setter; `push` adds a history entry, `replace` (for typing) does not. */
export function useUrlState(): [UrlState, (patch: Partial<UrlState>, how?: HistoryMode) => void] {
  const state = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  const set = useCallback((patch: Partial<UrlState>, how?: HistoryMode) => setUrlState(patch, how), []);
  return [state, set];
}
