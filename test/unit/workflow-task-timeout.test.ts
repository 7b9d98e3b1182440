// The default workflow-task timeout follows the flow's heartbeat timeout within 2-10 s, set at start: read back
// from the start request the client sends (a client interceptor records it; no server needed).
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startFlowWorkflow } from '../../src/caller';

/** The `workflowTaskTimeout` of the start the client attempted (the call itself is stopped before the network). */
async function startedTimeout(options: Record<string, unknown>): Promise<unknown> {
  let seen: unknown = 'not started';
  const stop = new Error('stop before the network');
  const interceptor: WorkflowClientInterceptor = {
    async start(input) {
      const ts = input.options.workflowTaskTimeout as { seconds?: unknown; nanos?: number } | undefined;
      seen = ts && Number(ts.seconds ?? 0) * 1000 + Math.round((ts.nanos ?? 0) / 1e6);
      throw stop;
    },
  };
  const client = new Client({
    connection: Connection.lazy({ address: '127.0.0.1:1' }),
    interceptors: { workflow: [interceptor] },
  });
  await expect(startFlowWorkflow('someFlow', 1, { client, taskQueue: 'q', ...options })).rejects.toBe(stop);
  return seen;
}

describe('workflow-task timeout at start', () => {
  it('follows the heartbeat timeout, within 2-10 s', async () => {
    expect(await startedTimeout({ heartbeatTimeout: '3s' })).toBe(3_000);
    expect(await startedTimeout({ heartbeatTimeout: '500ms' })).toBe(2_000);
    expect(await startedTimeout({})).toBe(10_000); // default heartbeat timeout 20 s
  });

  it('an explicit workflowTaskTimeout wins', async () => {
    expect(await startedTimeout({ heartbeatTimeout: '3s', workflowTaskTimeout: '7s' })).toBe(7_000);
  });

  it('a bad heartbeat timeout is refused before anything starts', async () => {
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    await expect(
      startFlowWorkflow('someFlow', 1, { client, taskQueue: 'q', heartbeatTimeout: 'soon' as never }),
    ).rejects.toThrow(/Invalid duration: "soon"/);
  });
});
