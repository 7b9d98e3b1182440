// Baseline for the journal benchmark: a workflow that only answers a no-op Update, so one Update round trip
// can be measured on the same server and machine as the journal writes.
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const pingUpdate = defineUpdate<number, [number]>('ping');

export async function pingWorkflow(): Promise<void> {
  let total = 0;
  let done = false;
  setHandler(pingUpdate, (n) => {
    total += n;
    if (n < 0) done = true;
    return total;
  });
  await condition(() => done);
}
