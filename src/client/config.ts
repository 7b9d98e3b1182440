// Where connection settings come from. Resolution order, first match wins:
//   1. options passed to the call (`executeFlowWorkflow`, `startTemporalWorker`, …)
//   2. options given to the `temporal()` Genkit plugin
//   3. environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
//      TEMPORAL_CONNECT_TIMEOUT, …
//   4. the envconfig profile file (temporal.toml; TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE choose it)
//   5. defaults: localhost:7233, namespace `default`, task queue `genkit`
import { loadClientConnectConfig, type ConfigDataSource } from '@temporalio/envconfig';
import type { Metadata, TLSConfig } from '@temporalio/client';
import type { DataConverter, Duration } from '@temporalio/common';
import { dataConverterFromEnv } from '../codec/data-converter';
import { DEFAULT_ADDRESS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../common/defaults';
import { msFromDuration } from '../common/retry-math';
import { processState } from '../common/process-state';
import { telemetryFromEnv, telemetryUserDataFromEnv, type TelemetrySetting } from '../telemetry/options';

/** How to reach Temporal. Every field is optional; see the resolution order above. */
export interface TemporalConnectionOptions {
  /** `host:port` of the Temporal frontend. @default 'localhost:7233' */
  address?: string;
  /** @default 'default' */
  namespace?: string;
  /** @default 'genkit' */
  taskQueue?: string;
  /** Temporal Cloud API key; implies TLS. */
  apiKey?: string;
  /** `true` for TLS with system roots, or certificates for mTLS. */
  tls?: boolean | TLSConfig;
  /** Extra gRPC metadata sent with every call. */
  metadata?: Metadata;
  /** envconfig profile name. @default process.env.TEMPORAL_PROFILE ?? 'default' */
  profile?: string;
  /** Where the envconfig TOML comes from instead of the default file location. */
  configSource?: ConfigDataSource;
  /**
   * How long a client waits for the server before failing (e.g. `'3s'`, or ms). Also `TEMPORAL_CONNECT_TIMEOUT`.
   * @default '3s'
   */
  connectTimeout?: Duration;
  /**
   * Payload codecs (encryption), failure converter and external storage, applied by the cached client and the
   * worker alike; build it with `createDataConverter` from `genkitx-temporal/codec`.
   * @default encryption when GENKITX_ENCRYPTION_KEYS is set, else none
   */
  dataConverter?: DataConverter;
  /**
   * Trace runs with OpenTelemetry (docs/observability.md): `true`, or options for the workflow spans.
   * @default GENKITX_OTEL=true turns it on; off otherwise (nothing OpenTelemetry is loaded then)
   */
  telemetry?: TelemetrySetting;
}

/** Settings after resolution; `address`, `namespace` and `taskQueue` are always set. */
export interface ResolvedTemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: boolean | TLSConfig;
  metadata?: Metadata;
  /** Milliseconds a client waits for the server before failing. */
  connectTimeoutMs: number;
  dataConverter?: DataConverter;
  telemetry?: TelemetrySetting;
}

// Shared by the package's CJS and ESM builds when an app loads both.
const plugin = processState('pluginDefaults', () => ({ defaults: {} as TemporalConnectionOptions }));

/** @internal Called by the `temporal()` plugin. */
export function setPluginDefaults(options: TemporalConnectionOptions): void {
  plugin.defaults = { ...options };
}

/**
 * Resolves connection settings: call options > plugin options > environment > profile file > defaults.
 * @param env the environment to read (tests pass their own)
 */
export function resolveTemporalConfig(
  options: TemporalConnectionOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedTemporalConfig {
  const given = { ...plugin.defaults, ...defined(options) };
  const fromEnvAndFile = loadClientConnectConfig({
    profile: given.profile,
    configSource: given.configSource,
    overrideEnvVars: envconfigVars(env),
  });
  const conn = fromEnvAndFile.connectionOptions;
  const apiKey = given.apiKey ?? (typeof conn.apiKey === 'string' ? conn.apiKey : undefined);
  return {
    address: given.address ?? conn.address ?? DEFAULT_ADDRESS,
    namespace: given.namespace ?? fromEnvAndFile.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: given.taskQueue ?? env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    apiKey,
    tls: given.tls ?? conn.tls ?? (apiKey ? true : undefined),
    metadata: given.metadata ?? conn.metadata,
    connectTimeoutMs: msFromDuration(
      given.connectTimeout ?? envDuration(env.TEMPORAL_CONNECT_TIMEOUT) ?? DEFAULT_CONNECT_TIMEOUT,
    ),
    dataConverter: given.dataConverter ?? dataConverterFromEnv(env),
    telemetry: withUserDataFromEnv(given.telemetry ?? telemetryFromEnv(env) ?? false, env),
  };
}

/** GENKITX_OTEL_USER_DATA fills `userData` of an enabled setting that does not say. */
function withUserDataFromEnv(setting: TelemetrySetting, env: NodeJS.ProcessEnv): TelemetrySetting {
  if (!setting) return setting;
  const userData = telemetryUserDataFromEnv(env);
  if (userData === undefined) return setting;
  const options = setting === true ? {} : setting;
  return options.userData === undefined ? { ...options, userData } : setting;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The variables the envconfig loader reads (TEMPORAL_*, and where its default profile file lives), set ones only.
 * Runs on every start, status read and client lookup: reading every variable of process.env (each read crosses
 * into C++) took 0.1–0.3 ms a call, more than the rest of the resolution; listing the names is cheap.
 */
function envconfigVars(env: NodeJS.ProcessEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const name of Object.keys(env)) {
    if (!name.startsWith('TEMPORAL_') && !CONFIG_DIR_VARS.has(name)) continue;
    const value = env[name];
    if (typeof value === 'string') vars[name] = value;
  }
  return vars;
}
const CONFIG_DIR_VARS = new Set(['HOME', 'APPDATA', 'XDG_CONFIG_HOME']);

/** `'3s'`, `'2 minutes'`, or a plain number of milliseconds. */
function envDuration(value: string | undefined): Duration | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : (value as Duration);
}
