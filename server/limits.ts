// Every limit the server enforces on a request: its name, environment variable, default and the
// HTTP status it is answered with. server/README.md's table is this list.
import { ClientError } from './errors';
import { parseDurationMs } from './time';

export interface Limits {
  /** Request body as received (compressed), bytes. */
  maxBodyBytes: number;
  /** One request's profiles after gunzip, bytes (all profiles of a Push together). */
  maxDecompressedBytes: number;
  maxSamples: number;
  maxLocations: number;
  maxFunctions: number;
  maxStrings: number;
  /** Σ over samples of the stack depth: the interning work a profile asks for. */
  maxStackFrames: number;
  maxSampleLabels: number;
  /** Distinct sets of a profile's sample labels that are not series labels (their cardinality). */
  maxSampleLabelSets: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  maxLabelsPerSeries: number;
  maxNewSeriesPerRequest: number;
  maxSeriesPerTenant: number;
  maxSeriesTotal: number;
  maxSelectorLength: number;
  maxRegexLength: number;
  /** 0 = no limit. */
  maxQueryRangeMs: number;
  maxSeriesPoints: number;
  futureGraceMs: number;
  /** Request bodies held at once, all requests together, bytes. */
  maxInflightBodyBytes: number;
  /** Heap of each decoding worker, MiB: a profile that needs more is refused, the server lives on. */
  workerHeapMb: number;
  /** A file GET /source reads below FLAMELENS_SOURCE_PATH, bytes. */
  maxSourceFileBytes: number;
  /** Characters of the file name GET /source is asked for. */
  maxSourcePathLength: number;
}

interface LimitSpec {
  key: keyof Limits;
  env: string;
  default: number;
  status: number;
  /** How the env value is read: a count/bytes, or a duration ("1h"). */
  kind?: 'number' | 'duration';
  /** The smallest value that works (a worker needs some heap just to start). */
  min?: number;
  what: string;
}

const MiB = 1024 * 1024;

// One limit a line, like the README's table of them: Prettier would spread most over six lines.
// prettier-ignore
export const LIMIT_SPECS: readonly LimitSpec[] = [
  { key: 'maxBodyBytes', env: 'FLAMELENS_MAX_BODY', default: 64 * MiB, status: 413, what: 'request body, bytes as sent' },
  { key: 'maxInflightBodyBytes', env: 'FLAMELENS_MAX_INFLIGHT_BYTES', default: 256 * MiB, status: 429, what: 'request bodies held at once, all requests together, bytes' },
  { key: 'maxDecompressedBytes', env: 'FLAMELENS_MAX_DECOMPRESSED', default: 256 * MiB, status: 413, what: 'profiles of one request after gunzip, bytes' },
  { key: 'maxSamples', env: 'FLAMELENS_MAX_SAMPLES', default: 500_000, status: 413, what: 'samples per profile' },
  { key: 'maxLocations', env: 'FLAMELENS_MAX_LOCATIONS', default: 1_000_000, status: 413, what: 'locations per profile' },
  { key: 'maxFunctions', env: 'FLAMELENS_MAX_FUNCTIONS', default: 1_000_000, status: 413, what: 'functions per profile' },
  { key: 'maxStrings', env: 'FLAMELENS_MAX_STRINGS', default: 1_000_000, status: 413, what: 'string table entries per profile' },
  { key: 'maxStackFrames', env: 'FLAMELENS_MAX_STACK_FRAMES', default: 10_000_000, status: 413, what: 'stack frames per profile (Σ of every sample’s depth)' },
  { key: 'maxSampleLabels', env: 'FLAMELENS_MAX_SAMPLE_LABELS', default: 100, status: 400, what: 'label pairs per sample' },
  { key: 'maxSampleLabelSets', env: 'FLAMELENS_MAX_SAMPLE_LABEL_SETS', default: 10_000, status: 413, what: 'distinct sets of sample labels that are not series labels, per profile' },
  { key: 'maxLabelNameLength', env: 'FLAMELENS_MAX_LABEL_NAME_LENGTH', default: 1024, status: 400, what: 'characters of a series label name' },
  { key: 'maxLabelValueLength', env: 'FLAMELENS_MAX_LABEL_VALUE_LENGTH', default: 2048, status: 400, what: 'characters of a series label value' },
  { key: 'maxLabelsPerSeries', env: 'FLAMELENS_MAX_LABELS_PER_SERIES', default: 30, status: 400, what: 'labels of a series (private __ labels not counted)' },
  { key: 'maxNewSeriesPerRequest', env: 'FLAMELENS_MAX_NEW_SERIES_PER_REQUEST', default: 2_000, status: 400, what: 'series one request may create' },
  { key: 'maxSeriesPerTenant', env: 'FLAMELENS_MAX_SERIES_PER_TENANT', default: 50_000, status: 429, what: 'series stored for one tenant (within retention)' },
  { key: 'maxSeriesTotal', env: 'FLAMELENS_MAX_SERIES_TOTAL', default: 1_000_000, status: 429, what: 'series stored for all tenants together' },
  { key: 'maxSelectorLength', env: 'FLAMELENS_MAX_SELECTOR_LENGTH', default: 16_384, status: 400, what: 'characters of a label selector' },
  { key: 'maxRegexLength', env: 'FLAMELENS_MAX_REGEX_LENGTH', default: 4_096, status: 400, what: 'characters of one =~ / !~ regular expression' },
  { key: 'maxQueryRangeMs', env: 'FLAMELENS_MAX_QUERY_RANGE', default: 0, status: 400, kind: 'duration', what: 'end − start of a query (0 = no limit)' },
  { key: 'maxSeriesPoints', env: 'FLAMELENS_MAX_SERIES_POINTS', default: 100_000, status: 400, what: 'points per series of SelectSeries ((end − start) / step)' },
  { key: 'futureGraceMs', env: 'FLAMELENS_FUTURE_GRACE', default: 3_600_000, status: 400, kind: 'duration', what: 'how far in the future a profile may be dated' },
  { key: 'workerHeapMb', env: 'FLAMELENS_WORKER_HEAP_MB', default: 1024, min: 64, status: 413, what: 'heap of each decoding worker, MiB' },
  { key: 'maxSourceFileBytes', env: 'FLAMELENS_MAX_SOURCE_FILE', default: 8 * MiB, status: 413, what: 'a source file GET /source reads, bytes' },
  { key: 'maxSourcePathLength', env: 'FLAMELENS_MAX_SOURCE_PATH_LENGTH', default: 4_096, status: 400, what: 'characters of the file name GET /source is asked for' },
];

export const DEFAULT_LIMITS: Readonly<Limits> = Object.fromEntries(
  LIMIT_SPECS.map((s) => [s.key, s.default]),
) as unknown as Limits;

/** The limits set by FLAMELENS_* variables over the defaults; throws naming a bad variable. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const s of LIMIT_SPECS) {
    const raw = env[s.env]?.trim();
    if (!raw) continue;
    let v: number;
    if (s.kind === 'duration') v = raw === '0' ? 0 : parseDurationMs(raw);
    else v = Number(raw);
    if (!Number.isSafeInteger(v) || v < (s.min ?? 0))
      throw new Error(`${s.env} must be a whole number ≥ ${s.min ?? 0} (got ${JSON.stringify(raw)})`);
    out[s.key] = v;
  }
  return out;
}

export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const s of LIMIT_SPECS)
    if (s.min !== undefined && limits[s.key] < s.min) throw new Error(`${s.key} must be at least ${s.min}`);
  return limits;
}

/** The error for a value over a limit: its status, with the limit's name and variable in the message. */
export function overLimit(key: keyof Limits, limits: Limits, what: string): ClientError {
  const s = LIMIT_SPECS.find((x) => x.key === key)!;
  return new ClientError(s.status as 400 | 413 | 429, `${what}: over the limit ${key} = ${limits[key]} (${s.env})`);
}
