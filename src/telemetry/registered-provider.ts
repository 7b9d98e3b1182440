// Workflow spans are recorded inside the workflow sandbox and reach the worker through a sink, as finished spans:
// they bypass the tracer API, so they must be handed to a span processor. By default that is the processor of
// the tracer provider the app registered globally, looked up when each span arrives (Genkit's NodeSDK, for one,
// registers itself only at its first span).
import { loadOtelApi } from './load';
import type { TelemetryOptions } from './options';

type SpanProcessor = NonNullable<TelemetryOptions['spanProcessor']>;
type Resource = NonNullable<TelemetryOptions['resource']>;
type ReadableSpan = Parameters<SpanProcessor['onEnd']>[0];

/** What an SDK tracer provider (`BasicTracerProvider`, `NodeTracerProvider`) exposes of itself. */
interface SdkTracerProvider {
  getActiveSpanProcessor(): SpanProcessor;
  resource?: Resource;
}

/** The registered SDK tracer provider, or `undefined` when none is (or it is not an SDK provider). */
export function registeredSdkProvider(): SdkTracerProvider | undefined {
  let provider: unknown = loadOtelApi().trace.getTracerProvider();
  // The global is a proxy in front of the provider that was registered.
  if (typeof (provider as { getDelegate?: unknown }).getDelegate === 'function') {
    provider = (provider as { getDelegate(): unknown }).getDelegate();
  }
  return typeof (provider as Partial<SdkTracerProvider>)?.getActiveSpanProcessor === 'function'
    ? (provider as SdkTracerProvider)
    : undefined;
}

/** Forwards finished workflow spans to the registered provider's processors, with its resource. */
export class RegisteredProviderSpanProcessor implements SpanProcessor {
  constructor(private readonly resource?: Resource) {}

  onStart(): void {
    // Workflow spans arrive finished; there is nothing to start.
  }

  onEnd(span: ReadableSpan): void {
    const provider = registeredSdkProvider();
    if (!provider) return;
    const resource = this.resource ?? provider.resource;
    provider.getActiveSpanProcessor().onEnd(resource ? withResource(span, resource) : span);
  }

  async forceFlush(): Promise<void> {
    await registeredSdkProvider()?.getActiveSpanProcessor().forceFlush();
  }

  async shutdown(): Promise<void> {
    // The provider belongs to the app, which shuts it down.
  }
}

function withResource(span: ReadableSpan, resource: Resource): ReadableSpan {
  return Object.assign(Object.create(span) as ReadableSpan, { resource });
}
