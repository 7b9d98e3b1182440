// A local Temporal dev server for tests and the demo, using the project's pinned CLI when there is one.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { FLOW_SEARCH_ATTRIBUTE, PRINCIPAL_SEARCH_ATTRIBUTE } from '../defaults';

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
}

/**
 * Starts `temporal server start-dev` (in-memory SQLite) with the `GenkitFlow` and `GenkitPrincipal`
 * search attributes registered.
 * Call `teardown()` on the result to stop it.
 */
export function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(options.cliPath ? { executable: { type: 'existing-path' as const, path: options.cliPath } } : {}),
      port: options.port,
      ui: options.ui ?? false,
      searchAttributes: [
        defineSearchAttributeKey(FLOW_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD),
        defineSearchAttributeKey(PRINCIPAL_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD),
      ],
      extraArgs: options.extraArgs,
    },
  });
}
