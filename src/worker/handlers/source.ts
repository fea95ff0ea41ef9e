// The Source view's request: pprof's `-list` on the open profile. re2js (Go's regexp semantics)
// is loaded the first time a listing is asked for, not with the worker.
import type { ProfileSession } from '../../profile/model/session';
import { type ListGraphs, listGraphs, listMatcher, sourceListing } from '../../profile/reports/source-list';
import type { Handlers } from '../handler';
import { sessionFor } from '../held-profile';

let re2: Promise<typeof import('re2js')> | undefined;

/**
 * Per session (weakly: a closed profile is not kept), the line nodes' values of the sample type
 * listed last, which another regexp reuses.
 */
const lastGraphs = new WeakMap<ProfileSession, { sampleIndex: number; graphs: ListGraphs }>();

export const sourceHandlers: Handlers<'source'> = {
  async source(args, call) {
    const { RE2JS } = await (re2 ??= import('re2js'));
    const matches = listMatcher(RE2JS, args.list);
    const session = sessionFor(args);
    let kept = lastGraphs.get(session);
    if (kept?.sampleIndex !== args.sampleIndex) {
      kept = { sampleIndex: args.sampleIndex, graphs: listGraphs(session, args.sampleIndex) };
      lastGraphs.set(session, kept);
    }
    const listing = sourceListing(session, args.sampleIndex, matches, kept.graphs);
    for (const r of listing.routines) {
      const l = r.lines;
      if (!l) continue;
      call.transfer(l.flat.buffer, l.cum.buffer);
      if (l.base && l.next) call.transfer(l.base.flat.buffer, l.base.cum.buffer, l.next.flat.buffer, l.next.cum.buffer);
    }
    return listing;
  },
};
