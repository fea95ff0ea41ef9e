// A client of Pyroscope's Connect query API (querier.v1.QuerierService): JSON for the small
// calls, binary protobuf for SelectMergeProfile, whose answer is the pprof the worker decodes.
import { create, toBinary } from '@bufbuild/protobuf';
import { SelectMergeProfileRequestSchema } from './gen/querier/v1/querier_pb';

export interface BackendConfig {
  /** Base URL of the API; '' = the server that served the app. */
  baseUrl: string;
  /** X-Scope-OrgID, for multi-tenant backends. */
  tenant?: string;
}

/** A failed call, with the server's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** A multi-tenant backend wants X-Scope-OrgID. */
  get needsTenant(): boolean {
    return this.status === 401 && /no org id/i.test(this.message);
  }
}

export interface Label {
  name: string;
  value: string;
}
export interface Series {
  labels: Label[];
  points: { timestamp: number; value: number }[];
}

export interface RangeRequest {
  start: number;
  end: number;
}

export class QuerierClient {
  constructor(private readonly config: BackendConfig) {}

  private url(rpc: string): string {
    return `${this.config.baseUrl.replace(/\/$/, '')}/querier.v1.QuerierService/${rpc}`;
  }

  private headers(contentType: string): Record<string, string> {
    const h: Record<string, string> = { 'Content-Type': contentType, 'Connect-Protocol-Version': '1' };
    if (this.config.tenant) h['X-Scope-OrgID'] = this.config.tenant;
    return h;
  }

  private async fail(res: Response): Promise<never> {
    const text = await res.text().catch(() => '');
    let code = 'unknown';
    let message = text || res.statusText;
    try {
      const j = JSON.parse(text) as { code?: string; message?: string };
      if (j.code) code = j.code;
      if (j.message) message = j.message;
    } catch {
      // not a Connect error body: keep the text
    }
    throw new ApiError(res.status, code, `${res.status} ${code !== 'unknown' ? code + ': ' : ''}${message}`);
  }

  private async json<T>(rpc: string, body: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url(rpc), {
        method: 'POST',
        headers: this.headers('application/json'),
        body: JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new ApiError(0, 'unavailable', `Cannot reach the backend: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!res.ok) await this.fail(res);
    return (await res.json()) as T;
  }

  async profileTypes(r: RangeRequest, signal?: AbortSignal): Promise<string[]> {
    const j = await this.json<{ profileTypes?: { ID: string }[] }>('ProfileTypes', r, signal);
    return (j.profileTypes ?? []).map((t) => t.ID);
  }

  async labelNames(matchers: string[], r: RangeRequest, signal?: AbortSignal): Promise<string[]> {
    const j = await this.json<{ names?: string[] }>('LabelNames', { matchers, ...r }, signal);
    return (j.names ?? []).filter((n) => !n.startsWith('__'));
  }

  async labelValues(name: string, matchers: string[], r: RangeRequest, signal?: AbortSignal): Promise<string[]> {
    const j = await this.json<{ names?: string[] }>('LabelValues', { name, matchers, ...r }, signal);
    return j.names ?? [];
  }

  async series(matchers: string[], labelNames: string[], r: RangeRequest, signal?: AbortSignal): Promise<Label[][]> {
    const j = await this.json<{ labelsSet?: { labels?: Label[] }[] }>('Series', { matchers, labelNames, ...r }, signal);
    return (j.labelsSet ?? []).map((s) => s.labels ?? []);
  }

  /**
   * Each group's profile totals per time step: summed, or (`average`) averaged over the profiles
   * of the step. Steps without a profile have no point.
   */
  async selectSeries(
    req: { profileTypeID: string; labelSelector: string; step: number; groupBy: string[]; average?: boolean } & RangeRequest,
    signal?: AbortSignal,
  ): Promise<Series[]> {
    const { average, ...rest } = req;
    const body = average ? { ...rest, aggregation: 'TIME_SERIES_AGGREGATION_TYPE_AVERAGE' } : rest;
    const j = await this.json<{
      series?: { labels?: Label[]; points?: { timestamp: string | number; value?: number }[] }[];
    }>('SelectSeries', body, signal);
    return (j.series ?? []).map((s) => ({
      labels: s.labels ?? [],
      points: (s.points ?? []).map((p) => ({ timestamp: Number(p.timestamp), value: p.value ?? 0 })),
    }));
  }

  /** The merged pprof of every matching profile in the range, as protobuf bytes. */
  async selectMergeProfile(
    req: { profileTypeID: string; labelSelector: string } & RangeRequest,
    signal?: AbortSignal,
  ): Promise<ArrayBuffer> {
    const body = toBinary(
      SelectMergeProfileRequestSchema,
      create(SelectMergeProfileRequestSchema, {
        profileTypeID: req.profileTypeID,
        labelSelector: req.labelSelector,
        start: BigInt(Math.floor(req.start)),
        end: BigInt(Math.ceil(req.end)),
      }),
    );
    let res: Response;
    try {
      res = await fetch(this.url('SelectMergeProfile'), {
        method: 'POST',
        headers: this.headers('application/proto'),
        body: body as BodyInit,
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new ApiError(0, 'unavailable', `Cannot reach the backend: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!res.ok) await this.fail(res);
    return res.arrayBuffer();
  }
}
