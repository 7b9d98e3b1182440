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
import { resolveTemporalConfig, type TemporalConnectionOptions } from './config';
import { removeGenkitSignalHandlers } from './genkit-signals';
import { listFlowNames } from './registry';
import { telemetryBundleOptions, telemetryPlugins } from './telemetry/worker-wiring';
import { defaultWorkflowsPath, genkitWorkerPlugin } from './worker-plugin';
import type { ContextTrustOptions } from './identity/trust';

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
  // Genkit's handlers would process.exit(0) mid-drain; the worker handles the signals itself.
  removeGenkitSignalHandlers();
  await listFlowNames(); // initialises Genkit plugins, so flows defined by plugins are found
  const connection =
    options.connection ??
    (await NativeConnection.connect({
      address: config.address,
      apiKey: config.apiKey,
      tls: config.tls,
      metadata: config.metadata,
    }));
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
      genkitWorkerPlugin({ contextTrust: options.contextTrust }),
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
 * worker runs.
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
export function bundleFlowWorkflows(
  options: Partial<BundleOptions> & { dataConverter?: DataConverter; telemetry?: boolean } = {},
): Promise<{ code: string }> {
  const { dataConverter, telemetry, ...bundleOptions } = options;
  // Converters loaded by path run inside the workflow sandbox, so they are part of the bundle (an encrypted
  // failure converter in particular: without it, workflow failure messages reach history in plaintext).
  return bundleWorkflowCode({
    workflowsPath: defaultWorkflowsPath(),
    failureConverterPath: dataConverter?.failureConverterPath,
    payloadConverterPath: dataConverter?.payloadConverterPath,
    ...bundleOptions,
    ...telemetryBundleOptions(telemetry, bundleOptions),
  });
}
