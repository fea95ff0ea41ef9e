// What the worker's request handlers have in common: their type, what they get besides their
// arguments, and the profile they answer about.
import { ProfileError } from '../profile/errors';
import type { ProfileSource } from '../profile/filtered-session';
import { FilterError } from '../profile/filters';
import type { ProfileSession } from '../profile/session';
import type { Args, ErrorKind, OpenProgress, RequestKind, Result, ViewArgs } from './protocol';

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

/** Answered as `superseded`: the page has moved on to another profile and ignores the answer. */
export class Superseded extends Error {}

/** The open profile (or diff) and its id; the previous one stays until the next has loaded. */
let held: { id: number; source: ProfileSource } | undefined;
let lastId = 0;

/** Makes `source` the open profile; returns its id. */
export function hold(source: ProfileSource): number {
  held = { id: ++lastId, source };
  return lastId;
}

/** The session a request asks about: the open profile, refine-filtered as it asks. */
export function sessionFor(args: Pick<ViewArgs, 'profile' | 'filters'>): ProfileSession {
  if (held?.id !== args.profile) throw new Superseded('Another profile was opened meanwhile.');
  return held.source.session(args.filters);
}

/** What the page is told of a failed request. */
export function errorOf(e: unknown): { kind: ErrorKind; message: string } {
  if (e instanceof Superseded) return { kind: 'superseded', message: e.message };
  if (e instanceof ProfileError) return { kind: e.kind, message: e.message };
  if (e instanceof FilterError) return { kind: 'invalid-filter', message: e.message };
  const why = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError) return { kind: 'too-large', message: `The profile is too large to open here (${why}).` };
  return { kind: 'internal', message: `Unexpected error: ${why}` };
}
