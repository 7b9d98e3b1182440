// @ts-check
// The Firebase functions of the serverless kit: thin callables that start the example flows as durable Temporal
// runs and let their callers follow them. The flows run on long-lived workers (../cloudrun); this package only
// names them (`flowRef`: name + schemas), so it loads `@temporalio/client`, never the worker, the flows' code or
// Genkit itself. Nothing connects at import time: `firebase deploy` loads this module to read the manifest.
//
// Configuration (functions/.env, .env.<project> or .env.local; read on first call): TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TASK_QUEUE — see the library's config order.
const { getRequestListener } = require('@hono/node-server');
const { onRequest } = require('firebase-functions/v2/https');
const { z } = require('zod');
const { flowRef } = require('genkitx-temporal/client');
const { onCallFlow, onCallFlowRun } = require('genkitx-temporal/firebase');
const { createFlowApi, firebaseAuth } = require('genkitx-temporal/http');

/**
 * The demo's trip planner (examples/demo/flows.ts), by name, schemas and its config.temporal (which sets the
 * run's timeouts at start; a flowRef without it gets the short defaults of a flow the caller does not know).
 */
const tripPlanner = flowRef('tripPlanner', {
  inputSchema: z.object({ city: z.string(), days: z.number().int().min(1).max(14) }),
  outputSchema: z.object({ plan: z.string(), bookingId: z.string() }),
  streamSchema: z.string(),
  temporal: { retry: { maximumAttempts: 3 } },
});

/** Starts a trip plan for the signed-in user: `{ workflowId, runId }`, or the chunks and result when streamed. */
exports.planTrip = onCallFlow(tripPlanner, { timeoutSeconds: 300 });

/** Reads, streams (from an offset), answers or cancels the caller's own trip-planner runs. */
exports.tripPlannerRun = onCallFlowRun({ flows: [tripPlanner], timeoutSeconds: 300 });

/**
 * The same flows over HTTP (`genkitx-temporal/http`, Genkit's `runFlow` / `streamFlow` clients work against it),
 * for callers that are not Firebase SDK apps. Firebase ID tokens identify callers, so a run started through a
 * callable belongs to the same user here. firebase-admin is initialised on the first request, not at import.
 */
const idTokens = {
  verifyIdToken(idToken, checkRevoked) {
    const { getApps, initializeApp } = require('firebase-admin/app');
    const { getAuth } = require('firebase-admin/auth');
    return getAuth(getApps()[0] ?? initializeApp()).verifyIdToken(idToken, checkRevoked);
  },
};
const api = createFlowApi({ flows: [tripPlanner], auth: firebaseAuth({ auth: idTokens }) });
exports.api = onRequest({ timeoutSeconds: 300 }, getRequestListener(api.fetch));
