// For entry points that are not Hono apps (Firebase callables): run the workflow start inside a server span
// that continues the caller's W3C trace context, so the run joins the caller's trace.
import type { IncomingHttpHeaders } from 'node:http';
import type { TelemetrySetting } from './options';
import { loadOtelApi } from './load';

const TRACER = 'genkitx-temporal';

/**
 * Runs `fn` in a span named `spanName` under the trace context of `headers` (`traceparent`) when `telemetry` (the
 * entry's resolved setting) is on; otherwise just runs it.
 */
export async function inCallerTrace<T>(
  telemetry: TelemetrySetting | undefined,
  headers: IncomingHttpHeaders | undefined,
  spanName: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!telemetry) return fn();
  const { context, propagation, trace, SpanKind, SpanStatusCode } = loadOtelApi();
  const parent = propagation.extract(context.active(), headers ?? {});
  return trace.getTracer(TRACER).startActiveSpan(spanName, { kind: SpanKind.SERVER }, parent, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}
