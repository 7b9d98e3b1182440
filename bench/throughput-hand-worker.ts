// The hand-written worker process of P6: a plain Temporal `Worker` (no genkitx-temporal, no Genkit) for
// throughput-hand-workflow.ts, whose activity burns the same CPU as cpuFlow's steps. Started like the library's
// worker program (test/harness/worker-processes.ts), with a prebuilt bundle; prints "ready <pid>" once polling.
// Args: address namespace taskQueue workflowBundlePath
import { NativeConnection, Worker } from '@temporalio/worker';
import { burn } from '../test/harness/burn';

export function throughputHandActivities() {
  return { burnStep: async (cpuMs: number): Promise<number> => (burn(cpuMs), 1) };
}

async function main() {
  const [address, namespace, taskQueue, bundlePath] = process.argv.slice(2);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: { codePath: bundlePath },
    activities: throughputHandActivities(),
    identity: `worker-${process.pid}`,
  });
  const running = worker.run();
  process.stdout.write(`ready ${process.pid}\n`);
  await running;
  await connection.close();
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
