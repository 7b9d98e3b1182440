// SIGKILL a worker process at a random moment of a flow that journals all the time (busyStepsFlow): the next
// step must run on the other worker within the heartbeat timeout plus about two seconds. Before the short
// workflow-task timeout, the dead worker often held a workflow task carrying a journal write, and the run
// waited for Temporal's default 10 s task timeout on top of the heartbeat timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duration } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTemporalClients, startFlowWorkflow } from '../../src';
import { busyStepsFlow } from '../fixtures/failover-flows';
import type { WorkflowHandle } from '@temporalio/client';
import { address, historyOf, namespace, tsMs, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { readLedger } from '../harness/ledger';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const HEARTBEAT_TIMEOUT_MS = 3_000; // busyStepsFlow's heartbeatTimeout
const TRIES = Number(process.env.FAILOVER_SIGKILLS ?? 3);
const SIGTERMS = Number(process.env.FAILOVER_SIGTERMS ?? 4);

const dir = mkdtempSync(join(tmpdir(), 'failover-timing-'));
const ledgerFile = join(dir, 'ledger.txt');
const env = { LEDGER_FILE: ledgerFile };
const workers: WorkerProcess[] = [];
let taskQueue: string;
/** The worker that replaces the last one stopped: it starts up while the victim exits and its run is terminated. */
let replacement: Promise<void> = Promise.resolve();

beforeAll(async () => {
  taskQueue = uniqueTaskQueue('failover-timing');
  workers.push(...(await Promise.all([spawnWorker(taskQueue, env), spawnWorker(taskQueue, env)])));
});
afterAll(async () => {
  await replacement.catch(() => undefined);
  for (const w of workers) w.child.kill('SIGKILL');
  await closeTemporalClients();
  rmSync(dir, { recursive: true, force: true });
});

const stepsOf = (topic: string) => readLedger(ledgerFile).filter((e) => e.step.startsWith(`busy:${topic}:`));

/** Starts busyStepsFlow, stops the worker running it with `signal` at a random moment, and returns how long it
 * took until a step ran on another worker, and how the victim exited. */
async function stopMidFlow(signal: NodeJS.Signals, label: string) {
  // The last victim's replacement polls before the run starts, so the run may start on either worker (the target
  // of a failover is not always the one that has run no workflow task yet), and nothing starts up meanwhile.
  await replacement;
  const topic = `${label}-${Date.now()}`;
  const handle = await startFlowWorkflow(
    busyStepsFlow,
    { topic, steps: 2_000 },
    {
      address: address(),
      namespace: namespace(),
      taskQueue,
      // Only for measuring the old behaviour by hand (e.g. MEASURE_WORKFLOW_TASK_TIMEOUT=10s).
      workflowTaskTimeout: process.env.MEASURE_WORKFLOW_TASK_TIMEOUT as Duration | undefined,
    },
  );
  const holder = await waitFor(() => stepsOf(topic)[8], 30_000, 'step 8 to run');
  await new Promise((r) => setTimeout(r, Math.random() * 300)); // a random phase of the write cycle
  const victim = workers.find((w) => w.pid === holder.pid)!;
  expect(victim).toBeDefined();
  const before = stepsOf(topic).length;
  victim.child.kill(signal);
  const stoppedAt = Date.now();
  const next = await waitFor(
    () =>
      stepsOf(topic)
        .slice(before)
        .find((e) => e.pid !== victim.pid),
    30_000,
    'a step on the other worker',
  );
  const delay = Date.now() - stoppedAt;
  workers.splice(workers.indexOf(victim), 1);
  replacement = spawnWorker(taskQueue, env).then((w) => void workers.push(w));
  const code = await victim.exited;
  if (code !== 0 && signal === 'SIGTERM') console.log(`[failover-timing] worker exited ${code}:\n${victim.output()}`);
  expect(next.pid).not.toBe(victim.pid);
  if (delay > 3_000)
    console.log(`[failover-timing] slow ${signal} (${delay} ms):\n${await eventsAfter(handle, stoppedAt)}`);
  await handle.terminate('measured');
  return { delay, code };
}

/** The run's history from `since` on, one event a line, for a slow failover. */
async function eventsAfter(handle: WorkflowHandle, since: number): Promise<string> {
  return (await historyOf(handle))
    .filter((e) => tsMs(e.eventTime) >= since - 500)
    .map((e) => {
      const identity =
        e.workflowTaskStartedEventAttributes?.identity ??
        e.activityTaskStartedEventAttributes?.identity ??
        e.workflowTaskCompletedEventAttributes?.identity ??
        '';
      const failure =
        e.workflowTaskFailedEventAttributes?.cause ?? e.workflowTaskTimedOutEventAttributes?.timeoutType ?? '';
      return `  +${tsMs(e.eventTime) - since} ms ${String(e.eventType)} ${identity} ${failure}`;
    })
    .join('\n');
}

function summary(delays: number[]): string {
  const sorted = [...delays].sort((a, b) => a - b);
  return `${delays.join(', ')} ms; median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`;
}

describe('failover timing with real worker processes', () => {
  it(`SIGKILL -> first step on the other worker within the heartbeat timeout + 2 s (${TRIES} kills at random moments)`, async () => {
    const delays: number[] = [];
    for (let i = 0; i < TRIES; i++) delays.push((await stopMidFlow('SIGKILL', `kill${i}`)).delay);
    console.log(
      `[failover-timing] SIGKILL -> first step elsewhere (heartbeat timeout ${HEARTBEAT_TIMEOUT_MS} ms): ${summary(delays)}`,
    );
    // Generous for a loaded 2-core machine; the old behaviour (10 s task timeout) took 8.5-11.2 s.
    for (const delay of delays) expect(delay).toBeLessThan(HEARTBEAT_TIMEOUT_MS + 2_000 + 2_500);
  }, 240_000);

  it(`SIGTERM -> first step on the other worker within seconds, and the worker exits 0 (${SIGTERMS} times)`, async () => {
    const results: Array<{ delay: number; code: number | string }> = [];
    for (let i = 0; i < SIGTERMS; i++) results.push(await stopMidFlow('SIGTERM', `term${i}`));
    const delays = results.map((r) => r.delay);
    console.log(`[failover-timing] SIGTERM -> first step elsewhere: ${summary(delays)}`);
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
    // Usually 1-2 s. A workflow task handed to the stopping worker at the very moment of SIGTERM is still lost
    // now and then; the run then waits for the workflow-task timeout (2 s, was Temporal's 10 s). Generous for a
    // loaded machine.
    for (const delay of delays) expect(delay).toBeLessThan(5_500);
  }, 240_000);
});
