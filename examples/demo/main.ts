// `npm run demo`: starts a local Temporal dev server and a worker, runs the tripPlanner flow as a durable
// workflow, and prints the result, the run's progress and where to look at it in the Temporal Web UI.
// `npm run demo -- --keep` leaves the server, UI and worker running until Ctrl-C.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { resolveTemporalCli } from '../../scripts/temporal-cli.mjs';
import { startFlowWorkflow } from '../../src';
import { withLocalTemporal } from '../../src/testing';
import { progressQuery } from '../../src/workflows';
import { demoModel, modelName, tripPlanner, weatherCalls } from './flows';

async function main() {
  // ERROR, not WARN: the demo's scripted model failure would otherwise print as an activity warning.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const keep = process.argv.includes('--keep');
  await withLocalTemporal({ cliPath: resolveTemporalCli(), ui: true, taskQueue: 'genkit' }, async (local) => {
    const { address, uiUrl, worker } = local;
    console.log(`Temporal dev server: ${address}   Web UI: ${uiUrl}`);
    console.log(`Worker polling task queue "genkit" (model: ${modelName})`);

    const handle = await startFlowWorkflow(tripPlanner, { city: 'Porto', days: 2 }, { address });
    console.log(`Started workflow ${handle.workflowId}`);
    const result = await handle.result();
    const progress = await handle.query(progressQuery);

    console.log('\nResult:');
    console.log(JSON.stringify(result, null, 2));
    console.log(`\nSteps journaled: ${progress.stepsCompleted}; finished on attempt ${progress.attempt}`);
    if (progress.lastError) {
      console.log(`Attempt 1 failed: ${progress.lastError.status}: ${progress.lastError.message}`);
    }
    if (modelName === demoModel.name) {
      // Attempt 2 replayed the first model call and the tool from the journal instead of running them again.
      console.log(`Real calls: model ${demoModel.calls} (1 + 1 failed + 1 retried), weather tool ${weatherCalls}`);
    }
    console.log(
      `See the run: ${uiUrl}/namespaces/default/workflows/${handle.workflowId}${keep ? '' : '  (npm run demo -- --keep keeps it up)'}`,
    );
    console.log(`Find runs by flow: temporal workflow list --address ${address} --query 'GenkitFlow="tripPlanner"'`);

    if (keep) {
      console.log('\n--keep: server, UI and worker stay up; press Ctrl-C to stop.');
      await worker.done;
    }
  });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
