// Tracing for the API service (GENKITX_OTEL=true): the OpenTelemetry NodeSDK, configured by the standard OTEL_*
// variables (OTLP exporter, endpoint, headers, sampler), registered as the global tracer provider before the app
// starts. The request spans and the StartWorkflow spans go to it (docs/observability.md). The worker service has
// the same file: each image is its own package.
import type { ApiSettings } from './settings.js';

/** Flushes and stops the SDK; resolves within its bound even if the collector does not answer. */
export type StopTracing = () => Promise<void>;

/** At SIGTERM the last spans get this long to leave, inside Cloud Run's 10 s. */
const FLUSH_BOUND_MS = 1_000;

/** Starts the NodeSDK when tracing is on; nothing OpenTelemetry is loaded when it is off. */
export async function startTracing(tracing: ApiSettings['tracing']): Promise<StopTracing> {
  if (!tracing) return async () => {};
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: tracing.serviceName });
  sdk.start();
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((done) => (timer = setTimeout(done, FLUSH_BOUND_MS)));
    await Promise.race([sdk.shutdown().catch(() => undefined), bound]);
    clearTimeout(timer);
  };
}
