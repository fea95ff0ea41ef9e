// Shared helpers for server tests: a real server on a free port with a temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { isGzip } from '../../src/common/gzip';
import { startServer, type RunningServer, type ServerOptions } from '../app';
import type { DiscoveryStatus } from '../scrape/kubernetes';
import type { TargetStatus } from '../scrape/targets';

interface LabelPair {
  name: string;
  value: string;
}

/**
 * A Connect JSON answer, as far as the tests read one: the fields of the querier's and pusher's
 * responses, or a Connect error's code and message. Proto3 JSON leaves empty fields out (so every
 * field is optional) and writes int64 as strings.
 */
export interface RpcJson {
  /** A Connect error. */
  code?: string;
  message?: string;
  /** LabelNames, LabelValues. */
  names?: string[];
  /** ProfileTypes. */
  profileTypes?: { ID: string; name: string; sampleType: string; sampleUnit: string; periodType: string; periodUnit: string }[];
  /** Series. */
  labelsSet?: { labels: LabelPair[] }[];
  /** SelectSeries. */
  series?: { labels: LabelPair[]; points: { value: number; timestamp: string }[] }[];
  /** SelectMergeStacktraces. */
  flamegraph?: {
    names: string[];
    levels: { values: string[] }[];
    total: string;
    maxSelf: string;
    leftTicks?: string;
    rightTicks?: string;
  };
  /** SelectMergeProfile: a pprof profile. */
  sample?: { locationId?: string[]; value: string[] }[];
  sampleType?: { type: string; unit: string }[];
  stringTable?: string[];
  timeNanos?: string;
  durationNanos?: string;
  period?: string;
}

/** GET /targets's answer (server/app.ts). */
export interface TargetsJson {
  targets: TargetStatus[];
  discovery: DiscoveryStatus[];
}

export interface TestServer extends RunningServer {
  dataDir: string;
  /** POST a Connect JSON request; returns status and parsed JSON body. */
  rpc(method: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: RpcJson }>;
  ingest(params: Record<string, string>, body: Uint8Array, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'flamelens-test-'));
  // keepAliveTimeoutMs 0: see ServerOptions; the tests' own work blocks the server's event loop too.
  const s = await startServer({ port: 0, host: '127.0.0.1', demo: false, keepAliveTimeoutMs: 0, ...opts, dataDir });
  const rpc = async (method: string, body: unknown, headers: Record<string, string> = {}) => {
    const service = method.startsWith('push.') ? '' : '/querier.v1.QuerierService';
    const path = method.startsWith('/') ? method : method.startsWith('push.') ? `/${method}` : `${service}/${method}`;
    const res = await fetch(s.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    // A Connect answer always has a body; were one empty, it reads as no fields.
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as RpcJson };
  };
  const ingest = (params: Record<string, string>, body: Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/ingest?${new URLSearchParams(params)}`, { method: 'POST', body: Buffer.from(body), headers });
  return {
    ...s,
    dataDir,
    rpc,
    ingest,
    async stop() {
      await s.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { readFixture } from '../../tests/helpers/corpus';

export function decodeFixture(bytes: Uint8Array): Profile {
  return Profile.decode(isGzip(bytes) ? gunzipSync(bytes) : bytes);
}

/** Σ of one sample-type column, exact for integers up to 2^53. */
export function columnSum(p: Profile, index: number): number {
  let sum = 0;
  for (const s of p.sample) sum += Number(s.value[index]);
  return sum;
}

export const selector = (service: string) => `{service_name="${service}"}`;
