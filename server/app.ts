// The Flamelens server: the built app at /, the Pyroscope-compatible API beside it, one process.
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BodyTooLargeError, readBody } from './api/body';
import { createPusher } from './api/push';
import { createQuerier } from './api/querier';
import { tenantFrom } from './api/tenant';
import { startDemo, type Demo } from './demo/demo';
import { PusherService } from '../src/api/gen/push/v1/push_pb';
import { QuerierService } from '../src/api/gen/querier/v1/querier_pb';
import { parseIngestRequest } from './ingest/ingest-http';
import { IngestError } from './ingest/pprof';
import { createUpstreamProxy, type UpstreamOptions } from './proxy';
import { serveStatic } from './static';
import { openDatabase } from './storage/db';
import { ProfileStore } from './storage/store';
import { resolveScrapeOption, type ScrapeConfig, type ScrapeConfigInput } from './scrape/config';
import { ScrapeManager } from './scrape/manager';
import { parseDurationMs } from './time';

export const DEFAULT_PORT = 4040;
export const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
export const DEFAULT_RETENTION = '7d';
export const PULL_AND_PROXY =
  'pull mode (a scrape config) cannot be combined with proxy mode (FLAMELENS_UPSTREAM): scraped profiles are stored locally, and proxy mode queries upstream';

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Defaults to all interfaces; tests use 127.0.0.1. */
  host?: string;
  dataDir: string;
  /** Start the demo workload (services pushing their own profiles to this server). */
  demo?: boolean;
  /** Retention as a duration ("7d", "1h") or milliseconds. */
  retention?: string | number;
  /** How often the retention job runs, ms (default: retention / 10, between 1 s and 10 min). */
  retentionIntervalMs?: number;
  /** Request body limit in bytes. */
  maxBodyBytes?: number;
  /** The built app; defaults to <repo>/dist. */
  distDir?: string;
  /** Proxy mode: forward the API (query and ingest) to this Pyroscope instead of serving it. */
  upstream?: UpstreamOptions;
  log?: (msg: string) => void;
  /** Pull mode: a path to flamelens.yaml or its content as an object (see server/README.md). */
  scrape?: string | ScrapeConfigInput | ScrapeConfig;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
// /<package>.<Service>/<Method>, e.g. /querier.v1.QuerierService/LabelNames
const CONNECT_PATH = /^\/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+\/[A-Za-z0-9_]+$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (!res.headersSent) sendJson(res, status, { code, message });
  else res.end();
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const retentionMs = typeof opts.retention === 'number' ? opts.retention : parseDurationMs(opts.retention ?? DEFAULT_RETENTION);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const distDir = resolve(opts.distDir ?? resolve(here, '../dist'));
  // Before anything is opened: a bad config file fails the start with its message.
  const scrapeConfig = opts.scrape !== undefined ? resolveScrapeOption(opts.scrape) : undefined;
  if (scrapeConfig && opts.upstream) throw new Error(PULL_AND_PROXY);
  let scraper: ScrapeManager | undefined;
  const db = openDatabase(resolve(opts.dataDir));
  const store = new ProfileStore(db);
  const oldestVisibleMs = () => Date.now() - retentionMs;
  const checkTime = (timeMs: number) => {
    if (timeMs < oldestVisibleMs())
      throw new IngestError(`profile time ${new Date(timeMs).toISOString()} is older than the retention period (${opts.retention ?? DEFAULT_RETENTION})`);
  };

  const connect = connectNodeAdapter({
    routes(router) {
      router.service(QuerierService, createQuerier({ store, oldestVisibleMs }));
      router.service(PusherService, createPusher(store, checkTime));
    },
    readMaxBytes: maxBody,
    jsonOptions: { ignoreUnknownFields: true },
    fallback(req, res) {
      const text = JSON.stringify({ code: 'not_found', message: `unknown procedure ${req.url ?? ''}` });
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  });

  async function handleIngest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const tenant = tenantFrom(req.headers['x-scope-orgid'] as string | undefined);
    if ('error' in tenant) return sendError(res, 400, 'invalid_argument', tenant.error);
    const body = await readBody(req, maxBody);
    const item = await parseIngestRequest(url, String(req.headers['content-type'] ?? ''), body);
    checkTime(item.timeMs);
    store.ingest(tenant.tenant, [item]);
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  }

  const proxy = opts.upstream ? createUpstreamProxy(opts.upstream, maxBody) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    try {
      if (proxy && (CONNECT_PATH.test(path) || path === '/ingest' || path.startsWith('/pyroscope/'))) {
        await proxy(req, res, path + url.search);
      } else if (path === '/ready') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ready\n');
      } else if (path === '/targets') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'invalid_argument', 'use GET for /targets');
        sendJson(res, 200, { targets: scraper?.targets() ?? [], discovery: scraper?.discovery() ?? [] });
      } else if (path === '/ingest' || path === '/pyroscope/ingest') {
        if (req.method !== 'POST') return sendError(res, 405, 'invalid_argument', 'use POST for /ingest');
        await handleIngest(req, res, url);
      } else if (CONNECT_PATH.test(path)) {
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBody) return sendError(res, 413, 'resource_exhausted', `request body exceeds the limit of ${maxBody} bytes`);
        connect(req, res);
      } else if (req.method === 'GET' || req.method === 'HEAD') {
        serveStatic(distDir, req, res, path);
      } else {
        sendError(res, 404, 'not_found', `no route for ${req.method} ${path}`);
      }
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        sendError(res, 413, 'resource_exhausted', e.message);
        req.resume();
      } else if (e instanceof IngestError) sendError(res, e.status, e.status === 400 ? 'invalid_argument' : 'unknown', e.message);
      else {
        log(`error handling ${req.method} ${path}: ${(e as Error).stack ?? e}`);
        sendError(res, 500, 'internal', (e as Error).message);
      }
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 120_000;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, opts.host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : 'localhost'}:${port}`;

  const intervalMs = opts.retentionIntervalMs ?? Math.min(600_000, Math.max(1000, retentionMs / 10));
  const retentionTimer = setInterval(() => {
    try {
      const n = store.deleteOlderThan(Date.now() - retentionMs);
      if (n > 0) log(`retention: deleted ${n} profiles`);
    } catch (e) {
      log(`retention job failed: ${(e as Error).message}`);
    }
  }, intervalMs);
  retentionTimer.unref();

  if (scrapeConfig) {
    scraper = new ScrapeManager(scrapeConfig, { store, log });
    scraper.start();
  }

  let demo: Demo | undefined;
  if (opts.demo) demo = startDemo(`http://127.0.0.1:${port}`, log);

  return {
    port,
    url,
    async close() {
      clearInterval(retentionTimer);
      await demo?.stop();
      await scraper?.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
