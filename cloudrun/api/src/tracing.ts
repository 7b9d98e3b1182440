// Tracing for the API service (GENKITX_OTEL=true): the OpenTelemetry NodeSDK, configured by the standard OTEL_*
// variables (OTLP exporter, endpoint, headers, sampler), registered as the global tracer provider before the app
// starts. The request spans and the StartWorkflow spans go to it (docs/observability.md). The worker service has
// the same file: each image is its own package.
// From the light entry: this service installs neither genkit nor the Temporal worker packages.
import { redactingSpanProcessor, tracesCarryUserData } from 'genkitx-temporal/client';
import type { ApiSettings } from './settings.js';

/** Flushes and stops the SDK; resolves within its bound even if the collector does not answer. */
export type StopTracing = () => Promise<void>;

/** At SIGTERM the last spans get this long to leave, inside Cloud Run's 10 s. */
const FLUSH_BOUND_MS = 1_000;

/** Starts the NodeSDK when tracing is on; nothing OpenTelemetry is loaded when it is off. */
export async function startTracing(tracing: ApiSettings['tracing']): Promise<StopTracing> {
  if (!tracing) return async () => {};
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  // With encrypted payloads, spans leave without prompts, outputs and error texts unless GENKITX_OTEL_USER_DATA
  // opts in (docs/security.md): the exporting processors are wrapped, so every span is redacted before export.
  const sdk = tracesCarryUserData({ telemetry: { userData: tracing.userDataOptIn } })
    ? new NodeSDK({ serviceName: tracing.serviceName })
    : new NodeSDK({
        serviceName: tracing.serviceName,
        spanProcessors: (await spanProcessorsFromEnv()).map(redactingSpanProcessor),
      });
  sdk.start();
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((done) => (timer = setTimeout(done, FLUSH_BOUND_MS)));
    await Promise.race([sdk.shutdown().catch(() => undefined), bound]);
    clearTimeout(timer);
  };
}

type SpanProcessor = import('@opentelemetry/sdk-node').tracing.SpanProcessor;

/**
 * The exporting span processors the NodeSDK would build from OTEL_TRACES_EXPORTER (`otlp`, the default; `console`;
 * `none`) and OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL (`http/protobuf`, the default; `http/json`; `grpc`), built here
 * so that they can be wrapped. Each exporter reads its endpoint and headers from the OTEL_* variables itself.
 */
async function spanProcessorsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<SpanProcessor[]> {
  const { tracing } = await import('@opentelemetry/sdk-node');
  const names = (env.OTEL_TRACES_EXPORTER || 'otlp').split(',').map((n) => n.trim());
  if (names.includes('none')) return [];
  const processors: SpanProcessor[] = [];
  for (const name of new Set(names)) {
    if (name === 'console') processors.push(new tracing.SimpleSpanProcessor(new tracing.ConsoleSpanExporter()));
    else if (name === 'otlp') processors.push(new tracing.BatchSpanProcessor(await otlpExporter(env)));
    else
      throw new Error(
        `OTEL_TRACES_EXPORTER "${name}" is not supported while spans are redacted (encrypted payloads): ` +
          'use otlp, console or none, or set GENKITX_OTEL_USER_DATA=true to export user data (docs/observability.md)',
      );
  }
  return processors;
}

async function otlpExporter(env: NodeJS.ProcessEnv) {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  switch (protocol) {
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    case 'grpc':
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
    default:
      throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf, http/json or grpc, got "${protocol}"`);
  }
}
