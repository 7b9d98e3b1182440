// Versioned flow code on a dev server: 30 runs of a flow parked at a waitForInput after a model call; the new
// revision changes the prompt before the wait behind changed('eur-prompt'). The upgrade check reports all 30
// compatible, on the old branch; after the deploy (the old worker stops, a worker with the new code starts) all 30
// complete with the prompt they started with, never calling a model again, and a new run takes the new prompt.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cancelFlowRun, checkUpgrade, getFlowRun, provideFlowInput, startFlowWorkflow } from '../../src';
import { resetRegistryForTests } from '../../src/worker/registry';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { closeTemporalClients } from '../../src/client/connection';
import { promptV1, promptV2, quoteRevision, versionedQuoteRevision } from '../fixtures/upgrade-flows';
import { address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const RUNS = 30;
const FLOW_NAME = 'versionedQuote'; // not upgrade-check.test's flow: the check lists a flow's runs namespace-wide
const taskQueue = uniqueTaskQueue('versioned');
const opts = () => ({ address: address(), namespace: namespace(), taskQueue });
const v1 = quoteRevision(promptV1, { register: true, name: FLOW_NAME }); // what the workers run before the deploy
let worker: TemporalWorkerHandle | undefined;
const handles: Array<{ workflowId: string; result(): Promise<unknown> }> = [];

/**
 * Waits until every run has been seen waiting for approval. WAITING needs a worker to answer the status read within
 * its 600 ms budget; with 30 reads at once on a loaded machine some miss it (RUNNING, progress unavailable), so a
 * run counts once one read has shown it waiting (nothing answers it before the test does).
 */
async function allWaiting(runs: typeof handles) {
  const seen = new Set<string>();
  await waitFor(
    async () => {
      const unseen = runs.filter((h) => !seen.has(h.workflowId));
      const states = await Promise.all(unseen.map((h) => getFlowRun(h.workflowId, opts())));
      states.forEach((r, i) => {
        if (r.status === 'WAITING' && r.pendingInputs[0]?.name === 'approval') seen.add(unseen[i]!.workflowId);
      });
      return seen.size === runs.length;
    },
    90_000,
    `${runs.length} runs to wait for approval`,
  );
}

beforeAll(async () => {
  worker = await startWorker(taskQueue);
  const items = Array.from({ length: RUNS }, (_, i) => `item-${i}`);
  handles.push(...(await Promise.all(items.map((item) => startFlowWorkflow(v1.flow, item, opts())))));
  await allWaiting(handles);
}, 150_000);

afterAll(async () => {
  await Promise.all(handles.map((h) => cancelFlowRun(h.workflowId, opts()).catch(() => undefined)));
  await worker?.shutdown();
  await closeTemporalClients();
});

it(`the prompt change behind changed(): all ${RUNS} compatible on the old branch; after the deploy each completes on the branch it started with`, async () => {
  const report = await checkUpgrade({ ...opts(), flows: [versionedQuoteRevision({ name: FLOW_NAME }).flow] });
  expect(report.flows[0]).toMatchObject({
    flowName: FLOW_NAME,
    checked: RUNS,
    compatible: RUNS,
    incompatible: 0,
    changes: [{ id: 'eur-prompt', oldBranch: RUNS, newBranch: 0 }],
  });
  expect(report.ok).toBe(true);

  // The deploy: the old worker stops, a worker with the new code takes the queue.
  await worker!.shutdown();
  resetRegistryForTests();
  const v2 = versionedQuoteRevision({ register: true, name: FLOW_NAME });
  worker = await startWorker(taskQueue);
  const fresh = await startFlowWorkflow(v2.flow, 'item-new', opts());
  handles.push(fresh);
  await allWaiting([fresh]);

  // The check of the deployed code sees both kinds of run: the old branch is still needed by 30.
  const after = await checkUpgrade({ ...opts(), flows: [FLOW_NAME] });
  expect(after.flows[0]).toMatchObject({
    compatible: RUNS + 1,
    changes: [{ id: 'eur-prompt', oldBranch: RUNS, newBranch: 1 }],
  });

  await Promise.all(handles.map((h) => provideFlowInput(h.workflowId, 'approval', { approved: true }, opts())));
  const results = (await Promise.all(handles.map((h) => h.result()))) as Array<{ prompt: string; quote: string }>;
  results
    .slice(0, RUNS)
    .forEach((r, i) => expect(r).toEqual({ quote: 'quote: 42 EUR', prompt: promptV1(`item-${i}`), approved: true }));
  expect(results[RUNS]).toEqual({ quote: 'quote: 42 EUR', prompt: promptV2('item-new'), approved: true });
  // Nobody paid twice: the old runs' model calls were made by the old code only; the new code called it once.
  expect(v1.model.calls).toBe(RUNS);
  expect(v2.model.calls).toBe(1);
  expect(v2.model.requests[0].messages.at(-1)?.content[0].text).toBe(promptV2('item-new'));
}, 180_000);
