// What every response carries (security headers) and what an API request must show before it is
// served: a same-origin or allowed Origin (so that no web page can post to or query the server),
// a Host naming this machine when it listens on loopback (DNS rebinding), and credentials when
// authentication is configured.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientError } from './errors';

export interface AuthOptions {
  /** `Authorization: Bearer <token>` (Pyroscope SDKs' AuthToken, Alloy's bearer_token). */
  token?: string;
  /** `Authorization: Basic …` (SDKs' BasicAuthUser/Password, Alloy's basic_auth; browsers ask for it). */
  user?: string;
  password?: string;
}

export interface SecurityOptions {
  /** Origins besides the server's own whose browser requests are served (e.g. http://localhost:5173). */
  allowedOrigins?: string[];
  /** CSP frame-ancestors sources allowed to frame the app (e.g. a Grafana origin); none by default. */
  frameAncestors?: string[];
  auth?: AuthOptions;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The app's needs: its own scripts and a module worker, WebAssembly (Graphviz via @viz-js/viz),
 * React's inline styles, data:/blob: images and downloads, fetches to itself only.
 */
function contentSecurityPolicy(frameAncestors: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export class Security {
  private readonly csp: string;
  private readonly allowed: Set<string>;

  constructor(private readonly opts: SecurityOptions = {}) {
    this.csp = contentSecurityPolicy(opts.frameAncestors ?? []);
    this.allowed = new Set((opts.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
  }

  /** Set before anything else is written, so that every response has them. */
  setHeaders(res: ServerResponse): void {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', this.csp);
    if (!this.opts.frameAncestors?.length) res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  }

  /**
   * Throws 403 for a browser request from another origin, and for a Host that is not
   * this machine while listening on loopback; 401 when credentials are required and wrong.
   */
  checkApiRequest(req: IncomingMessage, listeningOnLoopback: boolean): void {
    const host = (req.headers.host ?? '').toLowerCase();
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const o = origin.replace(/\/+$/, '').toLowerCase();
      let originHost: string | undefined;
      try {
        originHost = o === 'null' ? undefined : new URL(o).host;
      } catch {
        originHost = undefined;
      }
      if (!(originHost !== undefined && originHost === host) && !this.allowed.has(o)) {
        throw new ClientError(
          403,
          `requests from the web origin ${JSON.stringify(origin.slice(0, 200))} are refused: only this server's own pages (and FLAMELENS_ALLOWED_ORIGINS) may call its API`,
        );
      }
    }
    if (listeningOnLoopback && !this.isLoopbackHost(host)) {
      throw new ClientError(
        403,
        `Host ${JSON.stringify(host.slice(0, 200))} is not this machine: the server listens on loopback only (a DNS rebinding page would send its own name); add the origin to FLAMELENS_ALLOWED_ORIGINS to allow it`,
      );
    }
    this.checkAuth(req);
  }

  private isLoopbackHost(host: string): boolean {
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
    if (LOOPBACK_HOSTS.has(name) || name.endsWith('.localhost')) return true;
    for (const o of this.allowed) {
      try {
        if (new URL(o).host === host) return true;
      } catch {
        /* not a URL: never matches */
      }
    }
    return false;
  }

  get authRequired(): boolean {
    const a = this.opts.auth;
    return !!(a && (a.token || a.user));
  }

  private checkAuth(req: IncomingMessage): void {
    const a = this.opts.auth;
    if (!a || !this.authRequired) return;
    const header = req.headers.authorization ?? '';
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    if (scheme === 'bearer' && a.token && same(value, a.token)) return;
    if (scheme === 'basic' && a.user) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // Both compared whatever the first gives, in constant time.
      const userOk = same(decoded.slice(0, Math.max(0, colon)), a.user);
      const passwordOk = same(decoded.slice(colon + 1), a.password ?? '');
      if (colon >= 0 && userOk && passwordOk) return;
    }
    throw new ClientError(
      401,
      'authentication required: send Authorization: Bearer <FLAMELENS_AUTH_TOKEN> or Basic <FLAMELENS_AUTH_USER:FLAMELENS_AUTH_PASSWORD>',
    );
  }

  /** The WWW-Authenticate challenge of a 401: Basic when configured, so that browsers ask for it. */
  get challenge(): string {
    return this.opts.auth?.user ? 'Basic realm="flamelens", charset="UTF-8"' : 'Bearer realm="flamelens"';
  }
}

/** Whether a listen address is loopback only (then Host must name this machine). */
export function isLoopbackAddress(host: string | undefined): boolean {
  return host === undefined || host === 'localhost' || host === '::1' || /^127\./.test(host);
}
