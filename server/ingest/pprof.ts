// pprof on the server: table lookup by id and naming profile types as Pyroscope does. Decoding and
// validating run in the worker pool (decode-task.ts) with the app's own validator.
import type { Profile } from 'pprof-format';
import { resolvedIds } from '../../src/common/pprof-rules';
import { type ProfileTypeId as ProfileTypeInfo, parseProfileTypeId } from '../../src/common/profile-types';
import { ClientError } from '../errors';

/** A client error on ingest (HTTP 400 unless status says otherwise). */
export class IngestError extends ClientError {
  constructor(message: string, status: 400 | 413 | 422 = 400) {
    super(status, message);
  }
}

/**
 * Table lookup by id, with ids resolved as the validator resolves them (resolvedIds): some
 * producers (e.g. .NET) leave every id at 0 and refer to entries by position (id N = the N-th
 * entry); `go tool pprof` rejects those files ("reserved ID=0"), we resolve them by position so
 * the user still sees the named frames.
 */
export function indexById<T extends { id: number | bigint }>(items: readonly T[]): Map<number, T> {
  const ids = resolvedIds(items, true);
  return new Map(items.map((it, i) => [ids[i]!, it]));
}

// Profile type IDs are parsed by the same code as in the app.
export { type ProfileTypeInfo, parseProfileTypeId };

/** Pyroscope's family name (`__name__`) for a sample type. */
export function metricName(sampleType: string, periodType: string): string {
  const t = sampleType.toLowerCase();
  if (t === 'wall') return 'wall';
  if (t.includes('cpu')) return 'process_cpu';
  if (/alloc_|inuse_|space|objects/.test(t)) return 'memory';
  if (t.startsWith('mutex_')) return 'mutex';
  if (t.startsWith('block_')) return 'block';
  if (/^goroutines?$/.test(t)) return 'goroutines';
  const p = periodType.toLowerCase();
  if (p.includes('cpu') || (t === 'samples' && (p === '' || p === 'samples'))) return 'process_cpu';
  if (p === 'wall') return 'wall';
  if (p === 'space') return 'memory';
  if (p === 'contentions' || p === 'mutex') return t === 'delay' && p === 'mutex' ? 'mutex' : 'block';
  return t.replace(/[^a-z0-9_]/g, '_') || 'unknown';
}

export interface SampleTypeOverride {
  /**
   * Pyroscope's `display-name`: as in Pyroscope, it only picks the profile name (`__name__`); the
   * sample type keeps its own name, so an SDK's heap profile and a raw one share their types.
   */
  displayName?: string;
  /** Accepted and ignored, as Pyroscope does. */
  units?: string;
}

/** One ProfileTypeInfo per sample type column of the profile (validated: its string indices are in range). */
export function profileTypesOf(
  p: Profile,
  overrides: Record<string, SampleTypeOverride> = {},
  forcedName?: string,
): ProfileTypeInfo[] {
  const s = p.stringTable.strings;
  const periodType = p.periodType ? s[Number(p.periodType.type)]! : '';
  const periodUnit = p.periodType ? s[Number(p.periodType.unit)]! : '';
  return p.sampleType.map((vt) => {
    const sampleType = s[Number(vt.type)]!;
    const sampleUnit = s[Number(vt.unit)]!;
    const name = forcedName || metricName(overrides[sampleType]?.displayName || sampleType, periodType);
    const id = [name, sampleType, sampleUnit, periodType, periodUnit].join(':');
    return { id, name, sampleType, sampleUnit, periodType, periodUnit };
  });
}
