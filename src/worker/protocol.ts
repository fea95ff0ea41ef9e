// Messages between the page and the profile worker. Requests carry an id; the worker answers
// each with exactly one `result` or `error` of that id, possibly after `progress` messages.
import type { ProfileErrorKind } from '../common/profile-error';
import type { Granularity } from '../profile/model/nodes';
import type { ViewFilters } from '../profile/model/filtered-session';
import type { DiffWidth, FlameData, GraphData, GraphOptions, ProfileSummary, TopColumns } from '../profile/model/session';
import type { TopSort } from '../profile/reports/top';
import type { ProfileData } from '../profile/model/profile-data';
import type { StackTrie } from '../profile/model/stack-trie';

/** What a helper worker sends on the port of an 'open-side' request. */
export type SideMessage =
  | { type: 'result'; data: ProfileData; trie: StackTrie }
  | { type: 'error'; kind: ProfileErrorKind | 'internal'; message: string };

export type WorkerRequest =
  | {
      id: number;
      type: 'open';
      source: Blob | ArrayBuffer;
      name: string;
      maxDecompressedBytes?: number;
      /** The flame graph the page will ask for first (see FlameNext), built right after opening. */
      flameNext?: FlameNext;
    }
  /**
   * A file is on its way (the page is reading it): background work stops now rather than when the
   * 'open' request comes. No reply.
   */
  | { id: number; type: 'hold' }
  | { id: number; type: 'top'; sampleIndex: number; granularity: Granularity; sort?: TopSort; filters?: ViewFilters }
  | {
      id: number;
      type: 'open-diff';
      /** A file, or a port on which a helper worker sends the side it opened (see 'open-side'). */
      base: { source: Blob | ArrayBuffer; name: string } | { port: MessagePort; name: string };
      next: { source: Blob | ArrayBuffer; name: string };
      maxDecompressedBytes?: number;
    }
  /**
   * To a second worker: open one side of a diff and send it on `port` to the profile worker, as
   * a SideMessage, so that the two sides are read and decoded at the same time.
   */
  | { id: number; type: 'open-side'; source: Blob | ArrayBuffer; name: string; maxDecompressedBytes?: number; port: MessagePort }
  | {
      id: number;
      type: 'flame';
      sampleIndex: number;
      granularity: Granularity;
      widthBy?: DiffWidth;
      filters?: ViewFilters;
    }
  | {
      id: number;
      type: 'graph';
      sampleIndex: number;
      granularity: Granularity;
      options: GraphOptions;
      filters?: ViewFilters;
    }
  | {
      id: number;
      type: 'tree-report';
      sampleIndex: number;
      granularity: Granularity;
      options: GraphOptions;
      filters?: ViewFilters;
    }
  | { id: number; type: 'inverted'; sampleIndex: number; granularity: Granularity; filters?: ViewFilters }
  | { id: number; type: 'sandwich'; sampleIndex: number; granularity: Granularity; node: number; filters?: ViewFilters }
  | { id: number; type: 'export-pprof' }
  | { id: number; type: 'export-folded'; sampleIndex: number; granularity: Granularity; filters?: ViewFilters };

/**
 * The page's first flame graph of a newly opened file: the profile's default sample type, widths
 * by the comparison, at this granularity and with these filters.
 */
export interface FlameNext {
  granularity: Granularity;
  filters?: ViewFilters;
}

export interface LoadProgressMessage {
  id: number;
  type: 'progress';
  phase: 'reading' | 'decompressing' | 'decoding' | 'building';
  done?: number;
  total?: number;
}

export type WorkerResponse =
  | LoadProgressMessage
  /** The warm-up has ended (done, or stopped by a request): a file sent now is not kept waiting. */
  | { id: 0; type: 'warm-up-over' }
  | { id: number; type: 'result'; result: unknown }
  /** `superseded`: an open that a later open overtook while it was being read (the page ignores it). */
  | { id: number; type: 'error'; kind: ProfileErrorKind | 'internal' | 'invalid-filter' | 'superseded'; message: string };

export interface OpenResult {
  name: string;
  summary: ProfileSummary;
  /** Set for a diff: the two sides' names. */
  diff?: { baseName: string; nextName: string };
}

export type { DiffWidth, FlameData, GraphData, GraphOptions, ProfileSummary, TopColumns, ViewFilters };

/** A laid-out call graph: the DOT that Graphviz laid out and the SVG it drew. */
export interface GraphLayout extends GraphData {
  svg: string;
}
export type { Sandwich } from '../profile/transforms/sandwich';
export type { FlameTree } from '../profile/transforms/flame-tree';
