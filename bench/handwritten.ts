// The hand-written side of P1/P2: a worker for handwritten-workflow.ts whose activity calls the same Genkit flow
// directly, and the client pattern of the original plugin (a new connection per call).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { noopFlow } from '../test/harness/worker-flows';

export const HANDWRITTEN_WORKFLOW = 'handwrittenFlowWorkflow';

export function handwrittenActivities() {
  return {
    callFlow: async (n: number): Promise<number> => noopFlow(n),
    callFlowHeartbeating: async (n: number): Promise<number> => {
      Context.current().heartbeat();
      return noopFlow(n);
    },
  };
}

/** Starts an in-process worker for the hand-written workflow on `taskQueue`; call `stop()` when done. */
export async function startHandwrittenWorker(connection: NativeConnection, taskQueue: string) {
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./handwritten-workflow'),
    activities: handwrittenActivities(),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** One hand-written call on a warm client. */
export function callHandwritten(client: Client, taskQueue: string, n: number): Promise<number> {
  return client.workflow.execute(HANDWRITTEN_WORKFLOW, { taskQueue, workflowId: `hand-${randomUUID()}`, args: [n] });
}

/** One call the way the original genkitx-temporal made it: connect, run, close. */
export async function callConnectPerCall(address: string, taskQueue: string, n: number): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    return await callHandwritten(new Client({ connection }), taskQueue, n);
  } finally {
    await connection.close();
  }
}
