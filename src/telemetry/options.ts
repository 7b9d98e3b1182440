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
  /**
   * Export user data in spans even though payloads are encrypted: Genkit's input/output attributes (prompts,
   * tool results, answers) and error texts. Spans go to another store with other readers (docs/security.md).
   * Also `GENKITX_OTEL_USER_DATA=true`. See `tracesCarryUserData` and `redactingSpanProcessor`.
   * @default false (redacted whenever payloads are encrypted)
   */
  userData?: boolean;
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
  return booleanEnv(env, TELEMETRY_ENV);
}

/** The environment variable that opts in to user data in spans when payloads are encrypted. */
export const TELEMETRY_USER_DATA_ENV = 'GENKITX_OTEL_USER_DATA';

/** `GENKITX_OTEL_USER_DATA`: `true`/`1` opts in, `false`/`0`/empty does not; anything else is a mistake. */
export function telemetryUserDataFromEnv(env: NodeJS.ProcessEnv): boolean | undefined {
  return booleanEnv(env, TELEMETRY_USER_DATA_ENV);
}

function booleanEnv(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true, false, 1 or 0, got "${env[name]}"`);
}

/** The options of an enabled setting, `undefined` when tracing is off. */
export function enabledTelemetry(setting: TelemetrySetting | undefined): TelemetryOptions | undefined {
  if (!setting) return undefined;
  return setting === true ? {} : setting;
}
