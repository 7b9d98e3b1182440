// @ts-check
// The Firebase functions of the kit: a callable per flow that starts it as a durable Temporal run, one that lets
// callers read, stream, answer and cancel their own runs, and the same flows over HTTP. The flows run on the worker
// (../cloudrun/worker); this codebase knows them only from flows.json, the manifest the worker writes (`npm run
// manifest` there: each flow's name, input JSON Schema and config.temporal). So it loads @temporalio/client, never
// the worker, Genkit or your flows' code, and installs small. Nothing connects at import time: `firebase deploy`
// loads this module to read what it exports.
//
// Settings (functions/.env, .env.<project>; .env.local in the emulator): TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_TASK_QUEUE. Secrets (`firebase functions:secrets:set NAME`; functions/.secret.local in the emulator):
// below.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { getRequestListener } = require('@hono/node-server');
const { defineSecret } = require('firebase-functions/params');
const { onRequest } = require('firebase-functions/v2/https');
const { flowRefsFrom } = require('genkitx-temporal/client');
const { onCallFlow, onCallFlowRun } = require('genkitx-temporal/firebase');
const { createFlowApi, firebaseAuth } = require('genkitx-temporal/http');

/**
 * The secrets the library reads, declared so that a deployed function gets them (a function sees only the
 * secrets it declares; the emulator hands every one in .secret.local to every function, so it cannot catch a
 * missing declaration). GENKITX_CONTEXT_KEYS signs each run's caller for workers that verify it: without it their
 * runs are refused. GENKITX_ENCRYPTION_KEYS encrypts inputs and reads encrypted results. TEMPORAL_API_KEY
 * authenticates to Temporal Cloud (on a Temporal without API keys, remove it here).
 */
const secrets = ['GENKITX_CONTEXT_KEYS', 'GENKITX_ENCRYPTION_KEYS', 'TEMPORAL_API_KEY'].map((name) =>
  defineSecret(name),
);

/** The options of every function: the secrets, and room for a caller that waits for a run (`?wait=true`). */
const options = { secrets, timeoutSeconds: 300 };

const manifestFile = join(__dirname, 'flows.json');
if (!existsSync(manifestFile)) {
  throw new Error(`${manifestFile} not found: write it with \`npm run manifest\` in the worker (cloudrun/worker)`);
}
const flows = flowRefsFrom(readFileSync(manifestFile, 'utf8'));

/** The functions besides the flows' callables, by export name. */
const RESERVED = ['flowRuns', 'api'];

/**
 * One callable per flow, named after it: `httpsCallable(functions, '<flow name>')({ … })` starts a run and answers
 * `{ workflowId, runId }` (or streams its chunks and result) for the signed-in user.
 */
for (const flow of flows) {
  // A function's name is its export name: letters, digits, '-' and '_', starting with a letter, at most 63.
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(flow.name) || RESERVED.includes(flow.name)) {
    throw new Error(
      `flows.json: the flow "${flow.name}" cannot be a function's name; export its callable by hand under another: ` +
        'exports.myName = onCallFlow(flowRef, options)',
    );
  }
  /** @type {Record<string, unknown>} */ (exports)[flow.name] = onCallFlow(flow, options);
}

/** Reads, streams (from an offset), answers or cancels the caller's own runs of these flows. */
exports.flowRuns = onCallFlowRun({ flows, ...options });

/**
 * The same flows over HTTP (`genkitx-temporal/http`; Genkit's `runFlow` / `streamFlow` clients work against it),
 * for callers that are not Firebase SDK apps. Firebase ID tokens identify callers, so a run started through a
 * callable belongs to the same user here. firebase-admin is initialised on the first request, not at import.
 */
const idTokens = {
  /** @param {string} idToken @param {boolean | undefined} checkRevoked */
  verifyIdToken(idToken, checkRevoked) {
    const { getApps, initializeApp } = require('firebase-admin/app');
    const { getAuth } = require('firebase-admin/auth');
    return getAuth(getApps()[0] ?? initializeApp()).verifyIdToken(idToken, checkRevoked);
  },
};
const api = createFlowApi({ flows, auth: firebaseAuth({ auth: idTokens }) });
exports.api = onRequest(options, getRequestListener(api.fetch));
