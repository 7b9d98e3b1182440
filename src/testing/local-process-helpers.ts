// Helpers for tools that run the Temporal dev server as their own child process (the demo's local stack, the
// chaos run's restartable server), where the SDK's TestWorkflowEnvironment does not fit.
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import {
  COST_SEARCH_ATTRIBUTE,
  FLOW_SEARCH_ATTRIBUTE,
  PRINCIPAL_SEARCH_ATTRIBUTE,
  TOKENS_SEARCH_ATTRIBUTE,
} from '../common/defaults';

/**
 * Task-queue fairness on (dynamic config; it implies the priority matcher `matching.useNewMatcher`): backlogged
 * tasks dispatch by priority, then round-robin over fairness keys by weight. Self-hosted servers set the same key
 * (docs/fairness.md).
 */
export const FAIRNESS_DEV_SERVER_ARGS: readonly string[] = ['--dynamic-config-value', 'matching.enableFairness=true'];

/**
 * `temporal server start-dev` arguments every local server of the kit needs: the search attributes runs are
 * listed by, in-flight polls that complete when a worker stops (see `startDevServer`), and fairness on (the front
 * doors key runs by caller).
 */
export const KIT_DEV_SERVER_ARGS: readonly string[] = [
  ...FAIRNESS_DEV_SERVER_ARGS,
  '--search-attribute',
  `${FLOW_SEARCH_ATTRIBUTE}=Keyword`,
  '--search-attribute',
  `${PRINCIPAL_SEARCH_ATTRIBUTE}=Keyword`,
  '--search-attribute',
  `${COST_SEARCH_ATTRIBUTE}=Double`,
  '--search-attribute',
  `${TOKENS_SEARCH_ATTRIBUTE}=Int`,
  '--dynamic-config-value',
  'frontend.enableCancelWorkerPollsOnShutdown=true',
];

/** `count` distinct free TCP ports on 127.0.0.1 (held together while picked, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

/**
 * Resolves once a client can reach `namespace` (default `default`) on the server. Throws what `exited()` returns as
 * soon as the server process is gone, or a timeout error after `timeoutMs`. A namespace only the expected server
 * was started with (`--namespace`) makes the check one of identity: a free port picked earlier can be taken by
 * another process's server before ours binds it, and that server answers for `default` too.
 */
export async function waitForTemporal(
  address: string,
  options: { timeoutMs: number; exited: () => Error | undefined; pollMs?: number; namespace?: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const exited = options.exited();
    if (exited) throw exited;
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: options.namespace ?? 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`the Temporal dev server at ${address} did not come up in ${options.timeoutMs} ms: ${err}`);
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
    }
  }
}
