// Front-door side of tracing: one server span per request, continuing the caller's W3C `traceparent`, so the
// workflow start it makes (and everything after) belongs to the caller's trace.
// Written on @opentelemetry/api rather than taken from @hono/otel: that package's CommonJS build reads the
// route through its own copy of hono/route, which cannot see the matched route of an app built with Hono's ESM
// build (a different symbol), and fails every request of such an app.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { loadOtelApi } from './load';

const TRACER = 'genkitx-temporal/http';

/**
 * Hono middleware that opens a server span per request under the caller's trace context (`traceparent`,
 * through the registered propagator); spans go to the registered tracer provider. `createFlowApi` adds it when
 * `telemetry` is on.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.use(requestSpans());
 * ```
 */
export function requestSpans(): MiddlewareHandler {
  const { context, propagation, trace, SpanKind, SpanStatusCode } = loadOtelApi();
  const tracer = trace.getTracer(TRACER);
  return async (c, next) => {
    const parent = propagation.extract(context.active(), c.req.header());
    const span = tracer.startSpan(
      c.req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
      // Hono turns a handler's error into the error response; the span still records it.
      if (c.error) span.recordException(c.error);
      span.setAttribute('http.response.status_code', c.res.status);
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      const route = routePath(c, -1);
      span.setAttribute('http.route', route);
      span.updateName(`${c.req.method} ${route}`);
      span.end();
    }
  };
}
