// Request size limit for the front door: Hono's bodyLimit, minus its cost on the common request.
// Hono's middleware reads `c.req.raw.body` first, which makes @hono/node-server build a full WHATWG Request with a
// web stream over the socket for every request; the route's own `c.req.text()` then reads through that stream
// instead of @hono/node-server's direct read. When Content-Length already bounds the body, checking the header
// is the whole check (Hono's middleware does the same), so the request stays lightweight.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Options of `requestBodyLimit` (those of Hono's `bodyLimit`). */
export interface RequestBodyLimitOptions {
  /** Largest accepted body in bytes. */
  maxSize: number;
  /** The response for a body over the limit. */
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Refuses bodies over `maxSize` with `onError`: by the Content-Length header when the request has one (the HTTP
 * parser never delivers more than it announces), by counting the streamed bytes (Hono's `bodyLimit`) otherwise.
 *
 * @example
 * ```ts
 * app.post('/flows/:name', requestBodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.text('too large', 413) }), handler);
 * ```
 */
export function requestBodyLimit(options: RequestBodyLimitOptions): MiddlewareHandler {
  // The rest of an oversized body is never read, so the connection cannot carry another request: say so, and close
  // it (Node's server ends a connection whose answer says `Connection: close`), rather than announce keep-alive.
  const onError = async (c: Context) => {
    const response = await options.onError(c);
    response.headers.set('Connection', 'close');
    return response;
  };
  const counted = bodyLimit({ ...options, onError });
  return async (c, next) => {
    const length = c.req.header('content-length');
    // Without Content-Length (chunked), or with Transfer-Encoding beside it (which then wins), the bytes are counted.
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    // A Content-Length that is not a number bounds nothing (Node's HTTP parser never lets one through; an in-process
    // Request can carry one): refused like an oversized body.
    if (!/^\d+$/.test(length) || Number(length) > options.maxSize) return onError(c);
    await next();
  };
}
