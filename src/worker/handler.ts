// What the worker's request handlers have in common: their type, what they get besides their
// arguments, how their failures are told to the page, and their User Timing marks.
import { ProfileError } from '../common/profile-error';
import { FilterError } from '../profile/transforms/filters';
import { ListRegexpError } from '../profile/reports/source-list';
import { Superseded } from './held-profile';
import type { Args, ErrorKind, OpenProgress, RequestKind, Result } from './protocol';

/** A request being answered, as its handler sees it. */
export interface Call {
  /** Sends the page a progress message for this request. */
  progress(p: OpenProgress): void;
  /** Hands these buffers of the result over to the page instead of copying them. */
  transfer(...buffers: ArrayBufferLike[]): void;
  /** Whether an open has come since this request: an open that finds one is dropped. */
  newerOpen(): boolean;
  /** Whether any request has come since this one: background work stops then. */
  newerRequest(): boolean;
}

export type Handler<K extends RequestKind> = (args: Args<K>, call: Call) => Result<K> | Promise<Result<K>>;
export type Handlers<K extends RequestKind> = { [P in K]: Handler<P> };

/**
 * A User Timing mark (`flamelens:…`) at a step of opening a file, so DevTools' Performance panel
 * shows where the time of opening a file goes.
 */
export function mark(step: string): void {
  performance.mark(`flamelens:${step}`);
}

/** What the page is told of a failed request. */
export function errorOf(e: unknown): { kind: ErrorKind; message: string } {
  if (e instanceof Superseded) return { kind: 'superseded', message: e.message };
  if (e instanceof ProfileError) return { kind: e.kind, message: e.message };
  if (e instanceof FilterError || e instanceof ListRegexpError) return { kind: 'invalid-filter', message: e.message };
  const why = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError) return { kind: 'too-large', message: `The profile is too large to open here (${why}).` };
  return { kind: 'internal', message: `Unexpected error: ${why}` };
}
