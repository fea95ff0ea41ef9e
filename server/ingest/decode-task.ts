// The decoding worker's tasks: request bytes → a validated, limit-checked PreparedProfile (and a
// merged pprof → JSON). Runs
// in a worker thread (see pool.ts), so that gunzip, protobuf decoding and preparing never hold
// up the event loop. Client errors come back as values: an Error's class does not cross threads.
import { fromBinary, toJsonString } from '@bufbuild/protobuf';
import { Profile } from 'pprof-format';
import { ProfileSchema } from '../../src/api/gen/google/v1/profile_pb';
import { ProfileError } from '../../src/common/profile-error';
import { gunzipLimited, isGzip } from '../../src/common/gzip';
import { rawProfileBytes } from '../../src/common/pprof-bytes';
import { validateProfile } from '../../src/common/pprof-rules';
import { ClientError } from '../errors';
import { overLimit, type Limits } from '../limits';
import { toDelta, type DeltaState } from '../scrape/delta';
import { PROFILE_KIND, type ProfileKind } from '../scrape/profiles';
import { jfrToProfile } from './jfr';
import { readLabelsSnapshot } from './jfr-labels';
import { prepareProfile, type PreparedProfile } from './prepare';
import type { SampleTypeOverride } from './pprof';
import { checkCounts, scanPprof } from './scan';

export interface DecodeTask {
  bytes: Uint8Array;
  limits: Limits;
  /** Decompressed bytes this profile may still use (the request's budget). */
  budget: number;
  overrides?: Record<string, SampleTypeOverride>;
  metricName?: string;
  /** A JFR recording, converted to a pprof CPU profile of this period before the usual checks. */
  jfr?: { periodNs: number; labels?: Uint8Array };
  /** Pull mode: the scraped profile's kind, the loop's previous delta state and the scrape's time. */
  scrape?: { kind: ProfileKind; prev?: DeltaState; nowMs: number };
}

export type DecodeResult =
  | { ok: true; profile?: PreparedProfile; decompressedBytes: number; delta?: { state: DeltaState; reset: boolean } }
  | { ok: false; status: ClientError['status']; message: string };

function decode(task: DecodeTask): DecodeResult {
  const { limits } = task;
  const budget = Math.min(task.budget, limits.maxDecompressedBytes);
  let raw: Uint8Array;
  try {
    raw = task.jfr
      ? jfrAsPprof(task.bytes, task.jfr, budget, limits)
      : rawProfileBytes(task.bytes, { maxDecompressedBytes: budget });
  } catch (e) {
    if (e instanceof ProfileError && e.kind === 'too-large') {
      throw overLimit(
        'maxDecompressedBytes',
        limits,
        `the profile decompresses to more than the ${budget} bytes left for this request`,
      );
    }
    throw e;
  }
  checkCounts(scanPprof(raw), limits);
  let p: Profile;
  try {
    p = Profile.decode(raw);
  } catch (e) {
    throw new ClientError(400, `malformed pprof: protobuf decoding failed: ${(e as Error).message}`);
  }
  validateProfile(p, { positionalIds: true });
  if (p.sampleType.length === 0) throw new ClientError(400, 'invalid pprof: it declares no sample types');
  if (!task.scrape) {
    const metric = task.jfr ? 'process_cpu' : task.metricName;
    return { ok: true, profile: prepareProfile(p, task.overrides, metric, limits), decompressedBytes: raw.length };
  }
  const kind = PROFILE_KIND[task.scrape.kind];
  const d = toDelta(p, kind.cumulative, task.scrape.prev, task.scrape.nowMs);
  const toStore = d ? d.profile : p;
  return {
    ok: true,
    profile: toStore && prepareProfile(toStore, undefined, kind.metricName, limits),
    decompressedBytes: raw.length,
    delta: d && { state: d.state, reset: d.reset },
  };
}

/**
 * A JFR recording (gzipped or not) and the agent's labels → the pprof bytes of its CPU profile,
 * which then meet the same checks as a pprof upload (the profile's limits are also checked while it
 * is built). Both are bounded by the request's budget.
 */
function jfrAsPprof(
  bytes: Uint8Array,
  jfr: { periodNs: number; labels?: Uint8Array },
  budget: number,
  limits: Limits,
): Uint8Array {
  const recording = gunzipJfr(bytes, budget, 'the recording');
  const labels = jfr.labels?.length ? gunzipJfr(jfr.labels, budget - recording.length, 'the labels') : undefined;
  try {
    return jfrToProfile(recording, jfr.periodNs, labels && readLabelsSnapshot(labels), limits).encode();
  } catch (e) {
    if (e instanceof ClientError) throw e;
    throw new ClientError(400, `malformed JFR: ${(e as Error).message}`);
  }
}

function gunzipJfr(bytes: Uint8Array, budget: number, what: string): Uint8Array {
  if (bytes.length === 0) throw new ClientError(400, `malformed JFR: ${what} is empty`);
  let out = bytes;
  if (isGzip(bytes)) {
    try {
      out = gunzipLimited(bytes, Math.max(0, budget));
    } catch (e) {
      if (e instanceof ProfileError && e.kind !== 'too-large') throw new ClientError(400, `malformed JFR: ${e.message}`);
      throw e;
    }
  }
  if (out.length > budget) throw new ProfileError('too-large', `${what} is larger than the limit.`);
  return out;
}

/** A merged pprof's binary encoding → its Connect JSON (for SelectMergeProfile in JSON), off the event loop. */
export interface PprofJsonTask {
  pprofJson: Uint8Array;
}

export default function run(task: DecodeTask | PprofJsonTask): DecodeResult | string {
  if ('pprofJson' in task) return toJsonString(ProfileSchema, fromBinary(ProfileSchema, task.pprofJson));
  try {
    return decode(task);
  } catch (e) {
    if (e instanceof ClientError) return { ok: false, status: e.status, message: e.message };
    if (e instanceof ProfileError) return { ok: false, status: 400, message: `malformed pprof: ${e.message}` };
    throw e;
  }
}
