// Spans leave the process for another store with other readers. When payloads are encrypted, the prompts,
// outputs and error texts that history keeps encrypted must not leave in clear through the spans. This module
// redacts them with OpenTelemetry's own extension point: a span processor that wraps the exporting one and hands
// it a redacted view of each finished span. Nothing in Genkit or Temporal is patched.
import type { TelemetryOptions } from './options';

type SpanProcessor = NonNullable<TelemetryOptions['spanProcessor']>;
type ReadableSpan = Parameters<SpanProcessor['onEnd']>[0];
type TimedEvent = ReadableSpan['events'][number];

/** What stands in for a redacted value. */
export const REDACTED = '[redacted]';

/** Genkit's span attributes that carry user data: an action's input, output and init. */
const USER_DATA_ATTRIBUTES = new Set(['genkit:input', 'genkit:output', 'genkit:init']);
/** Exception event attributes that carry error text (the exception's type stays). */
const ERROR_TEXT_ATTRIBUTES = new Set(['exception.message', 'exception.stacktrace']);

/**
 * A view of `span` without user data: Genkit's `genkit:input`/`genkit:output`/`genkit:init` attributes, the
 * status message and the exception events' message and stack trace are replaced with `[redacted]`. Kept: the
 * name, times, status code, the exception type, every other attribute (flow name, attempt number, Temporal's
 * IDs), links and the resource. The span itself is not changed.
 */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  const attributes = { ...span.attributes };
  for (const key of Object.keys(attributes)) if (USER_DATA_ATTRIBUTES.has(key)) attributes[key] = REDACTED;
  const status = span.status.message ? { code: span.status.code, message: REDACTED } : span.status;
  const events = span.events.map(redactEvent);
  // A view that reads everything else (spanContext(), parentSpanId, resource, …) from the span itself.
  return Object.assign(Object.create(span) as ReadableSpan, { attributes, status, events });
}

function redactEvent(event: TimedEvent): TimedEvent {
  if (!event.attributes) return event;
  const attributes = { ...event.attributes };
  for (const key of Object.keys(attributes)) if (ERROR_TEXT_ATTRIBUTES.has(key)) attributes[key] = REDACTED;
  return { ...event, attributes };
}

/**
 * Wraps the span processor that exports (a `BatchSpanProcessor` around your exporter) so that it only ever sees
 * redacted spans ({@link redactSpan}). The Cloud Run worker and API do this when payloads are encrypted and
 * `GENKITX_OTEL_USER_DATA` is not `true`; with your own OpenTelemetry SDK, wrap your processor when
 * {@link tracesCarryUserData} says no.
 *
 * @example
 * ```ts
 * import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
 * import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
 * import { redactingSpanProcessor, tracesCarryUserData } from 'genkitx-temporal';
 *
 * const exporting = new tracing.BatchSpanProcessor(new OTLPTraceExporter());
 * new NodeSDK({ spanProcessors: [tracesCarryUserData() ? exporting : redactingSpanProcessor(exporting)] }).start();
 * ```
 */
export function redactingSpanProcessor(inner: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, context) => inner.onStart(span, context),
    onEnd: (span) => inner.onEnd(redactSpan(span)),
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}
