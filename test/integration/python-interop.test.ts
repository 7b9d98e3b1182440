// A Python client starts a Genkit flow by workflow type name (`runGenkitFlow`) and gets its result: the
// cross-SDK contract documented in src/workflows/run-genkit-flow.ts. The Python SDK is installed on first run
// into the gitignored .tools/python, so a fresh clone needs only python3 with pip.
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTemporalClients } from '../../src';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import '../fixtures/basic-flows'; // registers greetFlow for the worker
import { address, namespace, newClient, startWorker, uniqueTaskQueue } from '../helpers/temporal';
import { describeWithTool } from '../helpers/tools';

const run = promisify(execFile);

const TEMPORALIO_VERSION = '1.35.0';
const root = resolve(__dirname, '../..');
const pythonPath = join(root, '.tools', 'python');
const script = join(__dirname, '..', 'interop', 'start_flow.py');
const installed = () => existsSync(join(pythonPath, `temporalio-${TEMPORALIO_VERSION}.dist-info`));

const hasPython = spawnSync('python3', ['--version']).status === 0;
// pip is needed only for the first install; a cached .tools/python is enough without it.
const hasPip = hasPython && (installed() || spawnSync('python3', ['-m', 'pip', '--version']).status === 0);
const missing = !hasPython ? 'python3 is not on PATH' : !hasPip ? 'pip for python3 (python3 -m pip) is missing' : '';
describeWithTool('Python', missing || undefined)('Python client', () => {
  const taskQueue = uniqueTaskQueue('python-interop');
  let worker: TemporalWorkerHandle | undefined;

  beforeAll(async () => {
    if (!installed()) {
      // --upgrade replaces an older pinned version left in the folder instead of refusing to overwrite it.
      await run(
        'python3',
        [
          '-m',
          'pip',
          'install',
          '--disable-pip-version-check',
          '--quiet',
          '--upgrade',
          '--target',
          pythonPath,
          `temporalio==${TEMPORALIO_VERSION}`,
        ],
        { cwd: root, env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' }, maxBuffer: 16 * 1024 * 1024 },
      );
    }
    worker = await startWorker(taskQueue);
  }, 300_000);

  afterAll(async () => {
    await worker?.shutdown();
    await closeTemporalClients();
  });

  it('starts runGenkitFlow by name with {flowName, input} and receives the flow output', async () => {
    const workflowId = `python-interop-${randomUUID()}`;
    // Async execFile: the worker runs in this process and must keep polling while Python waits.
    const { stdout } = await run(
      'python3',
      [script, address(), taskQueue, '--namespace', namespace(), '--workflow-id', workflowId],
      { cwd: root, env: { ...process.env, PYTHONPATH: pythonPath }, timeout: 50_000 },
    );
    expect(JSON.parse(stdout.trim())).toEqual({ greeting: 'hello Py, hello Py', length: 18 });

    // The run really was the generic workflow on our queue, not something else answering.
    const client = await newClient();
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.type).toBe('runGenkitFlow');
      expect(description.taskQueue).toBe(taskQueue);
      expect(description.status.name).toBe('COMPLETED');
    } finally {
      await client.connection.close();
    }
  });
});
