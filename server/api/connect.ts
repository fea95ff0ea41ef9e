// The Connect services behind the server's own request boundary: the body is read (and gunzipped)
// here under the server's limits, a binary message that does not parse is the client's mistake
// (400 invalid_argument, where Connect itself says 500 internal), and a ClientError thrown by a
// service keeps its HTTP status (413, 429) beside the Connect code its status maps to.
import { fromBinary, fromJsonString } from '@bufbuild/protobuf';
import {
  ConnectError,
  createConnectRouter,
  createContextKey,
  createContextValues,
  type ConnectRouter,
  type Interceptor,
} from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipLimited } from '../../src/common/gzip';
import { ClientError } from '../errors';
import { overLimit, type Limits } from '../limits';

/** The HTTP status a ClientError asked for, when Connect's code would map to another (413 → 429). */
const HTTP_STATUS = createContextKey<number | undefined>(undefined);

const clientErrors: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (e) {
    if (e instanceof ClientError) {
      req.contextValues.set(HTTP_STATUS, e.status);
      throw e.toConnect();
    }
    throw e;
  }
};

/**
 * A unary method answered outside Connect's serialiser: it returns its response already encoded
 * (binary), in slices; JSON is made from that by `toJson` (in a worker). For responses too large
 * to serialise in one go on the event loop (SelectMergeProfile).
 */
export interface RawUnary {
  handle(message: unknown, header: Headers): Promise<Uint8Array>;
  toJson(bytes: Uint8Array): Promise<string>;
}

export interface ConnectEndpoint {
  has(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void>;
}

function webHeaders(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k.startsWith(':')) continue;
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  }
  return h;
}

export function createConnectEndpoint(
  routes: (router: ConnectRouter) => void,
  limits: Limits,
  rawMethods: Record<string, RawUnary> = {},
): ConnectEndpoint {
  const router = createConnectRouter({
    interceptors: [clientErrors],
    readMaxBytes: limits.maxBodyBytes,
    jsonOptions: { ignoreUnknownFields: true },
  });
  routes(router);
  const handlers = new Map<string, UniversalHandler>(router.handlers.map((h) => [h.requestPath, h]));

  return {
    has: (path) => handlers.has(path),
    async handle(req, res, path, raw) {
      const handler = handlers.get(path)!;
      let headers: Headers;
      try {
        headers = webHeaders(req);
      } catch (e) {
        throw new ClientError(400, `malformed request header: ${(e as Error).message}`);
      }
      let body: Uint8Array = raw;
      const encoding = headers.get('content-encoding')?.toLowerCase();
      if (encoding === 'gzip') {
        try {
          body = gunzipLimited(raw, limits.maxBodyBytes);
        } catch (e) {
          if ((e as { kind?: string }).kind === 'too-large')
            throw overLimit('maxBodyBytes', limits, 'the request body decompresses to more bytes than allowed');
          throw new ClientError(400, `malformed gzip request body: ${(e as Error).message}`);
        }
        // Content-Length counted the gzipped bytes: left in place, Connect would hold the
        // decompressed body to it and refuse it (pyroscope-io's Push is gzip-encoded).
        headers.delete('content-encoding');
        headers.delete('content-length');
      }
      const contentType = headers.get('content-type')?.split(';')[0]!.trim().toLowerCase();
      let message: unknown;
      if (contentType === 'application/proto') {
        try {
          message = fromBinary(handler.method.input, body);
        } catch (e) {
          throw new ClientError(
            400,
            `the request is not a valid ${handler.method.input.typeName} message: ${(e as Error).message}`,
          );
        }
      }
      const rawMethod = rawMethods[path];
      if (rawMethod && (contentType === 'application/proto' || contentType === 'application/json')) {
        if (message === undefined) {
          try {
            message = fromJsonString(handler.method.input, new TextDecoder().decode(body), { ignoreUnknownFields: true });
          } catch (e) {
            throw new ClientError(
              400,
              `the request is not a valid ${handler.method.input.typeName} message: ${(e as Error).message}`,
            );
          }
        }
        const bytes = await rawMethod.handle(message, headers);
        const out = contentType === 'application/json' ? Buffer.from(await rawMethod.toJson(bytes)) : bytes;
        res.writeHead(200, { 'content-type': contentType, 'content-length': out.length });
        res.end(out);
        return;
      }
      const contextValues = createContextValues();
      const abort = new AbortController();
      res.once('close', () => abort.abort());
      const uRes = await handler({
        httpVersion: req.httpVersion,
        method: req.method ?? 'POST',
        url: `http://${req.headers.host ?? 'localhost'}${path}`,
        header: headers,
        body: (async function* () {
          yield body;
        })(),
        signal: abort.signal,
        contextValues,
      });
      const wanted = contextValues.get(HTTP_STATUS);
      if (wanted !== undefined && uRes.status >= 400) uRes.status = wanted;
      await universalResponseToNodeResponse(uRes, res).catch((e) => {
        if (ConnectError.from(e).code !== 1 /* canceled: the client went away */) throw e;
      });
    },
  };
}
