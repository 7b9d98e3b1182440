// Worker side of tracing: Temporal's workflow and activity interceptors, the sink that exports the workflow
// spans, and Genkit's own spans (flow, generate, model, tool) joined to the activity span.
import { readFileSync } from 'node:fs';
import type { ActivityInterceptorsFactory, ReplayWorkerOptions, WorkerOptions, WorkerPlugin } from '@temporalio/worker';
import type { FlowActivityRequest } from '../common/types';
import type { TelemetryOptions } from './options';
import { joinGenkitSpansToActiveContext } from './genkit-tracing';
import { loadOtelApi, loadOtelResources, loadTemporalOtel, temporalOtelWorkflowModule } from './load';
import { RegisteredProviderSpanProcessor, registeredSdkProvider } from './registered-provider';

/** Part of the module path webpack keeps in a bundle that holds Temporal's OpenTelemetry workflow interceptors. */
const OTEL_WORKFLOW_MODULE_MARK = 'interceptors-opentelemetry/lib/workflow-interceptors';

/**
 * Span attributes this library adds to the activity span of a flow attempt: the flow's name, the flow attempt
 * (retries count, attempts lost to a worker shutdown or crash do not) and which of the run's activities this is
 * (1, 2, … in the run; every failover adds one). A failed-over attempt and the activity that ran it again share
 * their attempt number and differ in their activity number: the `attempt <activity>.<flow attempt>` of the
 * journal's Update IDs.
 */
export const FLOW_SPAN_ATTRIBUTES = {
  flowName: 'genkit.flow.name',
  flowAttempt: 'genkit.flow.attempt',
  flowActivity: 'genkit.flow.activity',
} as const;

/**
 * Temporal worker plugin that traces runs with OpenTelemetry (what `startTemporalWorker({ telemetry: true })`
 * adds). Put it before `genkitWorkerPlugin()`. With a prebuilt `workflowBundle`, build the bundle with
 * `bundleFlowWorkflows({ telemetry: true })` so it holds the workflow interceptors.
 *
 * @example
 * ```ts
 * new NodeSDK().start(); // or any registered tracer provider; exporter from the OTEL_* variables
 * const worker = await Worker.create({ taskQueue: 'genkit', plugins: [telemetryWorkerPlugin(), genkitWorkerPlugin()] });
 * ```
 */
export function telemetryWorkerPlugin(options: TelemetryOptions = {}): WorkerPlugin {
  return {
    name: 'genkitx-temporal-telemetry',
    configureWorker: (o: WorkerOptions) => withTracing(o, options, true),
    configureReplayWorker: (o: ReplayWorkerOptions) => withTracing(o, options, false),
  };
}

function withTracing<T extends WorkerOptions | ReplayWorkerOptions>(
  workerOptions: T,
  options: TelemetryOptions,
  live: boolean,
): T {
  const otel = loadTemporalOtel();
  const { trace } = loadOtelApi();
  joinGenkitSpansToActiveContext();
  if (!options.spanProcessor && !registeredSdkProvider()) {
    console.warn(
      '[genkitx-temporal] tracing is on but no OpenTelemetry SDK tracer provider is registered (or it does not ' +
        'expose its span processor): workflow spans are dropped until one is. Register one before the worker ' +
        'starts (e.g. new NodeSDK().start() from @opentelemetry/sdk-node), or pass telemetry: { spanProcessor }.',
    );
  }
  const spanProcessor = options.spanProcessor ?? new RegisteredProviderSpanProcessor(options.resource);
  const resource = options.resource ?? loadOtelResources().Resource.empty();
  const existing = workerOptions.interceptors ?? {};
  const bundled = !!workerOptions.workflowBundle;
  if (bundled && live) warnIfBundleUntraced(workerOptions.workflowBundle!);
  const activity: ActivityInterceptorsFactory[] = [
    (ctx) => ({
      inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
    // Inside the activity span: name the flow and its attempt on it.
    (ctx) => ({
      inbound: {
        execute(input, next) {
          const request = input.args[0] as Partial<FlowActivityRequest> | undefined;
          if (ctx.info.activityType === 'runGenkitFlowActivity' && request?.flowName) {
            trace.getActiveSpan()?.setAttributes({
              [FLOW_SPAN_ATTRIBUTES.flowName]: request.flowName,
              [FLOW_SPAN_ATTRIBUTES.flowAttempt]: request.attempt ?? ctx.info.attempt,
              ...(request.execution !== undefined && { [FLOW_SPAN_ATTRIBUTES.flowActivity]: request.execution }),
            });
          }
          return next(input);
        },
      },
    }),
  ];
  const clientWorkflow = existing.client?.workflow;
  return {
    ...workerOptions,
    sinks: { ...workerOptions.sinks, exporter: otel.makeWorkflowExporter(spanProcessor, resource) },
    interceptors: {
      ...existing,
      // Calls an activity makes through its client (the journal's updates) join the activity's trace.
      client: live
        ? {
            ...existing.client,
            workflow:
              Array.isArray(clientWorkflow) || !clientWorkflow
                ? [...(clientWorkflow ?? []), new otel.OpenTelemetryWorkflowClientInterceptor()]
                : clientWorkflow,
          }
        : existing.client,
      activity: [...(existing.activity ?? []), ...activity],
      // A prebuilt bundle already holds its workflow interceptors (bundleFlowWorkflows({ telemetry: true })).
      workflowModules: bundled
        ? existing.workflowModules
        : [...(existing.workflowModules ?? []), temporalOtelWorkflowModule()],
    },
  } as T;
}

/** A prebuilt bundle without the workflow interceptors would leave the workflow out of every trace. */
function warnIfBundleUntraced(bundle: NonNullable<WorkerOptions['workflowBundle']>): void {
  let code: string;
  try {
    code = 'code' in bundle ? bundle.code : readFileSync(bundle.codePath, 'utf8');
  } catch {
    return; // the worker itself reports an unreadable bundle
  }
  if (code.includes(OTEL_WORKFLOW_MODULE_MARK)) return;
  console.warn(
    '[genkitx-temporal] tracing is on but the prebuilt workflow bundle has no OpenTelemetry workflow ' +
      'interceptors, so traces skip the workflow. Build it with bundleFlowWorkflows({ telemetry: true }).',
  );
}
