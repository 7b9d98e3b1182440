// The worker wiring as a Temporal plugin, so `Worker.create({ plugins: [genkitWorkerPlugin()] })` gets what
// `startTemporalWorker` gets: the flow activities, the workflow code, fast-failover settings and the shutdown hook.
import type { ReplayWorkerOptions, Worker, WorkerOptions, WorkerPlugin } from '@temporalio/worker';
import { AttemptTracker } from './activities/attempt-tracker';
import { withBundleFailureConverter } from './bundle-failure-converter';
import { createFlowActivities } from './activities/flow-activities';
import { resolveContextTrust, type ContextTrustOptions } from '../identity/trust';
import { removeGenkitSignalHandlers } from './genkit-signals';
import { packageModulePath } from '../package-files';
import { listFlowNames } from './registry';
import { withCheckedWorkflows } from './workflow-exports';
import {
  assertWorkerVersioningAvailable,
  withWorkerVersioning,
  type WorkerVersioningOptions,
} from './worker-versioning';

/** Options of `genkitWorkerPlugin`. */
export interface GenkitWorkerPluginOptions {
  /** How long in-flight work may take to finish on shutdown, unless the worker options set it. @default '8s' */
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** Skip the check that the worker's own workflow code exports `runGenkitFlow`. @default false */
  skipWorkflowExportCheck?: boolean;
  /** Which run contexts (caller identities) to trust; see docs/security.md. @default signed ones when a key is set */
  contextTrust?: ContextTrustOptions;
  /**
   * Run the worker as a Worker Deployment Version (Worker Versioning): each flow's runs are then pinned to the
   * version that started them or move to the current one, by the flow's `versioning`. Off when unset (the worker
   * polls unversioned). The worker does not start when the server or namespace has no Worker Deployments.
   */
  versioning?: WorkerVersioningOptions;
}

/**
 * Temporal worker plugin that hosts this process's Genkit flows. Adds, unless the worker options say otherwise:
 * - the flow activities (`runGenkitFlowActivity`, `describeGenkitFlow`) beside yours;
 * - this package's workflow code when neither `workflowsPath` nor `workflowBundle` is given; your own workflow
 *   code must `export { runGenkitFlow } from 'genkitx-temporal/workflows'` (checked before the worker starts);
 * - `maxHeartbeatThrottleInterval: '1s'` and `stickyQueueScheduleToStartTimeout: '1s'` (fast cancellation and
 *   failover), `shutdownGraceTime: '8s'`;
 * - on shutdown (SIGTERM, `worker.shutdown()`), in-flight flow attempts fail at once as retryable, so another
 *   worker resumes them from the journal within about a second instead of after a heartbeat timeout.
 *
 * Use one plugin instance per worker.
 *
 * @example
 * ```ts
 * import { Worker } from '@temporalio/worker';
 * import { genkitWorkerPlugin } from 'genkitx-temporal';
 * import './flows'; // defines the Genkit flows
 *
 * const worker = await Worker.create({
 *   taskQueue: 'genkit',
 *   workflowsPath: require.resolve('./workflows'), // exports runGenkitFlow and your own workflows
 *   activities: myActivities,
 *   plugins: [genkitWorkerPlugin()],
 * });
 * await worker.run();
 * ```
 */
export class GenkitTemporalPlugin implements WorkerPlugin {
  readonly name = 'genkitx-temporal';
  private readonly pluginOptions: GenkitWorkerPluginOptions;
  /** Per worker: the tracker behind its flow activities, found again from the activity function in `runWorker`. */
  private readonly trackers = new WeakMap<object, AttemptTracker>();

  constructor(options: GenkitWorkerPluginOptions = {}) {
    this.pluginOptions = options;
  }

  // The worker's own plugin interface rather than @temporalio/plugin's SimplePlugin: SimplePlugin's
  // configureWorker is synchronous, and the workflow-export check needs to bundle first.
  async configureWorker(options: WorkerOptions): Promise<WorkerOptions> {
    const tracker = new AttemptTracker();
    // With external storage, a large output travels as a reference: no payload limit applies to it.
    const activities = createFlowActivities(tracker, {
      largeResults: !!options.dataConverter?.externalStorage,
      contextTrust: this.pluginOptions.contextTrust ?? {}, // resolved now: a bad key fails the worker's start
    });
    this.trackers.set(activities.runGenkitFlowActivity, tracker);
    const ownPath = defaultWorkflowsPath();
    let configured: WorkerOptions = {
      ...options,
      activities: { ...options.activities, ...activities },
      workflowsPath: options.workflowsPath ?? (options.workflowBundle ? undefined : ownPath),
      shutdownGraceTime: options.shutdownGraceTime ?? this.pluginOptions.shutdownGraceTime ?? '8s',
      // Cancellation reaches an activity only with a heartbeat reply; keep that within about a second.
      maxHeartbeatThrottleInterval: options.maxHeartbeatThrottleInterval ?? '1s',
      // A resumed attempt's first call (claiming the journal) is a workflow task, routed first to the sticky
      // queue of the worker that ran the workflow last. If that worker just stopped, the server waits this long
      // before giving the task to another worker; the SDK default of 10 s would stall every failover by that much.
      stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeout ?? '1s',
    };
    configured = withWorkerVersioning(configured, this.pluginOptions.versioning);
    const version = configured.workerDeploymentOptions?.version;
    if (this.pluginOptions.versioning && version && options.connection) {
      await assertWorkerVersioningAvailable(options.connection, options.namespace ?? 'default', version.deploymentName);
    }
    if (!this.pluginOptions.skipWorkflowExportCheck) configured = await withCheckedWorkflows(configured, ownPath);
    configured = await withBundleFailureConverter(configured);
    await warnWithoutFlows(options.taskQueue);
    warnIfContextsUnverified(this.pluginOptions.contextTrust);
    return configured;
  }

  configureReplayWorker(options: ReplayWorkerOptions): ReplayWorkerOptions {
    if (options.workflowsPath || options.workflowBundle) return options;
    return { ...options, workflowsPath: defaultWorkflowsPath() };
  }

  runWorker(worker: Worker, next: (w: Worker) => Promise<void>): Promise<void> {
    // Genkit's handlers would process.exit(0) mid-drain; the worker's runtime handles the signals itself.
    removeGenkitSignalHandlers();
    const tracker = this.trackers.get(worker.options.activities.get('runGenkitFlowActivity') ?? {});
    if (tracker) {
      // Every way a worker stops (the runtime's SIGTERM/SIGINT handler, a direct call, a fatal error) goes
      // through worker.shutdown(); the SDK has no other hook for "stopping".
      const shutdown = worker.shutdown.bind(worker);
      worker.shutdown = () => {
        try {
          shutdown(); // stop taking work first (the SDK then tells the server to route nothing more here)
        } finally {
          void failOverWhenWorkflowPollingStops(worker, tracker);
        }
      };
    }
    return next(worker);
  }
}

/** How long a stopping worker waits for its workflow polling to stop before it fails its attempts over anyway. */
const MAX_WAIT_FOR_WORKFLOW_POLLING_MS = 1_000;

/**
 * Fails this worker's flow attempts over once it takes no more workflow tasks. Each failed attempt creates a
 * workflow task (the activity's failure); aborted earlier, that task could be handed to this very worker, which
 * would exit without completing it, and the run would wait for the workflow-task timeout.
 */
async function failOverWhenWorkflowPollingStops(worker: Worker, tracker: AttemptTracker): Promise<void> {
  const deadline = Date.now() + MAX_WAIT_FOR_WORKFLOW_POLLING_MS;
  while (worker.getStatus().workflowPollerState === 'POLLING' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  tracker.abortAll();
}

/**
 * The worker plugin for Genkit flows; see `GenkitTemporalPlugin`.
 * @example
 * ```ts
 * const worker = await Worker.create({ connection, taskQueue: 'genkit', plugins: [genkitWorkerPlugin()] });
 * ```
 */
export function genkitWorkerPlugin(options?: GenkitWorkerPluginOptions): GenkitTemporalPlugin {
  return new GenkitTemporalPlugin(options);
}

async function warnWithoutFlows(taskQueue: string | undefined): Promise<void> {
  const names = await listFlowNames(); // also initialises Genkit plugins, so flows defined by plugins are found
  if (names.length) return;
  console.warn(
    `[genkitx-temporal] this worker (task queue "${taskQueue}") hosts no Genkit flows: runs sent to it fail with ` +
      'NOT_FOUND. Import the modules that define your flows (defineTemporalFlow, registerTemporalFlow, or a ' +
      'Genkit instance with the temporal() plugin) before creating the worker.',
  );
}

/** This package's workflow code (`runGenkitFlow`): a CommonJS file of this package, whichever build asks. */
export function defaultWorkflowsPath(): string {
  return packageModulePath('workflows/index');
}

/** A deployed worker (Cloud Run, NODE_ENV=production) without a context key trusts any asserted identity: say so. */
function warnIfContextsUnverified(options: ContextTrustOptions | undefined): void {
  const deployed = !!process.env.K_SERVICE || !!process.env.CLOUD_RUN_JOB || process.env.NODE_ENV === 'production';
  if (!deployed || resolveContextTrust(options ?? {}).ring) return;
  console.warn(
    '[genkitx-temporal] GENKITX_CONTEXT_KEYS is not set: this worker runs every flow with the context.auth its ' +
      'starter asserted, unverified. Set the same key on the workers and the front door (docs/security.md).',
  );
}
