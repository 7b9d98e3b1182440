// How startTemporalWorker and bundleFlowWorkflows add tracing: nothing at all when it is off.
import type { BundleOptions, WorkerPlugin } from '@temporalio/worker';
import { temporalOtelWorkflowModule } from './load';
import { enabledTelemetry, type TelemetrySetting } from './options';
import { telemetryWorkerPlugin } from './tracing-worker-plugin';

/** The worker plugins for this setting: none when tracing is off. */
export function telemetryPlugins(setting: TelemetrySetting | undefined): WorkerPlugin[] {
  const options = enabledTelemetry(setting);
  return options ? [telemetryWorkerPlugin(options)] : [];
}

/** Bundle options that put Temporal's workflow interceptors into a prebuilt bundle, beside any others given. */
export function telemetryBundleOptions(
  telemetry: boolean | undefined,
  given: Partial<BundleOptions>,
): Partial<BundleOptions> {
  if (!telemetry) return {};
  return { workflowInterceptorModules: [...(given.workflowInterceptorModules ?? []), temporalOtelWorkflowModule()] };
}
