// Messages between the page and the profile worker: one map from request kind to its arguments
// and result. A request carries an id; the worker answers each with exactly one `result` or
// `error` of that id, possibly after `progress` messages.
import type { ProfileErrorKind } from '../common/profile-error';
import type { Granularity } from '../profile/model/nodes';
import type { ViewFilters } from '../profile/model/filtered-session';
import type { LoadProgress } from '../common/pprof-bytes';
import type { DiffWidth, FlameData, GraphData, GraphOptions, ProfileSummary, TopColumns } from '../profile/model/session';
import type { TopSort } from '../profile/reports/top';
import type { ProfileData } from '../profile/model/profile-data';
import type { Sandwich } from '../profile/transforms/sandwich';
import type { StackTrie } from '../profile/model/stack-trie';
import type { SourceListing } from '../profile/reports/source-list';
import type { TagsReport } from '../profile/reports/tags';

/** A file to open, or a backend's merged profile: its bytes (gzipped or not) and a name to show. */
export interface Source {
  source: Blob | ArrayBuffer;
  name: string;
  /** Every value is divided by this: a gauge's profiles averaged over time (see src/api/gauge.ts). */
  divideBy?: number;
  /**
   * Explore's flame graph grouped by a series label: one merged profile per value of `key`, each
   * opened on its own and put under a root frame (see groupUnderRoots); `source` is then unused.
   */
  groups?: { key: string; parts: { value: string; source: ArrayBuffer; divideBy?: number }[] };
}

/** A request about the open profile: which one (OpenResult.id), what part of it and how filtered. */
export interface ViewArgs {
  profile: number;
  sampleIndex: number;
  granularity: Granularity;
  filters?: ViewFilters;
}

export interface Requests {
  /** Opens a profile; the previous one stays open until it has loaded (a bad file loses nothing). */
  open: { args: Source & { maxDecompressedBytes?: number }; result: OpenResult };
  /** Opens the diff of two profiles: the baseline from a file, or from a helper worker's port (see 'open-side'). */
  'open-diff': {
    args: { base: Source | { port: MessagePort; name: string }; next: Source; maxDecompressedBytes?: number };
    result: OpenResult;
  };
  /**
   * To a second worker: open one side of a diff and send it on `port` to the profile worker, as a
   * SideMessage, so that the two sides are read and decoded at the same time.
   */
  'open-side': { args: Source & { maxDecompressedBytes?: number; port: MessagePort }; result: null };
  top: { args: ViewArgs & { sort?: TopSort }; result: TopColumns };
  flame: { args: ViewArgs & { widthBy?: DiffWidth }; result: FlameData };
  inverted: { args: ViewArgs; result: FlameData };
  sandwich: { args: ViewArgs & { node: number }; result: Sandwich };
  graph: { args: ViewArgs & { options: GraphOptions }; result: GraphLayout };
  'tree-report': { args: ViewArgs & { options: GraphOptions }; result: string };
  /** pprof's -tags report (a diff's with each side's weights too). */
  tags: { args: ViewArgs; result: TagsReport };
  'export-pprof': { args: { profile: number }; result: Uint8Array };
  'export-folded': { args: ViewArgs; result: string };
  /** pprof's `-list <regexp>` (Go regexp syntax): the Source view's lines and values. */
  source: { args: ViewArgs & { list: string }; result: SourceListing };
}

export type RequestKind = keyof Requests;
export type Args<K extends RequestKind> = Requests[K]['args'];
export type Result<K extends RequestKind> = Requests[K]['result'];

export type WorkerRequest<K extends RequestKind = RequestKind> = { [P in K]: { id: number; kind: P; args: Args<P> } }[K];

/** Why a request failed: the profile's own problems, a bad filter, or `superseded` (see below). */
export type ErrorKind = ProfileErrorKind | 'internal' | 'invalid-filter' | 'superseded';

/** What the worker is doing with a file: reading it, then what openProfile reports. */
export interface OpenProgress {
  phase: 'reading' | LoadProgress['phase'];
  done?: number;
  total?: number;
}

export type WorkerResponse =
  | { id: number; type: 'progress'; progress: OpenProgress }
  | { id: number; type: 'result'; result: Result<RequestKind> }
  /**
   * `superseded`: an open that a later open overtook, or a request about a profile that is no
   * longer the open one; the page has moved on and ignores it.
   */
  | { id: number; type: 'error'; kind: ErrorKind; message: string };

/** What a helper worker sends on the port of an 'open-side' request. */
export type SideMessage =
  | { type: 'result'; data: ProfileData; trie: StackTrie }
  | { type: 'error'; kind: ProfileErrorKind | 'internal'; message: string };

export interface OpenResult {
  /** The profile's id, for the requests about it (ViewArgs.profile). */
  id: number;
  name: string;
  summary: ProfileSummary;
  /** Set for a diff: the two sides' names. */
  diff?: { baseName: string; nextName: string };
}

/** A laid-out call graph: the DOT that Graphviz laid out and the SVG it drew. */
export interface GraphLayout extends GraphData {
  svg: string;
  /** What the graph's percentages and pprof's node colors refer to (pprof's rpt.total). */
  total: number;
}

export type { DiffWidth, FlameData, GraphOptions, ProfileSummary, Sandwich, SourceListing, TagsReport, TopColumns, ViewFilters };
export type { FlameTree } from '../profile/transforms/flame-tree';
