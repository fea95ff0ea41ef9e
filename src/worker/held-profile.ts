// The profile the worker holds (one at a time), and the requests' access to it.
import type { ProfileSource } from '../profile/model/filtered-session';
import type { ProfileSession } from '../profile/model/session';
import type { ViewArgs } from './protocol';

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
