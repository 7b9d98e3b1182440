// The default workflow-task timeout follows the flow's heartbeat timeout within 2-10 s, set at start (a starter that
// does not know the flow leaves the run to adopt the flow's own): read back
// from the start request the client sends (a client interceptor records it; no server needed).
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { flowRef, flowRefsFrom, startFlowWorkflow, type FlowRef, type FlowRunRequest } from '../../../src/client';
import { forgetFlowOptions, rememberFlowOptions } from '../../../src/common/registered-options';

/** What the start the client attempted asked for (the call itself is stopped before the network). */
async function started(
  options: Record<string, unknown>,
  flow: FlowRef = 'someFlow',
): Promise<{ timeoutMs: unknown; request: FlowRunRequest | undefined }> {
  let seen: { timeoutMs: unknown; request: FlowRunRequest | undefined } = {
    timeoutMs: 'not started',
    request: undefined,
  };
  const stop = new Error('stop before the network');
  const interceptor: WorkflowClientInterceptor = {
    async start(input) {
      const ts = input.options.workflowTaskTimeout as { seconds?: unknown; nanos?: number } | undefined;
      seen = {
        timeoutMs: ts && Number(ts.seconds ?? 0) * 1000 + Math.round((ts.nanos ?? 0) / 1e6),
        request: input.options.args?.[0] as FlowRunRequest,
      };
      throw stop;
    },
  };
  const client = new Client({
    connection: Connection.lazy({ address: '127.0.0.1:1' }),
    interceptors: { workflow: [interceptor] },
  });
  await expect(startFlowWorkflow(flow, 1 as never, { client, taskQueue: 'q', ...options })).rejects.toBe(stop);
  return seen;
}

const startedTimeout = async (options: Record<string, unknown>, flow?: FlowRef) =>
  (await started(options, flow)).timeoutMs;
/** Whether the run is asked to adopt the flow's own workflow-task timeout (the starter did not know it). */
const adopts = async (options: Record<string, unknown>, flow?: FlowRef) =>
  (await started(options, flow)).request?.adoptFlowTaskTimeout === true;

describe('workflow-task timeout at start', () => {
  it('follows the heartbeat timeout, within 2-10 s', async () => {
    expect(await startedTimeout({ heartbeatTimeout: '3s' })).toBe(3_000);
    expect(await startedTimeout({ heartbeatTimeout: '500ms' })).toBe(2_000);
  });

  it('a start that does not know the flow (a bare name, a flowRef without temporal) leaves it to the run', async () => {
    for (const flow of ['someFlow', flowRef('someFlow', { inputJsonSchema: { type: 'number' } })]) {
      expect(await startedTimeout({}, flow)).toBe(10_000); // the default heartbeat timeout's, until the run knows
      expect(await adopts({}, flow)).toBe(true);
      // Told at start: nothing to adopt.
      expect(await adopts({ heartbeatTimeout: '3s' }, flow)).toBe(false);
      expect(await adopts({ workflowTaskTimeout: '4s' }, flow)).toBe(false);
    }
  });

  it("a flowRef's temporal is the flow's config.temporal: its heartbeat timeout, or the default one", async () => {
    expect(await startedTimeout({}, flowRef('someFlow', { temporal: {} }))).toBe(10_000); // default heartbeat 20 s
    expect(await startedTimeout({}, flowRef('someFlow', { temporal: { heartbeatTimeout: '4s' } }))).toBe(4_000);
    expect(await startedTimeout({}, flowRef('someFlow', { temporal: { workflowTaskTimeout: '6s' } }))).toBe(6_000);
    expect(await adopts({}, flowRef('someFlow', { temporal: {} }))).toBe(false);
  });

  it('a name registered in this process is known', async () => {
    rememberFlowOptions('knownFlow', { heartbeatTimeout: '5s' });
    rememberFlowOptions('defaultFlow', {});
    try {
      expect(await startedTimeout({}, 'knownFlow')).toBe(5_000);
      expect(await startedTimeout({}, 'defaultFlow')).toBe(10_000);
      expect(await adopts({}, 'knownFlow')).toBe(false);
    } finally {
      forgetFlowOptions();
    }
  });

  it('runs started from a flowManifest get the same timeout as with the flow object', async () => {
    const [quick, plain] = flowRefsFrom(
      JSON.stringify({
        version: 1,
        flows: [
          { name: 'quick', temporal: { heartbeatTimeout: '3s' } },
          { name: 'plain', temporal: {} },
        ],
      }),
    );
    expect(await startedTimeout({}, quick)).toBe(3_000);
    expect(await startedTimeout({}, plain)).toBe(10_000);
    expect(await adopts({}, quick)).toBe(false);
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

describe("what the run is told about the flow's registered options", () => {
  const optionsOf = async (flow: FlowRef) => {
    const { request } = await started({}, flow);
    return {
      registeredOptions: request?.registeredOptions,
      learnOptions: request?.learnOptions,
      expectedOptions: request?.expectedOptions,
    };
  };

  it('a flow defined in this process: its options, no lookup and nothing to learn', async () => {
    rememberFlowOptions('knownFlow', { heartbeatTimeout: '5s' });
    try {
      expect(await optionsOf('knownFlow')).toEqual({ registeredOptions: { heartbeatTimeout: '5s' } });
    } finally {
      forgetFlowOptions();
    }
  });

  it('a bare name: the run learns them from its first attempt', async () => {
    expect(await optionsOf('someFlow')).toEqual({ learnOptions: true });
  });

  it("a flowRef from the workers' manifest: learnt, the first attempt scheduled with the manifest's", async () => {
    const ref = flowRef('someFlow', { temporal: { heartbeatTimeout: '3s' } });
    expect(await optionsOf(ref)).toEqual({ learnOptions: true, expectedOptions: { heartbeatTimeout: '3s' } });
  });
});
