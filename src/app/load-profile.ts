// The last steps of loading a profile: a query's bytes are fetched from its backend (a file is
// its own bytes), then the profile worker opens them.
import { averageDivisorOf } from '../api/gauge';
import { QuerierClient } from '../api/querier';
import { MAX_GROUPS, labelValueSeries, mapLimit, withMatcher } from '../api/label-values';
import { type MergeQuery, type ProfileRequest, queryName, requestKey } from '../state/profile-request';
import { stepFor } from '../state/time-range';
import type { Progress } from '../views/LoadProgress';
import { type ProfileWorkerClient, profileWorker } from '../worker/client';
import type { OpenResult, Source } from '../worker/protocol';

/** `?maxmb=N` (in the URL the page was opened with) sets the 1 GiB decompression limit for one profile to N MiB. */
function decompressionLimit(): number | undefined {
  const v = Number(new URLSearchParams(window.location.search).get('maxmb'));
  return Number.isFinite(v) && v > 0 ? v * 1024 * 1024 : undefined;
}

/**
 * What a query's profile is: the query, and for an average the number of profiles it is over (see
 * src/api/gauge.ts) and whether that number is an estimate (a backend that ignores AVERAGE, with
 * profiles closer together than the step it could count them at).
 */
export interface QuerySide {
  query: MergeQuery;
  averagedOver?: number;
  averageEstimated?: boolean;
}

/** A profile as the page holds it: the worker's, and what each side of a query is. */
export type LoadedProfile = OpenResult & { query?: { next: QuerySide; base?: QuerySide } };

/** A query's merged profile, and for an average, the number its values are divided by (both asked at once). */
async function fetchMerged(q: MergeQuery, inDiff: boolean, signal?: AbortSignal): Promise<{ source: Source; side: QuerySide }> {
  if (q.groupBy) return fetchGrouped(q, q.groupBy, inDiff, signal);
  const client = new QuerierClient(q.backend);
  const request = { profileTypeID: q.type, labelSelector: q.selector, start: q.start, end: q.end };
  const [bytes, average] = await Promise.all([
    client.selectMergeProfile(request, signal),
    q.average ? averageDivisorOf(client, { ...request, step: stepFor(q.start, q.end) }, signal) : undefined,
  ]);
  const averagedOver = average?.divisor;
  const side: QuerySide = { query: q, averagedOver, ...(average?.estimated && { averageEstimated: true }) };
  return { source: { source: bytes, name: queryName(q, inDiff), divideBy: averagedOver }, side };
}

/**
 * A query grouped by a series label: the label's values (SelectSeries with groupBy), then one
 * merged profile per value (SelectMergeProfile with `label="value"`; '' matches the series
 * without the label), each averaged on its own for a gauge. The worker puts each under a root frame.
 */
async function fetchGrouped(
  q: MergeQuery,
  label: string,
  inDiff: boolean,
  signal?: AbortSignal,
): Promise<{ source: Source; side: QuerySide }> {
  const client = new QuerierClient(q.backend);
  const base = { profileTypeID: q.type, labelSelector: q.selector, start: q.start, end: q.end, step: stepFor(q.start, q.end) };
  const values = await labelValueSeries(client, base, label, { average: false }, signal);
  // Nothing in the range: the ungrouped (empty) profile says so as usual.
  if (values.length === 0) return fetchMerged({ ...q, groupBy: undefined }, inDiff, signal);
  if (values.length > MAX_GROUPS)
    throw new Error(`${label} has ${values.length} values in this range: at most ${MAX_GROUPS} can be grouped; filter first`);
  const parts = await mapLimit(values, 4, async ({ value }) => {
    const part = { ...base, labelSelector: withMatcher(q.selector, { name: label, op: '=', value }) };
    const [source, average] = await Promise.all([
      client.selectMergeProfile(part, signal),
      q.average ? averageDivisorOf(client, part, signal) : undefined,
    ]);
    return { value, source, divideBy: average?.divisor, estimated: average?.estimated === true };
  });
  const name = `${queryName(q, inDiff)} · by ${label}`;
  const groups = { key: label, parts: parts.map(({ estimated: _, ...part }) => part) };
  const side: QuerySide = { query: q, ...(parts.some((p) => p.estimated) && { averageEstimated: true }) };
  return { source: { source: new ArrayBuffer(0), name, groups }, side };
}

/** The request's bytes: the files, or the backend's merged profiles (both sides at once). */
async function sourcesOf(
  r: ProfileRequest,
  signal?: AbortSignal,
): Promise<{ next: Source; base?: Source; query?: LoadedProfile['query'] }> {
  if (r.kind === 'file')
    return { next: { source: r.next, name: r.next.name }, base: r.base && { source: r.base, name: r.base.name } };
  const diff = r.base !== undefined;
  const [next, base] = await Promise.all([fetchMerged(r.next, diff, signal), r.base && fetchMerged(r.base, diff, signal)]);
  return { next: next.source, base: base?.source, query: { next: next.side, base: base?.side } };
}

const sizeOf = (s: Source | undefined): number =>
  !s
    ? 0
    : s.groups
      ? s.groups.parts.reduce((a, p) => a + p.source.byteLength, 0)
      : s.source instanceof Blob
        ? s.source.size
        : s.source.byteLength;

/** Loads requests into the profile worker, which holds one profile at a time. */
export class ProfileLoader {
  /**
   * The profile the worker holds: the last one that opened (a later open that fails leaves it
   * there), unless an open posted after it is still under way. Opens succeed in the order they
   * were posted: the worker drops an open that a later one overtakes.
   */
  private held?: { key: string; opened: LoadedProfile; seq: number };
  private posted = 0;
  private readonly underWay = new Set<number>();

  constructor(
    private readonly worker: ProfileWorkerClient,
    private readonly maxDecompressedBytes?: number,
  ) {}

  private holds(key: string): LoadedProfile | undefined {
    const held = this.held;
    return held?.key === key && ![...this.underWay].some((seq) => seq > held.seq) ? held.opened : undefined;
  }

  async load(request: ProfileRequest, opts: { signal?: AbortSignal; onProgress: (p: Progress) => void }): Promise<LoadedProfile> {
    const key = requestKey(request);
    // Files the worker holds already (just opened, or kept after others failed to open) are not
    // read again. A query is fetched again: the backend's answer may have changed.
    const held = request.kind === 'file' ? this.holds(key) : undefined;
    if (held) return held;
    if (request.kind === 'query') opts.onProgress({ phase: 'fetching' });
    const { next, base, query } = await sourcesOf(request, opts.signal);
    opts.onProgress({ phase: 'reading', done: 0, total: sizeOf(next) + sizeOf(base) });
    const { maxDecompressedBytes } = this;
    const callOpts = { onProgress: opts.onProgress };
    // Not cancelled once posted: the worker opens it or drops it for a later one, and `held`
    // follows what it did.
    const seq = ++this.posted;
    this.underWay.add(seq);
    try {
      performance.mark('flamelens:page:open'); // see the worker's marks
      const result = await (base
        ? this.worker.openDiff(base, next, maxDecompressedBytes, callOpts)
        : this.worker.call('open', { ...next, maxDecompressedBytes }, callOpts));
      performance.mark('flamelens:page:opened');
      const opened: LoadedProfile = query ? { ...result, query } : result;
      this.held = { key, opened, seq };
      return opened;
    } finally {
      this.underWay.delete(seq);
    }
  }
}

let pageLoader: ProfileLoader | undefined;

/** The loader of the page's profile worker. */
export function profileLoader(): ProfileLoader {
  return (pageLoader ??= new ProfileLoader(profileWorker(), decompressionLimit()));
}
