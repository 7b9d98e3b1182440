// Run data is the caller's own (results, inputs, errors, who started what): no browser, proxy or CDN cache may keep
// it. Every answer of the API and the console says `Cache-Control: no-store`, unless its route chose otherwise (the
// console's public assets, the streams' `no-cache`).
import type { MiddlewareHandler } from 'hono';

/**
 * Sets `Cache-Control: no-store` on every response whose route set no `Cache-Control`.
 *
 * @example
 * ```ts
 * app.use(noStore());
 * ```
 */
export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  };
}
