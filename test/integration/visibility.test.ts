// Runs are findable by flow name: GenkitFlow search attribute, memo and summary.
import { execFileSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { startFlowWorkflow } from '../../src';
import { greetFlow } from '../fixtures/basic-flows';
import { address, namespace, useWorker, waitFor } from '../helpers/temporal';

const { opts, taskQueue } = useWorker('visibility');

describe('visibility', () => {
  it('tags each run with GenkitFlow, a memo and a summary; `temporal workflow list` finds it', async () => {
    const handle = await startFlowWorkflow(greetFlow, { name: 'Vis', times: 1 }, opts());
    await handle.result();
    const description = await handle.describe();
    expect(description.memo).toMatchObject({ genkitFlow: 'greetFlow' });
    expect(await description.staticSummary()).toBe('Genkit flow greetFlow');

    const listed = await waitFor(
      () => {
        const out = execFileSync(
          inject('temporalCliPath'),
          [
            'workflow',
            'list',
            '--address',
            address(),
            '--namespace',
            namespace(),
            '--query',
            `GenkitFlow="greetFlow" AND TaskQueue="${taskQueue}"`,
            '-o',
            'json',
          ],
          { encoding: 'utf8' },
        );
        const rows = JSON.parse(out || '[]') as Array<{ execution: { workflowId: string } }>;
        return rows.find((r) => r.execution.workflowId === handle.workflowId);
      },
      20_000,
      'the run to appear in visibility',
    );
    expect(listed.execution.workflowId).toBe(handle.workflowId);
  });
});
