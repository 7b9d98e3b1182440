// The API service's settings, read only through the env contract (API_ENV from genkitx-temporal/http: what the
// Terraform templates set, plus the platform variables Cloud Run sets).
import { isAbsolute, resolve } from 'node:path';
import { API_ENV } from 'genkitx-temporal/http';

/** Every variable the API reads: the env contract's (the package owns the names; this folder is copied out). */
export const API_ENV_NAMES = [...API_ENV.set, ...API_ENV.secrets, ...API_ENV.platform] as const;

export type ApiEnv = { [K in (typeof API_ENV_NAMES)[number]]?: string };

/**
 * How callers prove who they are: Firebase ID tokens, one static bearer token, IAP's signed assertion (the service
 * behind Identity-Aware Proxy), or nothing (private networks).
 */
export type ApiAuthMode = 'firebase' | 'bearer' | 'iap' | 'none';

/** The Firebase web app config the console's sign-in page signs in with (FIREBASE_WEB_CONFIG). */
export interface FirebaseWebConfig {
  apiKey: string;
  authDomain: string;
  projectId?: string;
}

export interface ApiSettings {
  temporal: { address?: string; namespace?: string; taskQueue?: string; apiKey?: string };
  /** Module exporting `flows`: the flow references (`flowRef`) the API exposes. */
  flowsModule: string;
  auth: ApiAuthMode;
  firebaseProjectId?: string;
  bearerToken?: string;
  /**
   * Console sign-in (API_SESSION_KEYS, with bearer or Firebase auth): the keys that sign session cookies, and with
   * Firebase the web config of the sign-in page.
   */
  signIn?: { sessionKeys: string; firebase?: FirebaseWebConfig };
  /** With API_AUTH=iap: the audience(s) IAP signs for, and where its keys are read. */
  iap?: { audience: string[]; keySetUrl?: string };
  /** Standard Webhooks secret (`whsec_…`): enables `POST /hooks/:flow`. */
  webhookSecret?: string;
  /** The codec server at `/codec` (POST /codec/encode, /codec/decode), when its bearer token is set. */
  codec?: { token: string; uiOrigins: string[] };
  port: number;
  /**
   * Open streams (`/runs/:id/events`, Genkit streams) one caller, and the whole instance, may hold at once
   * (API_MAX_STREAMS_PER_CALLER, API_MAX_STREAMS); unset: the library's defaults (20 and 500).
   */
  streams: { maxStreamsPerCaller?: number; maxStreams?: number };
  /** GENKITX_ENCRYPTION_KEYS is set: payloads are encrypted and decrypted here (reported at start-up). */
  encryption: boolean;
  /** GENKITX_CONTEXT_KEYS is set: each run's caller identity is signed here (reported at start-up). */
  contextSigning: boolean;
  /**
   * Present when GENKITX_OTEL turns tracing on: the NodeSDK's service name, (for the log) the OTLP endpoint, and
   * whether GENKITX_OTEL_USER_DATA opts in to user data in spans when payloads are encrypted (else redacted).
   */
  tracing?: { serviceName: string; otlpEndpoint?: string; userDataOptIn: boolean };
}

/** Only the contract's names, as a typed record. */
export function readApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  return Object.fromEntries(API_ENV_NAMES.map((name) => [name, env[name] || undefined])) as ApiEnv;
}

/** Settings from the environment; throws a message naming the variable when one is missing or wrong. */
export function apiSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const e = readApiEnv(env);
  if (!e.FLOWS_MODULE) throw new Error("FLOWS_MODULE is not set: the module that exports the API's `flows`");
  const auth = (e.API_AUTH ?? 'firebase') as ApiAuthMode;
  if (!['firebase', 'bearer', 'iap', 'none'].includes(auth)) {
    throw new Error(`API_AUTH must be firebase, bearer, iap or none, got "${e.API_AUTH}"`);
  }
  if (auth === 'bearer' && !e.API_BEARER_TOKEN) throw new Error('API_AUTH=bearer needs API_BEARER_TOKEN');
  if (auth === 'iap' && !e.IAP_AUDIENCE) {
    throw new Error(
      'API_AUTH=iap needs IAP_AUDIENCE: /projects/PROJECT_NUMBER/locations/REGION/services/SERVICE (Cloud Run with IAP) or /projects/PROJECT_NUMBER/global/backendServices/ID (load balancer)',
    );
  }
  const firebaseWeb = e.FIREBASE_WEB_CONFIG ? firebaseWebConfig(e.FIREBASE_WEB_CONFIG) : undefined;
  if (firebaseWeb && auth !== 'firebase') throw new Error(`FIREBASE_WEB_CONFIG is for API_AUTH=firebase, got ${auth}`);
  if (firebaseWeb && !e.API_SESSION_KEYS) {
    throw new Error('FIREBASE_WEB_CONFIG turns on Firebase sign-in in the console, which needs API_SESSION_KEYS');
  }
  // The codec server decrypts with the API's keys: without them it could only fail every request.
  if (e.CODEC_SERVER_TOKEN && !e.GENKITX_ENCRYPTION_KEYS) {
    throw new Error(
      "CODEC_SERVER_TOKEN turns on the codec server, which decrypts with GENKITX_ENCRYPTION_KEYS: set it to the workers' keys (or unset CODEC_SERVER_TOKEN)",
    );
  }
  const port = Number(e.PORT ?? 8080);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, got "${e.PORT}"`);
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
    },
    flowsModule: isAbsolute(e.FLOWS_MODULE) ? e.FLOWS_MODULE : resolve(e.FLOWS_MODULE),
    auth,
    firebaseProjectId: e.FIREBASE_PROJECT_ID,
    bearerToken: e.API_BEARER_TOKEN,
    // Sessions stand in for a token a browser cannot send; behind IAP the proxy signs people in itself.
    signIn:
      e.API_SESSION_KEYS && (auth === 'bearer' || auth === 'firebase')
        ? { sessionKeys: e.API_SESSION_KEYS, ...(firebaseWeb ? { firebase: firebaseWeb } : {}) }
        : undefined,
    iap:
      auth === 'iap'
        ? { audience: list(e.IAP_AUDIENCE), ...(e.IAP_JWKS_URL ? { keySetUrl: e.IAP_JWKS_URL } : {}) }
        : undefined,
    webhookSecret: e.WEBHOOK_SECRET,
    codec: e.CODEC_SERVER_TOKEN ? { token: e.CODEC_SERVER_TOKEN, uiOrigins: origins(e.CODEC_UI_ORIGIN) } : undefined,
    port,
    streams: {
      maxStreamsPerCaller: streamLimit('API_MAX_STREAMS_PER_CALLER', e.API_MAX_STREAMS_PER_CALLER),
      maxStreams: streamLimit('API_MAX_STREAMS', e.API_MAX_STREAMS),
    },
    encryption: !!e.GENKITX_ENCRYPTION_KEYS,
    contextSigning: !!e.GENKITX_CONTEXT_KEYS,
    tracing: tracingOn(e.GENKITX_OTEL)
      ? {
          serviceName: e.OTEL_SERVICE_NAME || e.K_SERVICE || 'genkit-api',
          otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
          userDataOptIn: userDataOptIn(e.GENKITX_OTEL_USER_DATA),
        }
      : undefined,
  };
}

/** A stream limit: a whole number of at least 1, or unset for the library's default. */
function streamLimit(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of streams, at least 1, got "${raw}"`);
  }
  return value;
}

/** GENKITX_OTEL, by the library's rule: `true`/`1` on, `false`/`0`/unset off, anything else an error. */
function tracingOn(raw: string | undefined): boolean {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`GENKITX_OTEL must be true, false, 1 or 0, got "${raw}"`);
}

/** A comma-separated list, trimmed, without empty entries. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

/** FIREBASE_WEB_CONFIG: the web app's config as the Firebase console shows it, as JSON. */
function firebaseWebConfig(raw: string): FirebaseWebConfig {
  let config: Partial<FirebaseWebConfig> | undefined;
  try {
    config = JSON.parse(raw) as Partial<FirebaseWebConfig>;
  } catch {
    config = undefined;
  }
  if (!config || typeof config.apiKey !== 'string' || typeof config.authDomain !== 'string') {
    throw new Error(
      'FIREBASE_WEB_CONFIG must be JSON with apiKey and authDomain, as in the Firebase console (Project settings → Your apps): {"apiKey":"…","authDomain":"PROJECT.firebaseapp.com"}',
    );
  }
  return { apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId };
}

/** `CODEC_UI_ORIGIN`: comma-separated origins of the Temporal Web UI (e.g. `https://cloud.temporal.io`). */
function origins(value: string | undefined): string[] {
  const origins = list(value);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`CODEC_UI_ORIGIN must list origins like https://cloud.temporal.io, got "${origin}"`);
    }
  }
  return origins;
}

/** GENKITX_OTEL_USER_DATA: `true`/`1` opts in to user data in spans; `false`/`0`/unset does not. */
function userDataOptIn(raw: string | undefined): boolean {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`GENKITX_OTEL_USER_DATA must be true, false, 1 or 0, got "${raw}"`);
}
