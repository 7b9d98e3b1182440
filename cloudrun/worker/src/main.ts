// The Cloud Run worker service: loads the user's flows, runs a Temporal worker for them with the prebuilt
// workflow bundle, serves health endpoints on $PORT, and on SIGTERM fails in-flight attempts over to other
// workers, drains and exits 0 before Cloud Run's SIGKILL (10 s after SIGTERM).
// First: turns on Node's compile cache (22.1+) before the heavy imports below.
import './compile-cache.js';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startTemporalWorker, startTracingFromEnv, type TemporalWorkerHandle } from 'genkitx-temporal';
import { startHealthServer } from './health.js';
import { workerSettingsFromEnv } from './settings.js';

/** Under Cloud Run's 10 s: in-flight work gets this long to finish after SIGTERM. */
const SHUTDOWN_GRACE = '8s';
/** If draining still has not finished by then, exit anyway (before SIGKILL, with a log line saying so). */
const HARD_EXIT_MS = 9_500;

const log = (severity: string, message: string, fields: object = {}) =>
  process.stdout.write(JSON.stringify({ severity, message, ...fields }) + '\n');

async function main() {
  const settings = workerSettingsFromEnv();
  if (settings.workflowBundlePath && !existsSync(settings.workflowBundlePath)) {
    const built = settings.tracing ? ' (with GENKITX_OTEL on: the traced bundle build-bundle writes)' : '';
    throw new Error(`worker: no workflow bundle at ${settings.workflowBundlePath}${built}`);
  }
  // Before the flows and the worker: the global tracer provider that Genkit's and Temporal's spans go to.
  const stopTracing = await startTracingFromEnv(settings.tracing);
  let handle: TemporalWorkerHandle | undefined;
  const health = settings.port
    ? await startHealthServer(settings.port, {
        state: () => handle?.worker.getState() ?? 'STARTING',
        identity: settings.identity,
        buildId: settings.buildId,
      })
    : undefined;

  // The flows register themselves when their module loads; the worker must start after that.
  await import(pathToFileURL(settings.flowsModule).href);
  handle = await startTemporalWorker({
    ...settings.temporal,
    workflowBundle: settings.workflowBundlePath ? { codePath: settings.workflowBundlePath } : undefined,
    telemetry: !!settings.tracing,
    shutdownGraceTime: SHUTDOWN_GRACE,
    // With TEMPORAL_WORKER_VERSIONING on: this revision is a version of the worker's Worker Deployment.
    versioning: settings.versioning,
    workerOptions: {
      identity: settings.identity,
      ...(settings.maxConcurrentActivities && {
        maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities,
      }),
    },
  });
  log('INFO', 'worker polling', {
    identity: settings.identity,
    buildId: settings.buildId,
    versioning: settings.versioning ?? null,
    port: settings.port ?? null,
    tracing: settings.tracing ?? null,
  });

  // startTemporalWorker handles SIGTERM itself (fail in-flight attempts, stop polling, drain); this only times it
  // and makes sure the process is gone before the SIGKILL.
  let stopSignalAt: number | undefined;
  process.once('SIGTERM', () => {
    stopSignalAt = Date.now();
    log('INFO', 'SIGTERM: draining', { identity: settings.identity });
    setTimeout(() => {
      log('ERROR', `still draining after ${HARD_EXIT_MS} ms; exiting before SIGKILL`);
      process.exit(1);
    }, HARD_EXIT_MS).unref();
  });

  await handle.done;
  await stopTracing(); // the last spans of the drained attempts
  await new Promise<void>((closed) => (health ? health.close(() => closed()) : closed()));
  log('INFO', 'worker stopped', { drainMs: stopSignalAt ? Date.now() - stopSignalAt : null });
  process.exit(0);
}

main().catch((err) => {
  log('ERROR', `worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
