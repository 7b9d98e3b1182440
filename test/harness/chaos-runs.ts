// Starting and awaiting chaos runs through a server that may be down for a while: a real client retries a start
// whose answer it lost, and waits again for a result it could not read. Decisions by error type only.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { startFlowWorkflow } from '../../src';
import { progressQuery } from '../../src/workflows/messages';
import { chaosFlow } from './worker-flows';

export interface ChaosRunSpec {
  workflowId: string;
  topic: string;
  run: string;
  steps: number;
  stepMs: number;
}

export type RunOutcome =
  | { ok: true; output: string[]; attempt: number; failovers: number; lastError?: string }
  | { ok: false; reason: 'failed' | 'lost' | 'timeout'; detail: string };

/** Starts the run; retries while the server is unreachable (an ambiguous start that did happen counts as started). */
export async function startChaosRun(client: Client, taskQueue: string, spec: ChaosRunSpec, deadline: number) {
  for (;;) {
    try {
      await startFlowWorkflow(
        chaosFlow,
        { topic: spec.topic, run: spec.run, steps: spec.steps, stepMs: spec.stepMs },
        { client, taskQueue, workflowId: spec.workflowId },
      );
      return;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/** Waits for the run's result, reading again after transport errors, until `deadline`. */
export async function awaitChaosRun(client: Client, workflowId: string, deadline: number): Promise<RunOutcome> {
  for (;;) {
    const handle = client.workflow.getHandle(workflowId);
    try {
      const output = (await handle.result()) as string[];
      const progress = await withRetries(() => handle.query(progressQuery), deadline);
      // What spent a retry, for the report ("runs retried" says how many, this says why).
      const lastError = progress.attempt > 1 && progress.lastError ? describeError(progress.lastError) : undefined;
      return { ok: true, output, attempt: progress.attempt, failovers: progress.failovers, lastError };
    } catch (err) {
      if (err instanceof WorkflowFailedError) return { ok: false, reason: 'failed', detail: String(err.cause ?? err) };
      if (err instanceof WorkflowNotFoundError) return { ok: false, reason: 'lost', detail: String(err) };
      if (Date.now() > deadline) return { ok: false, reason: 'timeout', detail: String(err) };
      await sleep(250);
    }
  }
}

async function withRetries<T>(fn: () => Promise<T>, deadline: number): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

function describeError(error: { name?: string; message?: string; status?: string }): string {
  return [error.status ?? error.name, error.message?.slice(0, 120)].filter(Boolean).join(': ');
}
