// Whether and how runs are traced with OpenTelemetry. Off unless asked for: nothing OpenTelemetry is loaded then.
import type { OpenTelemetryPluginOptions } from '@temporalio/interceptors-opentelemetry';

/** Tracing settings beyond `telemetry: true`. Everything else comes from the registered OpenTelemetry SDK. */
export interface TelemetryOptions {
  /**
   * Receives the workflow spans, which Temporal records inside the workflow sandbox and hands out through a sink.
   * @default the span processor of the registered tracer provider (NodeSDK, `enableTelemetry` from
   * `genkit/tracing`, or a `BasicTracerProvider` you registered)
   */
  spanProcessor?: OpenTelemetryPluginOptions['spanProcessor'];
  /** Resource of the workflow spans. @default the registered tracer provider's resource */
  resource?: OpenTelemetryPluginOptions['resource'];
}

/**
 * `true` (or options) turns tracing on: Temporal's OpenTelemetry interceptors on clients and workers, Genkit's
 * spans joined to the activity span, a span per HTTP request in `createFlowApi`. Spans go to the global
 * OpenTelemetry tracer provider; register one (e.g. `new NodeSDK().start()`, exporter from the `OTEL_*`
 * variables) before the first run. Also `GENKITX_OTEL=true`.
 */
export type TelemetrySetting = boolean | TelemetryOptions;

/** The environment variable that turns tracing on where no option says otherwise. */
export const TELEMETRY_ENV = 'GENKITX_OTEL';

/** `GENKITX_OTEL`: `true`/`1` on, `false`/`0`/empty off; anything else is a configuration mistake. */
export function telemetryFromEnv(env: NodeJS.ProcessEnv): boolean | undefined {
  const raw = env[TELEMETRY_ENV]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${TELEMETRY_ENV} must be true, false, 1 or 0, got "${env[TELEMETRY_ENV]}"`);
}

/** The options of an enabled setting, `undefined` when tracing is off. */
export function enabledTelemetry(setting: TelemetrySetting | undefined): TelemetryOptions | undefined {
  if (!setting) return undefined;
  return setting === true ? {} : setting;
}
