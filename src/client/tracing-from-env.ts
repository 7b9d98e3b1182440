// Tracing for a process of its own (the Cloud Run worker and API images, or yours): OpenTelemetry's NodeSDK,
// configured by the standard OTEL_* variables, registered as the global tracer provider, with spans redacted
// before export when payloads are encrypted. One copy for every entry: the API image installs neither genkit nor
// the worker, so this module loads neither (it is on the light `genkitx-temporal/client` entry).
import { loadOtelPackage } from '../telemetry/load';
import { redactingSpanProcessor } from '../telemetry/redaction';
import { tracesCarryUserData } from './traces-carry-user-data';

type SdkModule = typeof import('@opentelemetry/sdk-node');
type SpanProcessor = import('@opentelemetry/sdk-node').tracing.SpanProcessor;

/** What {@link startTracingFromEnv} needs besides the OTEL_* variables. */
export interface TracingFromEnvOptions {
  /** The NodeSDK's service name (`service.name` of every span). */
  serviceName: string;
  /** `GENKITX_OTEL_USER_DATA=true`: spans keep user data even when payloads are encrypted. */
  userDataOptIn?: boolean;
}

/** Flushes and stops the SDK; resolves within a second even if the collector does not answer. */
export type StopTracing = () => Promise<void>;

/** How long stopping waits for the last spans to leave: inside Cloud Run's 10 s between SIGTERM and SIGKILL. */
const FLUSH_BOUND_MS = 1_000;

/**
 * Starts OpenTelemetry's NodeSDK for this process, as the Cloud Run worker and API do with `GENKITX_OTEL=true`:
 * exporter, endpoint, headers and sampler come from the standard OTEL_* variables, and the SDK is the global
 * tracer provider that Genkit's spans and Temporal's interceptors use. When spans may not carry user data
 * ({@link tracesCarryUserData}: payloads encrypted, no opt-in), the exporting span processors are built here from
 * `OTEL_TRACES_EXPORTER` (`otlp`, the default; `console`; `none`) and `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`
 * (`http/protobuf`, the default; `http/json`; `grpc`) and wrapped in {@link redactingSpanProcessor}; any other
 * value throws, naming the variable. Call it before the flows and the Temporal client load.
 *
 * `undefined` (tracing off) loads nothing of OpenTelemetry and returns a stop that does nothing. Needs
 * `@opentelemetry/sdk-node` and the OTLP exporter of the chosen protocol (`@opentelemetry/exporter-trace-otlp-proto`,
 * `-http` or `-grpc`) installed; a missing one is named in the error.
 *
 * @returns A stop for shutdown: flushes the last spans, for at most a second (inside Cloud Run's 10 s).
 *
 * @example
 * ```ts
 * import { startTracingFromEnv } from 'genkitx-temporal/client';
 *
 * const stopTracing = await startTracingFromEnv(
 *   process.env.GENKITX_OTEL === 'true' ? { serviceName: 'genkit-api' } : undefined,
 * );
 * // … start the server; then on SIGTERM:
 * process.on('SIGTERM', () => void stopTracing().then(() => process.exit(0)));
 * ```
 */
export async function startTracingFromEnv(options: TracingFromEnvOptions | undefined): Promise<StopTracing> {
  if (!options) return async () => {};
  const { NodeSDK } = loadOtelPackage<SdkModule>('@opentelemetry/sdk-node');
  const sdk = tracesCarryUserData({ telemetry: { userData: options.userDataOptIn } })
    ? new NodeSDK({ serviceName: options.serviceName })
    : new NodeSDK({
        serviceName: options.serviceName,
        spanProcessors: spanProcessorsFromEnv().map(redactingSpanProcessor),
      });
  sdk.start();
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((done) => (timer = setTimeout(done, FLUSH_BOUND_MS)));
    await Promise.race([sdk.shutdown().catch(() => undefined), bound]);
    clearTimeout(timer);
  };
}

/**
 * The exporting span processors the NodeSDK would build from the OTEL_* variables itself, built here so that they
 * can be wrapped. Each exporter reads its endpoint and headers from the OTEL_* variables itself.
 */
function spanProcessorsFromEnv(env: NodeJS.ProcessEnv = process.env): SpanProcessor[] {
  const { tracing } = loadOtelPackage<SdkModule>('@opentelemetry/sdk-node');
  const names = (env.OTEL_TRACES_EXPORTER || 'otlp').split(',').map((n) => n.trim());
  if (names.includes('none')) return [];
  const processors: SpanProcessor[] = [];
  for (const name of new Set(names)) {
    if (name === 'console') processors.push(new tracing.SimpleSpanProcessor(new tracing.ConsoleSpanExporter()));
    else if (name === 'otlp') processors.push(new tracing.BatchSpanProcessor(otlpExporter(env)));
    else
      throw new Error(
        `OTEL_TRACES_EXPORTER "${name}" is not supported while spans are redacted (encrypted payloads): ` +
          'use otlp, console or none, or set GENKITX_OTEL_USER_DATA=true to export user data (docs/observability.md)',
      );
  }
  return processors;
}

function otlpExporter(env: NodeJS.ProcessEnv): import('@opentelemetry/sdk-node').tracing.SpanExporter {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  switch (protocol) {
    case 'http/protobuf':
      return new (loadOtelPackage<OtlpModule>('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter)();
    case 'http/json':
      return new (loadOtelPackage<OtlpModule>('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)();
    case 'grpc':
      return new (loadOtelPackage<OtlpModule>('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter)();
    default:
      throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf, http/json or grpc, got "${protocol}"`);
  }
}

type OtlpModule = typeof import('@opentelemetry/exporter-trace-otlp-proto');
