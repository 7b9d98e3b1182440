// A worker in its own process, for kill, failover and shutdown tests, the benchmarks and `npm run chaos`: loads the
// flow modules it is given, prints "ready <pid>" once polling and exits 0 after a graceful shutdown (SIGTERM).
// Args: address namespace taskQueue workflowBundlePath flowModule… (WORKER_MAX_ACTIVITIES caps activity slots;
// WORKER_DEPLOYMENT and WORKER_BUILD_ID run it as that Worker Deployment Version).
import { startTemporalWorker } from '../../src';
import { monitorStalls } from './stall-monitor';

const [address, namespace, taskQueue, bundlePath, ...flowModules] = process.argv.slice(2);

async function main() {
  monitorStalls();
  // The flows register themselves on import; loaded through `require` so they share this process's copy of src/.
  for (const module of flowModules) require(module);
  const maxActivities = Number(process.env.WORKER_MAX_ACTIVITIES) || undefined;
  const deploymentName = process.env.WORKER_DEPLOYMENT;
  const handle = await startTemporalWorker({
    ...(deploymentName && { versioning: { deploymentName, buildId: process.env.WORKER_BUILD_ID ?? '' } }),
    address,
    namespace,
    taskQueue,
    workflowBundle: { codePath: bundlePath },
    workerOptions: {
      identity: `worker-${process.pid}`,
      ...(maxActivities && { maxConcurrentActivityTaskExecutions: maxActivities }),
    },
  });
  process.stdout.write(`ready ${process.pid}\n`);
  await handle.done;
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
