// Credentials never reach a run's history: the bearer tokens, App Check tokens, API keys and request headers that
// context providers (Genkit's `firebaseContext()`, `apiKey()`, custom middleware) put into an action context are
// removed before a run starts. The identity they proved stays: `auth.uid`, `auth.token` (decoded claims), `app.appId`.

/**
 * Keys removed wherever they occur in a context (compared case-insensitively): raw ID / App Check tokens
 * (`rawToken`), Genkit `apiKey()`'s `auth.apiKey`, Firebase's `instanceIdToken` and `firebaseApp` (a server app
 * holding the caller's tokens), OAuth-style tokens, and credential-carrying HTTP headers.
 */
export const CREDENTIAL_CONTEXT_KEYS: readonly string[] = [
  'rawToken',
  'apiKey',
  'instanceIdToken',
  'firebaseApp',
  'idToken',
  'accessToken',
  'refreshToken',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-firebase-appcheck',
  'firebase-instance-id-token',
];

const credentialKeys = new Set(CREDENTIAL_CONTEXT_KEYS.map((k) => k.toLowerCase()));
const MAX_DEPTH = 32;

/**
 * A copy of `context` without credentials (see `CREDENTIAL_CONTEXT_KEYS`), at any depth. Objects are copied as the
 * data converter would serialise them (own enumerable properties); values with `toJSON` (dates) are kept as they are.
 *
 * @example
 * ```ts
 * withoutCredentials({ auth: { uid: 'u1', token: { email: 'a@b.c' }, rawToken: 'eyJ…' } });
 * // → { auth: { uid: 'u1', token: { email: 'a@b.c' } } }
 * ```
 */
export function withoutCredentials<T extends Record<string, unknown> | undefined>(context: T): T {
  if (context === undefined || context === null) return context;
  return strip(context, 0) as T;
}

function strip(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return depth >= MAX_DEPTH ? value : value.map((v) => strip(v, depth + 1));
  if (!isJsonObject(value) || depth >= MAX_DEPTH) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!credentialKeys.has(key.toLowerCase())) copy[key] = strip(v, depth + 1);
  }
  return copy;
}

/** An object JSON would serialise through its own properties (not a date, buffer or anything with `toJSON`). */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
