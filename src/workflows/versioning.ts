// The Worker Versioning behaviour of a run, per flow: all flows run as one workflow type, so the behaviour is
// decided per run (the SDK's getter form of the workflow's options) from the run's memo, which the starter writes
// from the flow's `versioning` option. Nothing here issues a command: histories replay unchanged.
import type { VersioningBehavior } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';
import { VERSIONING_MEMO } from '../common/defaults';
import type { FlowVersioning } from '../common/types';

const BEHAVIOURS: Record<FlowVersioning, VersioningBehavior> = { pinned: 'PINNED', 'auto-upgrade': 'AUTO_UPGRADE' };

/** What the run's starter asked for (memo `genkitVersioning`), if anything. */
export function askedVersioning(): FlowVersioning | undefined {
  const asked = workflowInfo().memo?.[VERSIONING_MEMO];
  return asked === 'pinned' || asked === 'auto-upgrade' ? asked : undefined;
}

/**
 * The behaviour reported with each workflow task: the flow's choice on a worker that runs as a deployment version,
 * else none (the worker's default). The server refuses a behaviour from a worker without a deployment version, so
 * a pinned flow still runs on unversioned workers (the worker plugin keeps a version off unversioned workers).
 */
export function runVersioningBehavior(): VersioningBehavior | undefined {
  if (!workflowInfo().currentDeploymentVersion?.deploymentName) return undefined;
  const asked = askedVersioning();
  return asked ? BEHAVIOURS[asked] : undefined;
}
