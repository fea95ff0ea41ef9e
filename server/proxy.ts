// Proxy mode: the server forwards the API to a real Grafana Pyroscope (which sends no CORS
// headers, so the browser cannot call it directly), adding the tenant and credentials that the
// browser does not have.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './api/body';

export interface UpstreamOptions {
  /** e.g. https://pyroscope.example (a path prefix is kept). */
  url: string;
  /** X-Scope-OrgID to send; when unset, the browser's own header (if any) is passed on. */
  tenant?: string;
  user?: string;
  password?: string;
  token?: string;
}

/** Reads FLAMELENS_UPSTREAM, _TENANT, _USER/_PASSWORD, _TOKEN; undefined when not in proxy mode. */
export function upstreamFromEnv(env: NodeJS.ProcessEnv): UpstreamOptions | undefined {
  const url = env.FLAMELENS_UPSTREAM?.trim();
  if (!url) return undefined;
  const parsed = new URL(url); // throws on a malformed URL: main.ts reports it
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('FLAMELENS_UPSTREAM must be http(s)');
  return {
    url: url.replace(/\/+$/, ''),
    tenant: env.FLAMELENS_UPSTREAM_TENANT || undefined,
    user: env.FLAMELENS_UPSTREAM_USER || undefined,
    password: env.FLAMELENS_UPSTREAM_PASSWORD || undefined,
    token: env.FLAMELENS_UPSTREAM_TOKEN || undefined,
  };
}

const PASS_REQUEST_HEADERS = ['content-type', 'accept', 'connect-protocol-version', 'connect-timeout-ms', 'user-agent'];
const PASS_RESPONSE_HEADERS = ['content-type', 'cache-control'];

export function createUpstreamProxy(up: UpstreamOptions, maxBody: number) {
  return async function proxy(req: IncomingMessage, res: ServerResponse, pathAndQuery: string): Promise<void> {
    const headers: Record<string, string> = {};
    for (const h of PASS_REQUEST_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const tenant = up.tenant ?? (req.headers['x-scope-orgid'] as string | undefined);
    if (tenant) headers['x-scope-orgid'] = tenant;
    if (up.token) headers.authorization = `Bearer ${up.token}`;
    else if (up.user) headers.authorization = `Basic ${Buffer.from(`${up.user}:${up.password ?? ''}`).toString('base64')}`;
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, maxBody);
    let upstream: Response;
    try {
      upstream = await fetch(up.url + pathAndQuery, {
        method: req.method,
        headers,
        body: body as BodyInit | undefined,
        signal: AbortSignal.timeout(120_000),
      });
    } catch (e) {
      const text = JSON.stringify({ code: 'unavailable', message: `upstream ${up.url} unreachable: ${(e as Error).message}` });
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const out = Buffer.from(await upstream.arrayBuffer()); // fetch has already undone any gzip
    const resHeaders: Record<string, string> = { 'content-length': String(out.length) };
    for (const h of PASS_RESPONSE_HEADERS) {
      const v = upstream.headers.get(h);
      if (v) resHeaders[h] = v;
    }
    res.writeHead(upstream.status, resHeaders);
    res.end(out);
  };
}
