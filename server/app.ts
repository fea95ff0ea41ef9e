// The Flamelens server: the built app at /, the Pyroscope-compatible API beside it, one process.
// Every request passes one boundary (handle): its target, headers and body are checked there,
// and whatever a client gets wrong is answered with a 4xx and a message, never a crash or a 500.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BodyBudget, BodyTooLargeError, readBody } from './api/body';
import { createConnectEndpoint } from './api/connect';
import { createPusher } from './api/push';
import { createQuerier } from './api/querier';
import { tenantFrom } from './api/tenant';
import { startDemo, type Demo } from './demo/demo';
import { CODE_NAME, ClientError } from './errors';
import { PusherService } from '../src/api/gen/push/v1/push_pb';
import { QuerierService, type SelectMergeProfileRequest } from '../src/api/gen/querier/v1/querier_pb';
import { parseIngestRequest } from './ingest/ingest-http';
import { GroupCommit } from './ingest/group-commit';
import { DecodePool } from './ingest/pool';
import { overLimit, resolveLimits, type Limits } from './limits';
import { createUpstreamProxy, type UpstreamOptions } from './proxy';
import { isLoopbackAddress, Security, type SecurityOptions } from './security';
import { SourceRoots } from './source-roots';
import { serveStatic } from './static';
import { openDatabase, openReadConnection } from './storage/db';
import { ProfileStore } from './storage/store';
import { resolveScrapeOption, type ScrapeConfig, type ScrapeConfigInput } from './scrape/config';
import { ScrapeManager } from './scrape/manager';
import { parseDurationMs } from './time';

export const DEFAULT_PORT = 4040;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
export const DEFAULT_RETENTION = '7d';
export const PULL_AND_PROXY =
  'pull mode (a scrape config) cannot be combined with proxy mode (FLAMELENS_UPSTREAM): scraped profiles are stored locally, and proxy mode queries upstream';

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Listen address; 127.0.0.1 by default, 0.0.0.0 for every interface (containers). */
  host?: string;
  dataDir: string;
  /** Start the demo workload (services pushing their own profiles to this server). */
  demo?: boolean;
  /** Retention as a duration ("7d", "1h") or milliseconds. */
  retention?: string | number;
  /** How often the retention job runs, ms (default: retention / 10, between 1 s and 10 min). */
  retentionIntervalMs?: number;
  /** How often the compactor builds pre-aggregated blocks, ms (default 15 s; 0: only when compact() is called). */
  compactIntervalMs?: number;
  /** The server's clock for retention, the compactor and the future-time limit (tests pass a fake one). */
  now?: () => number;
  /** Request body limit in bytes (the same as limits.maxBodyBytes). */
  maxBodyBytes?: number;
  /** Request limits (see limits.ts and server/README.md); defaults for those not given. */
  limits?: Partial<Limits>;
  /** Allowed origins, framing and authentication (see security.ts). */
  security?: SecurityOptions;
  /** Decoding worker threads (default: cores − 1, between 1 and 4). */
  decodeThreads?: number;
  /**
   * How long an idle keep-alive connection stays open, ms (Node's 5 s by default); 0 keeps it until
   * the client closes it. Tests that run the server in their own process pass 0: their synchronous
   * work can outlast the timer, which then closes the connection their next request is written on.
   */
  keepAliveTimeoutMs?: number;
  /** The built app; defaults to <repo>/dist. */
  distDir?: string;
  /** Proxy mode: forward the API (query and ingest) to this Pyroscope instead of serving it. */
  upstream?: UpstreamOptions;
  log?: (msg: string) => void;
  /** Pull mode: a path to flamelens.yaml or its content as an object (see server/README.md). */
  scrape?: string | ScrapeConfigInput | ScrapeConfig;
  /** Folders GET /source may read source files from (FLAMELENS_SOURCE_PATH; see source-roots.ts). */
  sourcePath?: string[];
}

export interface RunningServer {
  port: number;
  /** http://<listen address>:<port> */
  url: string;
  /** Requests being worked on, by kind: tests wait on these instead of on the clock. */
  inFlight: { ingest: number; query: number };
  /** Runs the retention job now (it also runs every retentionIntervalMs); resolves to the profiles deleted. */
  deleteExpired(): Promise<number>;
  /** Builds the pre-aggregated blocks due now (the compactor also runs every compactIntervalMs); resolves to the blocks written or removed. */
  compact(): Promise<number>;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
// /<package>.<Service>/<Method>, e.g. /querier.v1.QuerierService/LabelNames
const CONNECT_PATH = /^\/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+\/[A-Za-z0-9_]+$/;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The message of the error answer a response carries, for the rejected-ingest log line. */
const errorMessages = new WeakMap<ServerResponse, string>();

function sendError(res: ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>): void {
  errorMessages.set(res, message);
  if (!res.headersSent) sendJson(res, status, { code, message }, headers);
  else res.end();
}

/** The request target split without WHATWG URL parsing (which throws on `//%` or `//a:b`). */
function splitTarget(target: string | undefined): { path: string; query: URLSearchParams } {
  const t = target ?? '';
  if (!t.startsWith('/')) throw new ClientError(400, `malformed request target ${JSON.stringify(t.slice(0, 200))}`);
  const q = t.indexOf('?');
  return { path: q < 0 ? t : t.slice(0, q), query: new URLSearchParams(q < 0 ? '' : t.slice(q + 1)) };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const retentionMs = typeof opts.retention === 'number' ? opts.retention : parseDurationMs(opts.retention ?? DEFAULT_RETENTION);
  const limits = resolveLimits({ maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY, ...opts.limits });
  const maxBody = limits.maxBodyBytes;
  const host = opts.host ?? DEFAULT_HOST;
  const security = new Security(opts.security);
  const loopbackOnly = isLoopbackAddress(host);
  const distDir = resolve(opts.distDir ?? resolve(here, '../dist'));
  // Before anything is opened: a bad config file fails the start with its message.
  const scrapeConfig = opts.scrape !== undefined ? resolveScrapeOption(opts.scrape) : undefined;
  if (scrapeConfig && opts.upstream) throw new Error(PULL_AND_PROXY);
  const sources = await SourceRoots.open(opts.sourcePath ?? []);
  let scraper: ScrapeManager | undefined;
  const dataDir = resolve(opts.dataDir);
  const db = openDatabase(dataDir);
  const readDb = openReadConnection(dataDir);
  const store = new ProfileStore(db, readDb, limits);
  const pool = new DecodePool(limits, opts.decodeThreads);
  // Ingest and Push requests that arrive together share one transaction (see group-commit.ts).
  const writer = new GroupCommit(store);
  const inFlight = { ingest: 0, query: 0 };
  const bodies = new BodyBudget(limits.maxInflightBodyBytes, (used) =>
    overLimit('maxInflightBodyBytes', limits, `${used} bytes of request bodies are being worked on; retry later`),
  );
  /** Reads a body within the server-wide budget, runs `work`, then gives the bytes back. */
  const withBody = async (req: IncomingMessage, work: (body: Buffer) => Promise<void>) => {
    const held = { budget: bodies, taken: 0 };
    try {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared <= maxBody) {
        bodies.take(declared); // refused before reading when it cannot fit
        held.taken = declared;
        await work(await readBody(req, maxBody));
      } else await work(await readBody(req, maxBody, held));
    } finally {
      bodies.give(held.taken);
    }
  };
  const now = opts.now ?? Date.now;
  const oldestVisibleMs = () => now() - retentionMs;
  const checkTime = (timeMs: number) => {
    if (!Number.isFinite(timeMs)) throw new ClientError(400, 'profile time is not a valid time');
    if (timeMs < oldestVisibleMs())
      throw new ClientError(
        400,
        `profile time ${new Date(timeMs).toISOString()} is older than the retention period (${opts.retention ?? DEFAULT_RETENTION})`,
      );
    if (timeMs > now() + limits.futureGraceMs) {
      throw overLimit('futureGraceMs', limits, `profile time ${new Date(timeMs).toISOString()} is in the future`);
    }
  };

  const querier = createQuerier({ store, oldestVisibleMs, limits });
  const connect = createConnectEndpoint(
    (router) => {
      router.service(QuerierService, querier.service);
      router.service(PusherService, createPusher({ writer, pool, limits, checkTime }));
    },
    limits,
    {
      '/querier.v1.QuerierService/SelectMergeProfile': {
        handle: (message, header) => querier.selectMergeProfileBytes(message as SelectMergeProfileRequest, header),
        toJson: (bytes) => pool.pprofToJson(bytes),
      },
    },
  );

  async function handleIngest(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const tenant = tenantFrom(req.headers['x-scope-orgid'] as string | undefined);
    if ('error' in tenant) throw new ClientError(400, tenant.error);
    await withBody(req, async (body) => {
      const parsed = await parseIngestRequest(query, String(req.headers['content-type'] ?? ''), body);
      checkTime(parsed.timeMs);
      const decoded = await pool.decode({
        bytes: parsed.profileBytes,
        budget: limits.maxDecompressedBytes,
        overrides: parsed.overrides,
        jfr: parsed.jfr,
      });
      await writer.ingest(tenant.tenant, [{ profile: decoded.profile!, labels: parsed.labels, timeMs: parsed.timeMs }]);
    });
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  }

  const proxy = opts.upstream ? createUpstreamProxy(opts.upstream, maxBody) : undefined;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitTarget(req.url);
    const isIngest = path === '/ingest' || path === '/pyroscope/ingest';
    const isConnect = CONNECT_PATH.test(path);
    if (path === '/ready') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ready\n');
      return;
    }
    if (isIngest || path.startsWith('/push.')) {
      // A refused profile is lost data for whoever sent it, and an agent's own log is often out
      // of sight: say so here too (Connect writes its own errors, whose message is not at hand).
      res.once('finish', () => {
        if (res.statusCode >= 400) {
          const why = errorMessages.get(res);
          log(`rejected ${req.method} ${path.slice(0, 200)}: ${res.statusCode}${why ? ` ${why.slice(0, 500)}` : ''}`);
        }
      });
    }
    if (isIngest || isConnect || path === '/targets' || path === '/source' || (proxy && path.startsWith('/pyroscope/')))
      security.checkApiRequest(req, loopbackOnly);
    if (proxy && (isConnect || isIngest || path.startsWith('/pyroscope/'))) {
      await proxy(req, res, req.url!);
    } else if (path === '/targets') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ClientError(405, 'use GET for /targets');
      sendJson(res, 200, { targets: scraper?.targets() ?? [], discovery: scraper?.discovery() ?? [] });
    } else if (path === '/source') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ClientError(405, 'use GET for /source');
      const file = await sources.read(query.get('path') ?? '', limits);
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': file.text.length,
        'cache-control': 'no-cache',
        'x-flamelens-source': encodeURIComponent(file.matched),
      });
      res.end(req.method === 'HEAD' ? undefined : file.text);
    } else if (isIngest) {
      if (req.method !== 'POST') throw new ClientError(405, 'use POST for /ingest');
      inFlight.ingest++;
      try {
        await handleIngest(req, res, query);
      } finally {
        inFlight.ingest--;
      }
    } else if (isConnect) {
      if (!connect.has(path)) throw new ClientError(404, `unknown procedure ${path}`);
      if (req.method !== 'POST') throw new ClientError(405, `use POST for ${path}`);
      const kind = path.startsWith('/push.') ? 'ingest' : 'query';
      inFlight[kind]++;
      try {
        await withBody(req, (body) => connect.handle(req, res, path, body));
      } finally {
        inFlight[kind]--;
      }
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      serveStatic(distDir, req, res, path);
    } else {
      throw new ClientError(404, `no route for ${req.method} ${path.slice(0, 200)}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    security.setHeaders(res);
    try {
      await route(req, res);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        sendError(res, 413, 'resource_exhausted', `${e.message}: the limit maxBodyBytes (FLAMELENS_MAX_BODY)`, {
          connection: 'close',
        });
        req.resume();
      } else if (e instanceof ClientError) {
        const headers: Record<string, string> = e.status === 401 ? { 'www-authenticate': security.challenge } : {};
        // A body not read yet is not worth reading: the connection closes after the answer.
        if (!req.complete) headers.connection = 'close';
        sendError(res, e.status, CODE_NAME[e.code] ?? 'invalid_argument', e.message, headers);
        if (!req.complete) req.resume();
      } else if (
        (e as { code?: string }).code === 'ECONNRESET' ||
        (e as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE'
      ) {
        res.destroy(); // the client went away while sending
      } else {
        log(`error handling ${req.method} ${req.url?.slice(0, 200)}: ${(e as Error).stack ?? e}`);
        sendError(res, 500, 'internal', 'internal error (logged by the server)');
      }
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      // Only if writing the error itself failed: end the exchange, keep the process.
      log(`error answering ${req.method}: ${(e as Error).message}`);
      res.destroy();
    });
  });
  server.requestTimeout = 120_000;
  if (opts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  // A request Node cannot even parse (bad request line or headers): 400, never an exception.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await pool.ready();
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => resolvePromise());
  });
  const address = server.address() as AddressInfo;
  const port = address.port;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${port}`;

  const intervalMs = opts.retentionIntervalMs ?? Math.min(600_000, Math.max(1000, retentionMs / 10));
  const deleteExpired = async () => {
    const n = await store.deleteOlderThan(now() - retentionMs);
    if (n > 0) log(`retention: deleted ${n} profiles`);
    return n;
  };
  const retentionTimer = setInterval(() => {
    deleteExpired().catch((e: unknown) => log(`retention job failed: ${(e as Error).message}`));
  }, intervalMs);
  retentionTimer.unref();

  // One compaction at a time; a timer tick while one runs is skipped.
  let compacting: Promise<number> | undefined;
  const compact = (): Promise<number> => {
    compacting ??= store
      .compact(now())
      .then((n) => {
        if (n > 0) log(`compaction: ${n} blocks built or removed`);
        return n;
      })
      .finally(() => (compacting = undefined));
    return compacting;
  };
  const compactMs = opts.compactIntervalMs ?? 15_000;
  const compactTimer =
    compactMs > 0
      ? setInterval(() => {
          compact().catch((e: unknown) => log(`compaction failed: ${(e as Error).message}`));
        }, compactMs)
      : undefined;
  compactTimer?.unref();

  if (scrapeConfig) {
    scraper = new ScrapeManager(scrapeConfig, { store, pool, log });
    scraper.start();
  }

  let demo: Demo | undefined;
  if (opts.demo) demo = startDemo(`http://127.0.0.1:${port}`, log);

  return {
    port,
    url,
    inFlight,
    deleteExpired,
    compact,
    async close() {
      clearInterval(retentionTimer);
      clearInterval(compactTimer);
      await compacting?.catch(() => {});
      await demo?.stop();
      await scraper?.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await pool.close();
      readDb.close();
      db.close();
    },
  };
}
