// Serving the built app (dist/) as a single-page app.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const MISSING_PAGE = `<!doctype html><meta charset="utf-8"><title>Flamelens: app not built</title>
<h1>The Flamelens app is not built</h1>
<p>The API is running, but <code>dist/</code> does not exist. Run <code>npm run build</code> (or <code>npm start</code>, which builds it when the sources changed).</p>`;

export function serveStatic(distDir: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : MISSING_PAGE);
    return;
  }
  let file = index;
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    /* keep as is */
  }
  const candidate = normalize(join(distDir, decoded));
  if (candidate.startsWith(distDir + sep) && existsSync(candidate) && statSync(candidate).isFile()) file = candidate;
  const headers: Record<string, string> = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' };
  headers['cache-control'] =
    file === index ? 'no-cache' : decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
  headers['content-length'] = String(statSync(file).size);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
