// One Temporal Update round trip (client → server → workflow task on the worker → back), the floor under
// the cost of an acknowledged journal write.
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { percentile } from './journal-overhead';
import { pingUpdate } from './ping-workflow';

export async function measureUpdateRtt(connection: NativeConnection, client: Client, samples: number) {
  const taskQueue = 'bench-ping';
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: require.resolve('./ping-workflow') });
  const running = worker.run();
  try {
    const handle = await client.workflow.start('pingWorkflow', { taskQueue, workflowId: `ping-${Date.now()}` });
    const times: number[] = [];
    for (let i = 0; i < samples + 10; i++) {
      const started = performance.now();
      await handle.executeUpdate(pingUpdate, { args: [1] });
      if (i >= 10) times.push(performance.now() - started); // the first few warm caches up
    }
    await handle.executeUpdate(pingUpdate, { args: [-1] });
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  } finally {
    worker.shutdown();
    await running;
  }
}
