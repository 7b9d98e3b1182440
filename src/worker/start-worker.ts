// startTemporalWorker: a Temporal worker that hosts this process's Genkit flows. A preset over the worker
// plugin (worker-plugin.ts): it opens the connection, adds the plugin and handles the process signals.
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type BundleOptions,
  type WorkerOptions,
} from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { resolveTemporalConfig, type ResolvedTemporalConfig, type TemporalConnectionOptions } from '../client/config';
import { removeGenkitSignalHandlers } from './genkit-signals';
import { listFlowNames } from './registry';
import { telemetryBundleOptions, telemetryPlugins } from '../telemetry/worker-wiring';
import { defaultWorkflowsPath, genkitWorkerPlugin } from './worker-plugin';
import { sealWorkflowBundle } from './workflow-bundle-seal';
import { exportedWorkflowNames, WorkflowNotExportedError } from './workflow-exports';
import { WORKFLOW_TYPE } from '../common/defaults';
import type { ContextTrustOptions } from '../identity/trust';
import type { WorkerVersioningOptions } from './worker-versioning';

/** Options of `startTemporalWorker`. Connection settings follow the order in `config.ts`. */
export interface TemporalWorkerOptions extends TemporalConnectionOptions {
  /** Workflow code to load; defaults to this package's workflows (`runGenkitFlow`). */
  workflowsPath?: string;
  /** A prebuilt bundle from `bundleWorkflowCode` (faster start; use in production). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Your own activities, registered beside the flow activities. */
  activities?: Record<string, (...args: any[]) => unknown>;
  /** Use this connection instead of opening one (it is then not closed by `shutdown()`). */
  connection?: NativeConnection;
  /** How long in-flight work may take to finish on shutdown. @default '8s' (Cloud Run gives 10 s) */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** Any other `Worker.create` option; wins over the above. */
  workerOptions?: Partial<WorkerOptions>;
  /** Stop gracefully on SIGTERM / SIGINT. @default true */
  handleSignals?: boolean;
  /** Which run contexts (caller identities) to trust; see docs/security.md. @default signed ones when a key is set */
  contextTrust?: ContextTrustOptions;
  /**
   * Run as a Worker Deployment Version: `{ deploymentName, buildId }` (see docs/versioning.md). Off when unset.
   * @throws WorkerVersioningConfigError on a half-set configuration (no build ID), or set twice (with
   * `workerOptions.workerDeploymentOptions`); WorkerVersioningUnavailableError when the namespace has no Worker
   * Deployments.
   */
  versioning?: WorkerVersioningOptions;
}

/** A running worker. */
export interface TemporalWorkerHandle {
  worker: Worker;
  /** Fails in-flight flow attempts over to other workers, drains, stops, and closes the owned connection. */
  shutdown(): Promise<void>;
  /** Settles when the worker has stopped (rejects if it crashed). */
  done: Promise<void>;
}

/**
 * Starts a worker for the Genkit flows of this process. Call it after defining your flows.
 *
 * @example
 * ```ts
 * const ai = genkit({ plugins: [temporal()] });
 * defineTemporalFlow(ai, 'jokeFlow', async (topic: string) => (await ai.generate(topic)).text);
 * const { done } = await startTemporalWorker();
 * await done; // SIGTERM drains and resolves
 * ```
 */
export async function startTemporalWorker(options: TemporalWorkerOptions = {}): Promise<TemporalWorkerHandle> {
  const config = resolveTemporalConfig(options);
  // The connection opens on the core's own threads while this one initialises Genkit: a cold start waits for
  // the longer of the two, not their sum. Marked handled now; a failure is thrown below, where it is awaited.
  const connecting =
    options.connection ??
    NativeConnection.connect({
      address: config.address,
      apiKey: config.apiKey,
      tls: config.tls,
      metadata: config.metadata,
    });
  void Promise.resolve(connecting).catch(() => undefined);
  let connection: NativeConnection | undefined;
  try {
    // Genkit's handlers would process.exit(0) mid-drain; the worker handles the signals itself.
    removeGenkitSignalHandlers();
    await listFlowNames(); // initialises Genkit plugins, so flows defined by plugins are found
    connection = await connecting;
    return await runWorkerOn(connection, config, options);
  } catch (err) {
    // A worker that could not be created must not leave the connection it opened behind (it keeps the process up).
    if (!options.connection) {
      if (connection) await connection.close().catch(() => undefined);
      else
        void Promise.resolve(connecting)
          .then((opened) => opened.close())
          .catch(() => undefined);
    }
    throw err;
  }
}

async function runWorkerOn(
  connection: NativeConnection,
  config: ResolvedTemporalConfig,
  options: TemporalWorkerOptions,
): Promise<TemporalWorkerHandle> {
  const bundleOrPath = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: options.workflowsPath ?? defaultWorkflowsPath() };
  const { plugins = [], ...workerOptions } = options.workerOptions ?? {};
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    ...bundleOrPath,
    dataConverter: config.dataConverter,
    activities: options.activities,
    shutdownGraceTime: options.shutdownGraceTime,
    ...workerOptions,
    plugins: [
      ...telemetryPlugins(config.telemetry),
      genkitWorkerPlugin({ contextTrust: options.contextTrust, versioning: options.versioning }),
      ...plugins,
    ],
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      // The plugin's shutdown hook fails in-flight flow attempts over to other workers first.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done.catch(() => undefined);
    })();
    return stopping;
  };
  const onSignal = () => void shutdown();
  if (options.handleSignals !== false) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  const done = worker.run().finally(async () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (!options.connection) await connection.close();
  });
  return { worker, shutdown, done };
}

/**
 * Prebuilds this package's workflow code, for `startTemporalWorker({ workflowBundle })`: a worker then starts
 * without bundling (seconds saved on every cold start). Build it with the same `@temporalio/worker` version the
 * worker runs. The bundle carries the result of the worker's export check (sealed to its code by a SHA-256), so
 * the worker need not load it an extra time to check it; throws `WorkflowNotExportedError` when the workflow code
 * does not export `runGenkitFlow`.
 *
 * @example
 * ```ts
 * const { code } = await bundleFlowWorkflows();
 * await writeFile('workflow-bundle.js', code); // at build time
 * await startTemporalWorker({ workflowBundle: { codePath: 'workflow-bundle.js' } }); // at run time
 * // With encryption: bundleFlowWorkflows({ dataConverter }) with the dataConverter the worker gets.
 * // For a worker with `telemetry` on: bundleFlowWorkflows({ telemetry: true }) (the workflow interceptors).
 * ```
 */
export async function bundleFlowWorkflows(
  options: Partial<BundleOptions> & { dataConverter?: DataConverter; telemetry?: boolean } = {},
): Promise<{ code: string }> {
  const { dataConverter, telemetry, ...bundleOptions } = options;
  // Converters loaded by path run inside the workflow sandbox, so they are part of the bundle (an encrypted
  // failure converter in particular: without it, workflow failure messages reach history in plaintext).
  const bundled = await bundleWorkflowCode({
    workflowsPath: defaultWorkflowsPath(),
    failureConverterPath: dataConverter?.failureConverterPath,
    payloadConverterPath: dataConverter?.payloadConverterPath,
    ...bundleOptions,
    ...telemetryBundleOptions(telemetry, bundleOptions),
  });
  // The export check a worker runs on its bundle, done here once and sealed into it: a cold start from this
  // bundle then skips loading it an extra time (workflow-bundle-seal.ts). Missing runGenkitFlow fails the build.
  const source = bundleOptions.workflowsPath ?? 'bundleFlowWorkflows';
  const names = exportedWorkflowNames(bundled.code);
  if (names === undefined) return bundled; // cannot load outside a workflow: the worker warns at start, as before
  if (!names.includes(WORKFLOW_TYPE)) throw new WorkflowNotExportedError(source, names);
  return { ...bundled, code: sealWorkflowBundle(bundled.code, names) };
}
