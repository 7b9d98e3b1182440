// A local Temporal dev server for tests and the demo, using the project's pinned CLI when there is one.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  COST_SEARCH_ATTRIBUTE,
  FLOW_SEARCH_ATTRIBUTE,
  PRINCIPAL_SEARCH_ATTRIBUTE,
  TOKENS_SEARCH_ATTRIBUTE,
} from '../common/defaults';
import { FAIRNESS_DEV_SERVER_ARGS } from './local-process-helpers';

/** Options of `startDevServer`. */
export interface DevServerOptions {
  /** Path of a `temporal` binary. Without it the SDK downloads the server (needs internet). */
  cliPath?: string;
  /** Fixed port; random when unset. */
  port?: number;
  /** Serve the Web UI (on port + 1000). @default false */
  ui?: boolean;
  /** Extra `temporal server start-dev` arguments. */
  extraArgs?: string[];
  /**
   * Task-queue fairness on (dynamic config `matching.enableFairness`): runs with different fairness keys share a
   * backlogged queue by weight instead of in arrival order (docs/fairness.md). @default false
   */
  fairness?: boolean;
}

/**
 * Starts `temporal server start-dev` (in-memory SQLite) with the `GenkitFlow`, `GenkitPrincipal`, `GenkitCost`
 * and `GenkitTokens` search attributes registered.
 * Call `teardown()` on the result to stop it.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const { TestWorkflowEnvironment } = await importTemporalTesting();
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(options.cliPath ? { executable: { type: 'existing-path' as const, path: options.cliPath } } : {}),
      port: options.port,
      ui: options.ui ?? false,
      searchAttributes: [
        defineSearchAttributeKey(FLOW_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD),
        defineSearchAttributeKey(PRINCIPAL_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD),
        defineSearchAttributeKey(COST_SEARCH_ATTRIBUTE, SearchAttributeType.DOUBLE),
        defineSearchAttributeKey(TOKENS_SEARCH_ATTRIBUTE, SearchAttributeType.INT),
      ],
      // A stopping worker's in-flight polls complete instead of being dropped (a task handed to a dropped poll
      // waits for its timeout): the server then advertises `workerPollCompleteOnShutdown`, and the SDK drains.
      extraArgs: [
        '--dynamic-config-value',
        'frontend.enableCancelWorkerPollsOnShutdown=true',
        ...(options.fairness ? FAIRNESS_DEV_SERVER_ARGS : []),
        ...(options.extraArgs ?? []),
      ],
    },
  });
}

/**
 * `@temporalio/testing` is an optional peer dependency, loaded only when a dev server is started: the rest of
 * `genkitx-temporal/testing` (the scripted model) works without it.
 */
async function importTemporalTesting(): Promise<typeof import('@temporalio/testing')> {
  try {
    return await import('@temporalio/testing');
  } catch (err) {
    if (
      (err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' &&
      (err as { code?: string }).code !== 'MODULE_NOT_FOUND'
    )
      throw err;
    throw new Error(
      'genkitx-temporal/testing: startDevServer and withLocalTemporal need the optional peer dependency ' +
        '@temporalio/testing. Install it: npm install --save-dev @temporalio/testing@1.24.0',
      { cause: err },
    );
  }
}
