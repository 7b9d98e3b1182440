// Status reads without a worker, many in a row: each one says why progress is unavailable (no worker answered
// within the budget, or the server says none polls), never an unexplained UNKNOWN. No wall-clock bound here (the
// bounds are in status-without-worker.test.ts, which runs alone), so this file runs beside the others.
import { afterAll, expect, it } from 'vitest';
import { startFlowWorkflow } from '../../src/client/start-flow';
import { closeTemporalClients } from '../../src/client/connection';
import { getFlowRun } from '../../src/client/flow-runs';
import { httpApprovalFlow } from '../fixtures/http-flows';
import { address, namespace, uniqueTaskQueue } from '../helpers/temporal';

/** How a read says no worker answered (as in status-without-worker.test.ts). */
const NO_WORKER = expect.stringMatching(/^(DEADLINE_EXCEEDED|UNAVAILABLE)$/);
// No worker ever polls this queue.
const idle = uniqueTaskQueue('no-worker-reads');
const opts = () => ({ address: address(), namespace: namespace(), taskQueue: idle });
afterAll(() => closeTemporalClients());

it('says no worker every time (30 reads in a row), never an unexplained UNKNOWN', async () => {
  // The server resets the stream at the deadline too; when its reset wins, grpc-js says CANCELLED (about 1 in 15
  // reads in a row; reads at once did not show it).
  const handle = await startFlowWorkflow(httpApprovalFlow, 'many', opts());
  const statuses = new Set<string | undefined>();
  for (let i = 0; i < 30; i++) statuses.add((await getFlowRun(handle.workflowId, opts())).progressUnavailable?.status);
  for (const status of statuses) expect(status).toEqual(NO_WORKER);
  await handle.terminate();
}, 60_000);
