// The front-door API service (Cloud Run): the Hono flow API over the light client, for the flows the worker
// service hosts. Starts runs and returns workflow IDs in milliseconds; polling, streaming, answering and
// cancelling go through the same routes. Loads no worker and no model plugin.
import { pathToFileURL } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { isFlowReference, startTracingFromEnv, type FlowRef } from 'genkitx-temporal/client';
import {
  bearerTokenAuth,
  createFlowApi,
  firebaseAuth,
  flowWebhook,
  iapAuth,
  parseSessionKeys,
  standardWebhooks,
  type ConsoleSignInOptions,
  type FlowApiEnv,
} from 'genkitx-temporal/http';
import type { MiddlewareHandler } from 'hono';
import { mountCodecServer } from './codec.js';
import { apiSettingsFromEnv, type ApiSettings } from './settings.js';

/**
 * What FLOWS_MODULE exports: the flow references, and optionally the data converter of every run the API starts
 * and reads (`createDataConverter` from genkitx-temporal/codec; without it, GENKITX_ENCRYPTION_KEYS decides).
 */
interface FlowsModule {
  flows?: FlowRef[];
  dataConverter?: DataConverter;
}

const log = (severity: string, message: string, fields: object = {}) =>
  process.stdout.write(JSON.stringify({ severity, message, ...fields }) + '\n');

/** `make()`, with a failure restated as the env variable to fix (the library's rule, the variable's name). */
function fromVariable<T>(name: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw new Error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function authFor(settings: ApiSettings): Promise<MiddlewareHandler<FlowApiEnv> | undefined> {
  if (settings.auth === 'none') return undefined;
  if (settings.auth === 'bearer') {
    return fromVariable('API_BEARER_TOKEN', () =>
      bearerTokenAuth({ tokens: { [settings.bearerToken!]: { id: 'bearer' } } }),
    );
  }
  if (settings.auth === 'iap') return fromVariable('IAP_AUDIENCE', () => iapAuth(settings.iap!));
  // firebase-admin only when Firebase auth is on; on Cloud Run it uses the service's own credentials.
  const { initializeApp, getApps } = await import('firebase-admin/app');
  const { getAuth } = await import('firebase-admin/auth');
  const app = getApps()[0] ?? initializeApp({ projectId: settings.firebaseProjectId });
  return firebaseAuth({ auth: getAuth(app) });
}

async function main() {
  const settings = apiSettingsFromEnv();
  // Before the app: the global tracer provider that the request and StartWorkflow spans go to.
  const stopTracing = await startTracingFromEnv(settings.tracing);
  const telemetry = !!settings.tracing;
  const { flows, dataConverter } = (await import(pathToFileURL(settings.flowsModule).href)) as FlowsModule;
  if (!Array.isArray(flows) || !flows.length) {
    throw new Error(`${settings.flowsModule} must export \`flows\`: the flowRef()s the API exposes`);
  }
  const temporal = { ...settings.temporal, dataConverter };
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  // The codec server (/codec) and webhooks first: they authenticate callers themselves (bearer token, signature),
  // not with the API's caller auth (which the flow API's middleware would otherwise demand of every later route).
  const codec = mountCodecServer(app, settings);
  if (settings.webhookSecret) {
    const verify = fromVariable('WEBHOOK_SECRET', () => standardWebhooks(settings.webhookSecret!));
    for (const flow of flows) {
      const name = typeof flow === 'string' ? flow : isFlowReference(flow) ? flow.name : flow.__action.name;
      app.post(`/hooks/${name}`, flowWebhook(flow, { verify, telemetry, ...temporal }));
    }
  }
  // The run console (/console) rides on the API, behind the same auth; with API_SESSION_KEYS people sign in to it
  // at /console/sign-in (a browser cannot send a bearer token).
  const signIn: ConsoleSignInOptions | undefined = settings.signIn && {
    sessionKeys: fromVariable('API_SESSION_KEYS', () =>
      parseSessionKeys(settings.signIn!.sessionKeys, 'API_SESSION_KEYS'),
    ),
    ...(settings.signIn.firebase ? { firebase: { config: settings.signIn.firebase } } : {}),
  };
  const auth = await authFor(settings);
  // Aborted on SIGTERM: open streams and waits end at once, each in a way its client recovers from (see below).
  const stopping = new AbortController();
  app.route(
    '/',
    createFlowApi({
      flows,
      auth,
      console: true,
      signIn,
      telemetry,
      shutdownSignal: stopping.signal,
      ...settings.streams,
      ...temporal,
    }),
  );
  const server = serve({ fetch: app.fetch, port: settings.port }, (info) =>
    log('INFO', 'api listening', {
      port: info.port,
      flows: flows.length,
      auth: settings.auth,
      consoleSignIn: settings.signIn ? (settings.signIn.firebase ? 'firebase' : 'token') : null,
      codec,
      streams: settings.streams,
      // What the workers must match: an API without the workers' keys cannot read their results (503 naming the
      // variable), and runs it starts unsigned are refused by workers that require signatures.
      encryption: settings.encryption,
      contextSigning: settings.contextSigning,
      tracing: settings.tracing ?? null,
    }),
  );
  // Cloud Run sends SIGTERM before stopping an instance: finish the requests in flight, then exit. Streams and
  // waits could outlast the 10 s Cloud Run gives; they end now (Genkit streams with a frame that says to re-attach,
  // SSE by closing so EventSource reconnects elsewhere), so no client is left on a connection cut without one.
  process.once('SIGTERM', () => {
    log('INFO', 'SIGTERM: closing');
    stopping.abort();
    server.close(() => void stopTracing().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 8_000).unref();
  });
}

main().catch((err) => {
  log('ERROR', `api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
