// The upgrade check on a run that has continued as new before it parked: its journal spans executions, and the
// check must replay all of it (the steps recorded in earlier executions too), not only the open execution's own.
import { genkit, z } from 'genkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cancelFlowRun,
  checkUpgrade,
  defineTemporalFlow,
  getFlowRun,
  startFlowWorkflow,
  temporal,
  waitForInput,
} from '../../src';
import { progressQuery } from '../../src/workflows/messages';
import { defineScriptedModel } from '../../src/testing';
import { useWorker, waitFor } from '../helpers/temporal';

const FLOW = 'upgradeContinued';
const STEPS = 6;

/** A revision: STEPS model calls (the first one's prompt is `first`), then a wait. */
function revision(first: (item: string) => string, register = false) {
  const ai = genkit({ plugins: [temporal()] });
  const model = defineScriptedModel(ai, { name: 'continued/model', script: [{ text: 'ok' }] });
  const config = { name: FLOW, inputSchema: z.string() };
  const body = async (item: string) => {
    for (let i = 0; i < STEPS; i++) {
      await ai.generate({ model: 'continued/model', prompt: i === 0 ? first(item) : `step ${i} of ${item}` });
    }
    return waitForInput('approval', { schema: z.object({ approved: z.boolean() }) });
  };
  return { flow: register ? defineTemporalFlow(ai, config, body) : ai.defineFlow(config, body), model };
}

const v1 = (item: string) => `plan ${item}`;
const current = revision(v1, true);
const { opts } = useWorker('upgrade-continued');
let workflowId = '';

afterAll(() => cancelFlowRun(workflowId, opts()).catch(() => undefined));

describe('checkUpgrade on a run that continued as new', () => {
  it('replays the steps of earlier executions: a change to the first step is found, the same code is compatible', async () => {
    // One journal write per model call, a continuation every 2 writes: several executions before the wait.
    const handle = await startFlowWorkflow(current.flow, 'trip', { ...opts(), continueAsNewAfter: 2 });
    workflowId = handle.workflowId;
    await waitFor(async () => (await getFlowRun(workflowId, opts())).status === 'WAITING', 30_000, 'the run to wait');
    const progress = await handle.query(progressQuery);
    expect(progress.continuations).toBeGreaterThanOrEqual(2);
    expect(progress.stepsCompleted).toBe(STEPS);

    const same = await checkUpgrade({ ...opts(), flows: [revision(v1).flow] });
    expect(same.flows[0]).toMatchObject({ flowName: FLOW, checked: 1, compatible: 1, incompatible: 0 });

    const changedFirst = await checkUpgrade({ ...opts(), flows: [revision((item) => `plan a trip to ${item}`).flow] });
    expect(changedFirst.flows[0]).toMatchObject({ checked: 1, incompatible: 1 });
    expect(changedFirst.flows[0].problems[0]).toMatchObject({ workflowId, step: '0', end: 'changed-step' });
  });
});
