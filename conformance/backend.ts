// One Pyroscope-compatible backend given by URL, spoken to over plain HTTP exactly as an SDK or the
// app would: /ingest (raw and multipart), Push (Connect, binary proto) and the querier's Connect
// RPCs (JSON, or binary proto for SelectMergeProfile, whose answer is a pprof).
import { create, toBinary } from '@bufbuild/protobuf';
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { isGzip } from '../src/common/gzip';
import { PushRequestSchema } from '../src/api/gen/push/v1/push_pb';
import { SelectMergeProfileRequestSchema } from '../src/api/gen/querier/v1/querier_pb';

export interface Answer {
  status: number;
  /** The parsed JSON body ({} when empty). */
  json: Record<string, unknown>;
}

export interface MergeRequest {
  profileTypeID: string;
  labelSelector: string;
  start: number;
  end: number;
}

/** How long a backend may take to make what it accepted visible to queries (Pyroscope flushes segments). */
export const VISIBLE_WITHIN_MS = 120_000;
/** 429 (Pyroscope's per-tenant ingestion rate limit) is retried this many times, a second apart. */
const RATE_LIMIT_RETRIES = 30;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Backend {
  constructor(
    /** "embedded" or "upstream": used in messages. */
    readonly name: string,
    readonly url: string,
  ) {}

  private async post(path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(this.url + path, { method: 'POST', body, headers });
      if (res.status !== 429 || attempt >= RATE_LIMIT_RETRIES) return res;
      await res.arrayBuffer();
      await sleep(1000);
    }
  }

  private static async answer(res: Response): Promise<Answer> {
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { body: text.slice(0, 500) };
    }
    return { status: res.status, json };
  }

  private static tenantHeader(tenant: string | undefined): Record<string, string> {
    return tenant === undefined ? {} : { 'X-Scope-OrgID': tenant };
  }

  /** A querier RPC in Connect JSON. `method` is `Service/Method` or just the querier's method. */
  async rpc(method: string, body: unknown, tenant?: string): Promise<Answer> {
    const path = method.includes('/') ? `/${method}` : `/querier.v1.QuerierService/${method}`;
    const res = await this.post(path, JSON.stringify(body), {
      'content-type': 'application/json',
      ...Backend.tenantHeader(tenant),
    });
    return Backend.answer(res);
  }

  /** SelectMergeProfile in binary proto: the merged pprof, or the error answer. */
  async mergeProfile(req: MergeRequest, tenant: string): Promise<{ status: number; profile?: Profile; error?: Answer }> {
    const body = toBinary(
      SelectMergeProfileRequestSchema,
      create(SelectMergeProfileRequestSchema, {
        profileTypeID: req.profileTypeID,
        labelSelector: req.labelSelector,
        start: BigInt(req.start),
        end: BigInt(req.end),
      }),
    );
    const res = await this.post('/querier.v1.QuerierService/SelectMergeProfile', Buffer.from(body), {
      'content-type': 'application/proto',
      ...Backend.tenantHeader(tenant),
    });
    if (res.status !== 200) return { status: res.status, error: await Backend.answer(res) };
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: 200, profile: Profile.decode(isGzip(bytes) ? gunzipSync(bytes) : bytes) };
  }

  /** POST /ingest with a raw pprof body. */
  async ingestRaw(params: Record<string, string>, pprof: Uint8Array, tenant: string): Promise<Answer> {
    const res = await this.post(`/ingest?${new URLSearchParams({ format: 'pprof', ...params })}`, Buffer.from(pprof), {
      'content-type': 'application/octet-stream',
      ...Backend.tenantHeader(tenant),
    });
    return Backend.answer(res);
  }

  /** POST /ingest as the Go SDK sends it: multipart with `profile` and `sample_type_config` parts. */
  async ingestMultipart(
    params: Record<string, string>,
    pprof: Uint8Array,
    sampleTypeConfig: unknown,
    tenant: string,
  ): Promise<Answer> {
    const form = new FormData();
    form.append('profile', new Blob([Buffer.from(pprof)]), 'profile.pprof');
    form.append('sample_type_config', new Blob([JSON.stringify(sampleTypeConfig)]), 'sample_type_config.json');
    // fetch writes the multipart body and its boundary into content-type itself. No `format`
    // parameter, as the SDKs send it: Pyroscope reads a body with format=pprof as a bare pprof.
    const res = await this.post(`/ingest?${new URLSearchParams(params)}`, form, Backend.tenantHeader(tenant));
    return Backend.answer(res);
  }

  /** push.v1.PusherService/Push in binary proto: one series per entry, one profile each. */
  async push(series: { labels: Record<string, string>; pprof: Uint8Array }[], tenant: string): Promise<Answer> {
    const msg = create(PushRequestSchema, {
      series: series.map((s) => ({
        labels: Object.entries(s.labels).map(([name, value]) => ({ name, value })),
        samples: [{ rawProfile: s.pprof, ID: crypto.randomUUID() }],
      })),
    });
    const res = await this.post('/push.v1.PusherService/Push', Buffer.from(toBinary(PushRequestSchema, msg)), {
      'content-type': 'application/proto',
      ...Backend.tenantHeader(tenant),
    });
    return Backend.answer(res);
  }

  /**
   * Polls `probe` until it returns true: ingestion is asynchronous in Pyroscope (segments are
   * flushed, then indexed), so what was accepted becomes visible some time later. The deadline
   * only bounds a broken backend; a working one ends the wait as soon as the data is there.
   */
  async waitUntil(what: string, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + VISIBLE_WITHIN_MS;
    for (;;) {
      if (await probe()) return;
      if (Date.now() > deadline) throw new Error(`${this.name}: ${what} not visible within ${VISIBLE_WITHIN_MS} ms`);
      await sleep(500);
    }
  }
}
