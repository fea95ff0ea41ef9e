// `npm start`: parse flags and environment, then start the server.
//   --port N / PORT            (default 4040)
//   --host H / HOST            listen address (default 127.0.0.1; 0.0.0.0 in containers)
//   FLAMELENS_DATA             data directory (default ./data)
//   FLAMELENS_DIST             the built app to serve (default <repo>/dist)
//   FLAMELENS_RETENTION        e.g. 7d, 12h (default 7d)
//   FLAMELENS_COMPACT_INTERVAL how often pre-aggregated blocks are built, e.g. 15s (default; 0: never)
//   FLAMELENS_MAX_BODY         request body limit in bytes (default 64 MiB)
//   --no-demo / FLAMELENS_DEMO=0   do not start the demo workload
//   --config PATH / FLAMELENS_CONFIG   flamelens.yaml: pull mode scrape jobs (server/README.md)
//   FLAMELENS_MAX_* …          request limits (limits.ts; the table in server/README.md)
//   FLAMELENS_ALLOWED_ORIGINS  other web origins allowed to call the API (comma-separated)
//   FLAMELENS_FRAME_ANCESTORS  origins allowed to frame the app (default: none)
//   FLAMELENS_AUTH_TOKEN / FLAMELENS_AUTH_USER + FLAMELENS_AUTH_PASSWORD   require credentials
//   FLAMELENS_DECODE_THREADS   decoding worker threads (default: cores − 1, 2 to 4)
//   FLAMELENS_SOURCE_PATH      folders (':'-separated) the Source view may read source files from
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RETENTION, PULL_AND_PROXY, startServer } from './app';
import { limitsFromEnv, type Limits } from './limits';
import { type UpstreamOptions, upstreamFromEnv } from './proxy';
import { parseSourcePath } from './source-roots';
import { loadScrapeConfigFile, type ScrapeConfig } from './scrape/config';
import { parseDurationMs } from './time';

function fail(msg: string): never {
  console.error(`flamelens: ${msg}`);
  process.exit(2);
}

const args = process.argv.slice(2);
let port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
let host = process.env.HOST?.trim() || DEFAULT_HOST;
let configPath = process.env.FLAMELENS_CONFIG || undefined;
let demo = !['0', 'false', 'no', 'off'].includes((process.env.FLAMELENS_DEMO ?? '').toLowerCase());
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  /** The argument after a flag that takes one: it must be there. */
  const value = () => args[++i] ?? fail(`${a} needs a value`);
  if (a === '--no-demo') demo = false;
  else if (a === '--demo') demo = true;
  else if (a === '--config') configPath = value();
  else if (a.startsWith('--config=')) configPath = a.slice('--config='.length);
  else if (a === '--port') port = Number(value());
  else if (a.startsWith('--port=')) port = Number(a.slice('--port='.length));
  else if (a === '--host') host = value();
  else if (a.startsWith('--host=')) host = a.slice('--host='.length);
  else fail(`unknown argument ${a}`);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('invalid port');
const retention = process.env.FLAMELENS_RETENTION || DEFAULT_RETENTION;
try {
  parseDurationMs(retention);
} catch (e) {
  fail(`FLAMELENS_RETENTION: ${(e as Error).message}`);
}
const compactEnv = process.env.FLAMELENS_COMPACT_INTERVAL?.trim();
let compactIntervalMs: number | undefined;
try {
  if (compactEnv) compactIntervalMs = compactEnv === '0' ? 0 : parseDurationMs(compactEnv);
} catch (e) {
  fail(`FLAMELENS_COMPACT_INTERVAL: ${(e as Error).message}`);
}
if (!host) fail('invalid host');
let limits: Partial<Limits> = {};
try {
  limits = limitsFromEnv(process.env);
} catch (e) {
  fail((e as Error).message);
}
if (limits.maxBodyBytes === 0) fail('FLAMELENS_MAX_BODY must be a positive number of bytes');
const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const decodeThreads = process.env.FLAMELENS_DECODE_THREADS ? Number(process.env.FLAMELENS_DECODE_THREADS) : undefined;
if (decodeThreads !== undefined && !(Number.isInteger(decodeThreads) && decodeThreads >= 1))
  fail('FLAMELENS_DECODE_THREADS must be a whole number ≥ 1');
if (process.env.FLAMELENS_AUTH_USER && !process.env.FLAMELENS_AUTH_PASSWORD)
  fail('FLAMELENS_AUTH_USER needs FLAMELENS_AUTH_PASSWORD');
let scrape: ScrapeConfig | undefined;
if (configPath !== undefined) {
  try {
    scrape = loadScrapeConfigFile(configPath);
  } catch (e) {
    fail((e as Error).message);
  }
}

let upstream: UpstreamOptions | undefined;
try {
  upstream = upstreamFromEnv(process.env);
} catch (e) {
  fail(`FLAMELENS_UPSTREAM: ${(e as Error).message}`);
}
if (upstream && scrape) fail(PULL_AND_PROXY);
// In proxy mode the data lives upstream: no demo unless asked for explicitly.
if (upstream && !args.includes('--demo') && process.env.FLAMELENS_DEMO === undefined) demo = false;

const server = await startServer({
  upstream,
  port,
  host,
  dataDir: process.env.FLAMELENS_DATA || './data',
  sourcePath: parseSourcePath(process.env.FLAMELENS_SOURCE_PATH),
  distDir: process.env.FLAMELENS_DIST || undefined,
  demo,
  retention,
  compactIntervalMs,
  limits,
  decodeThreads,
  security: {
    allowedOrigins: list(process.env.FLAMELENS_ALLOWED_ORIGINS),
    frameAncestors: list(process.env.FLAMELENS_FRAME_ANCESTORS),
    auth: {
      token: process.env.FLAMELENS_AUTH_TOKEN || undefined,
      user: process.env.FLAMELENS_AUTH_USER || undefined,
      password: process.env.FLAMELENS_AUTH_PASSWORD || undefined,
    },
  },
  scrape,
  log: (m) => console.log(`flamelens: ${m}`),
});
console.log(
  `flamelens: listening on ${server.url} (${upstream ? `proxy to ${upstream.url}` : `data: ${process.env.FLAMELENS_DATA || './data'}, retention ${retention}`}${demo ? ', demo on' : ''})`,
);
if (scrape)
  console.log(`flamelens: pull mode: ${scrape.jobs.length} scrape job(s) from ${configPath}, status at ${server.url}/targets`);

let closing = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (closing) process.exit(1);
    closing = true;
    void server.close().then(() => process.exit(0));
  });
}
