// Front-door side of tracing: one server span per request, continuing the caller's `traceparent`, so the
// workflow start it makes (and everything after) belongs to the caller's trace.
import type { MiddlewareHandler } from 'hono';
import { loadHonoOtel } from './load';

/**
 * Hono middleware (`@hono/otel`) that opens a span per request under the caller's W3C trace context; spans go to
 * the registered tracer provider. `createFlowApi` adds it when `telemetry` is on.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.use(requestSpans());
 * ```
 */
export function requestSpans(): MiddlewareHandler {
  const { httpInstrumentationMiddleware } = loadHonoOtel();
  // Request metrics stay with whoever configures a meter provider; this is about traces.
  return httpInstrumentationMiddleware({ captureActiveRequests: false });
}
