// The API service's settings, read only through the env contract (`cloudrun/env.ts`: API_ENV plus the platform
// variables Cloud Run sets).
import { isAbsolute, resolve } from 'node:path';

export const API_ENV_NAMES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_API_KEY',
  'FLOWS_MODULE',
  'API_AUTH',
  'FIREBASE_PROJECT_ID',
  'API_BEARER_TOKEN',
  'WEBHOOK_SECRET',
  'CODEC_SERVER_TOKEN',
  'CODEC_UI_ORIGIN',
  // Set by Cloud Run.
  'PORT',
] as const;

export type ApiEnv = { [K in (typeof API_ENV_NAMES)[number]]?: string };

/** How callers prove who they are: Firebase ID tokens, one static bearer token, or nothing (private networks). */
export type ApiAuthMode = 'firebase' | 'bearer' | 'none';

export interface ApiSettings {
  temporal: { address?: string; namespace?: string; taskQueue?: string; apiKey?: string };
  /** Module exporting `flows`: the flow references (`flowRef`) the API exposes. */
  flowsModule: string;
  auth: ApiAuthMode;
  firebaseProjectId?: string;
  bearerToken?: string;
  /** Standard Webhooks secret (`whsec_…`): enables `POST /hooks/:flow`. */
  webhookSecret?: string;
  /** The codec server at `/codec` (POST /codec/encode, /codec/decode), when its bearer token is set. */
  codec?: { token: string; uiOrigins: string[] };
  port: number;
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
  if (!['firebase', 'bearer', 'none'].includes(auth)) {
    throw new Error(`API_AUTH must be firebase, bearer or none, got "${e.API_AUTH}"`);
  }
  if (auth === 'bearer' && !e.API_BEARER_TOKEN) throw new Error('API_AUTH=bearer needs API_BEARER_TOKEN');
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
    webhookSecret: e.WEBHOOK_SECRET,
    codec: e.CODEC_SERVER_TOKEN ? { token: e.CODEC_SERVER_TOKEN, uiOrigins: origins(e.CODEC_UI_ORIGIN) } : undefined,
    port,
  };
}

/** `CODEC_UI_ORIGIN`: comma-separated origins of the Temporal Web UI (e.g. `https://cloud.temporal.io`). */
function origins(value: string | undefined): string[] {
  const list = (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`CODEC_UI_ORIGIN must list origins like https://cloud.temporal.io, got "${origin}"`);
    }
  }
  return list;
}
