// P4's floor: the start-up a hand-written Temporal worker pays with the same prebuilt workflow bundle — connect,
// Worker.create (bundle read, the workflow thread and its V8 context, the native worker), run — and nothing of
// genkitx-temporal or Genkit. Started by bench/cold-start.ts with the same probe as the worker entry, so its "own"
// share is the part of the entry's own start-up that Temporal itself takes.
// With FLOOR_GENKIT=1 it also requires `genkit` first (nothing else of it): a hand-written worker for Genkit flows
// loads Genkit too, so this variant is the floor the library's entry is judged against (P4's ratio row).
// Env: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, WORKFLOW_BUNDLE_PATH, FLOOR_GENKIT.
'use strict';
if (process.env.FLOOR_GENKIT === '1') require('genkit');
const { NativeConnection, Worker } = require('@temporalio/worker');

async function main() {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH },
    activities: { noop: async () => undefined },
  });
  const done = worker.run();
  process.stdout.write(JSON.stringify({ severity: 'INFO', message: 'worker polling' }) + '\n');
  await done;
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
