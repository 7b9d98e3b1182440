// The harness's worker process (test/harness/worker-processes.ts) on the test dev server, hosting the test fixture
// flows, for kill and graceful-shutdown tests.
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../harness/worker-processes';
import { address, namespace } from './temporal';

export type { WorkerProcess };

/** The flows a test worker process hosts. */
const fixtureFlows = [
  'durable-flows.ts',
  'basic-flows.ts',
  'hitl-flows.ts',
  'durability-flows.ts',
  'failover-flows.ts',
  'usage-flows.ts',
];

/** Which worker program to run (a fixture under test/fixtures, instead of the fixture flows) and its bundle. */
export interface WorkerProgram {
  script?: string;
  bundlePath?: string;
}

/** Spawns a worker process on `taskQueue` and resolves once it is polling. */
export function spawnWorker(
  taskQueue: string,
  env: Record<string, string>,
  program: WorkerProgram = {},
): Promise<WorkerProcess> {
  return spawnWorkerProcess({
    address: address(),
    namespace: namespace(),
    taskQueue,
    bundlePath: program.bundlePath ?? inject('workflowBundlePath'),
    flows: fixtureFlows.map((file) => resolve(__dirname, '../fixtures', file)),
    script: program.script && resolve(__dirname, '../fixtures', program.script),
    env,
  });
}
