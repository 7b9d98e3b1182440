// A stopping worker takes no more workflow tasks, so a journal Update its attempt already sent (the claim that
// opens a resumed attempt, a write) is answered by no one until another worker polls. The attempt is aborted on
// shutdown; here, on the real server, the pending Update must stop holding it the moment the abort fires. Without
// that, the attempt never ends and the worker's shutdown hangs past its grace time (seen once on CI: a worker's
// shutdown hung past 120 s while the server logged a 20 s UpdateWorkflowExecution on the run it had just resumed).
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalWriter, temporalTransport } from '../../src/worker/journal/journal-writer';
import { newClient, uniqueTaskQueue } from '../helpers/temporal';

class WorkerStopping extends Error {}

describe('a journal Update no workflow task will answer', () => {
  const clientReady = newClient();
  afterAll(async () => (await clientReady).connection.close());

  it('is let go when the attempt is aborted, within a second, and the run is left as it was', async () => {
    const client = await clientReady;
    // A run on a task queue no worker polls: the server takes the Update and waits for a workflow task forever.
    const handle = await client.workflow.start('runGenkitFlow', {
      taskQueue: uniqueTaskQueue('no-workflow-worker'),
      workflowId: `journal-call-abort-${randomUUID()}`,
      args: [{ flowName: 'nothing', input: null }],
    });
    try {
      const abort = new AbortController();
      const writer = new JournalWriter(
        temporalTransport(client, handle.workflowId, handle.firstExecutionRunId),
        { execution: 1, attempt: 2 },
        abort.signal,
      );
      const claim = writer.claim();
      const outcome = claim.then(
        () => 'answered',
        (err) => err,
      );
      // Long enough for the Update to reach the server and wait there.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await Promise.race([outcome, new Promise((r) => setTimeout(() => r('still waiting'), 50))])).toBe(
        'still waiting',
      );
      const reason = new WorkerStopping('worker stopping');
      const abortedAt = Date.now();
      abort.abort(reason);
      expect(await outcome).toBe(reason);
      expect(Date.now() - abortedAt).toBeLessThan(1_000);
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      await handle.terminate('test over');
    }
  });
});
