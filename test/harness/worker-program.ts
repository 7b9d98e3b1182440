// A worker in its own process for the benchmarks and `npm run chaos`: prints "ready <pid>" once polling and exits
// 0 after a graceful shutdown (SIGTERM). Args: address namespace taskQueue workflowBundlePath
import { startTemporalWorker } from '../src';
import './bench-flows';

const [address, namespace, taskQueue, bundlePath] = process.argv.slice(2);

async function main() {
  const maxActivities = Number(process.env.BENCH_MAX_ACTIVITIES) || undefined;
  const handle = await startTemporalWorker({
    address,
    namespace,
    taskQueue,
    workflowBundle: { codePath: bundlePath },
    workerOptions: {
      identity: `bench-${process.pid}`,
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
