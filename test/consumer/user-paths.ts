// The user-path matrix: {ESM, CommonJS} × {encryption by GENKITX_ENCRYPTION_KEYS only, by an explicit converter}
// × {the kit's Cloud Run templates copied out of the repository, startTemporalWorker in the user's own script}.
// Every cell runs the same flow the way that user would (the user's files are written below as they would write
// them), on two worker processes:
// - one run succeeds; its worker is SIGTERMed while the run's second step is in flight, and the next attempt of
//   that step must start on the other worker within 1.5 s of the signal (a graceful worker fails it over at once;
//   a worker that just exits leaves it to the 10 s heartbeat timeout);
// - one run fails with a message that quotes its input;
// - the raw history of both (payloads as the server stores them, no codec) holds none of the input, the output
//   or the failure message in plaintext, while the user's own client (or the API) reads all three back.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { expect, inject } from 'vitest';
import { rawHistoryText, secretsIn } from '../helpers/history-secrets';
import { waitFor } from '../helpers/temporal';
import type { ConsumerProject, Flavour, Started } from './harness';

/** How the cell's user turns encryption on. */
export type Encryption = 'env' | 'explicit';

/** The next attempt must start on another worker within this long of the SIGTERM (the kit's promise). */
export const FAILOVER_BOUND_MS = 1_500;

// ---------------------------------------------------------------------------------------------------------------
// The user's code. One flow body, valid as TypeScript (the template cells compile it with the template's tsc) and
// as JavaScript (the script cells run it as is). `APP_ENCRYPTION_KEY` is the user's own secret: with it, the user
// builds the converter and passes it explicitly; GENKITX_ENCRYPTION_KEYS is then unset.

const FLOW = `
const appKey = process.env.APP_ENCRYPTION_KEY;
export const dataConverter = appKey
  ? createDataConverter({ encryption: { keys: [{ id: 'app-1', key: appKey }] } })
  : undefined;

const note = (step = '', run = '') =>
  appendFileSync(String(process.env.LEDGER_FILE), JSON.stringify({ step, run, pid: process.pid, at: Date.now() }) + '\\n');
const sleep = (ms = 0) => new Promise((wake) => setTimeout(wake, ms));

export const ai = genkit({ plugins: [temporal(TEMPORAL_PLUGIN_OPTIONS)] });

export const orderFlow = defineTemporalFlow(
  ai,
  {
    name: 'orderFlow',
    inputSchema: z.object({ secret: z.string(), fail: z.boolean().optional() }),
    temporal: { heartbeatTimeout: '10s', retry: { initialInterval: '200ms', maximumAttempts: 3 } },
  },
  async ({ secret, fail }) => {
    const reserved = await step('reserve', async () => {
      note('reserve', secret);
      return 'reserved ' + secret;
    });
    if (fail) throw new GenkitError({ status: 'INVALID_ARGUMENT', message: 'order rejected: ' + secret.toUpperCase() });
    const charged = await step('charge', async (signal) => {
      note('charge', secret);
      while (!existsSync(String(process.env.GATE_FILE))) {
        if (signal.aborted) throw signal.reason;
        await sleep(50);
      }
      return 'charged';
    });
    return { receipt: secret.split('').reverse().join(''), reserved, charged };
  },
);
`;

const ESM_FLOW_IMPORTS = `import { appendFileSync, existsSync } from 'node:fs';
import { genkit, GenkitError, z } from 'genkit';
import { defineTemporalFlow, step, temporal } from 'genkitx-temporal';
import { createDataConverter } from 'genkitx-temporal/codec';
`;

/** The template cells' flows module (`src/flows.ts` of the worker template): the converter goes to the plugin. */
export const templateWorkerFlows = () =>
  `// FLOWS_MODULE of the user-path matrix.\n${ESM_FLOW_IMPORTS}${FLOW.replace('TEMPORAL_PLUGIN_OPTIONS', '{ dataConverter }')}`;

/** The template cells' API flows module (`src/flows.ts` of the API template): references and the converter. */
export const templateApiFlows = () => `import { flowRef } from 'genkitx-temporal/client';
import { createDataConverter } from 'genkitx-temporal/codec';
import { z } from 'zod';

export const flows = [
  flowRef('orderFlow', { inputSchema: z.object({ secret: z.string(), fail: z.boolean().optional() }) }),
];

const appKey = process.env.APP_ENCRYPTION_KEY;
export const dataConverter = appKey
  ? createDataConverter({ encryption: { keys: [{ id: 'app-1', key: appKey }] } })
  : undefined;
`;

/**
 * The script cells' files: `flows.js` (the flows, as above), `worker.js` (startTemporalWorker, the converter
 * passed to it) and `client.js` (the user's client, the converter passed to it), ESM or CommonJS.
 */
export function scriptFiles(flavour: Flavour): Record<string, string> {
  const flows = FLOW.replace('TEMPORAL_PLUGIN_OPTIONS', '');
  const worker = `const handle = await startTemporalWorker({ dataConverter, shutdownGraceTime: '5s' });
console.log(JSON.stringify({ polling: process.pid }));
await handle.done;
console.log(JSON.stringify({ stopped: process.pid }));
`;
  // One client process for both runs, as a user's script would: it prints one JSON line per step.
  const client = `const [input, failingInput, failingId] = process.argv.slice(2);
const options = { dataConverter };
const handle = await startFlowWorkflow(flowRef('orderFlow'), JSON.parse(input), options);
console.log(JSON.stringify({ workflowId: handle.workflowId }));
console.log(JSON.stringify({ result: await handle.result() }));
try {
  await executeFlowWorkflow(flowRef('orderFlow'), JSON.parse(failingInput), { ...options, workflowId: failingId });
  console.log(JSON.stringify({ error: null }));
} catch (err) {
  console.log(JSON.stringify({ error: { status: err.status, message: err.message } }));
}
await closeTemporalClients();
`;
  const clientImports = `{ closeTemporalClients, executeFlowWorkflow, flowRef, startFlowWorkflow }`;
  if (flavour === 'esm') {
    return {
      'flows.js': ESM_FLOW_IMPORTS + flows,
      'worker.js': `import { startTemporalWorker } from 'genkitx-temporal';\nimport { dataConverter } from './flows.js';\n${worker}`,
      // The main entry (its ESM build) here, the light client in the CommonJS project: both load the failure
      // converter by path.
      'client.js': `import ${clientImports} from 'genkitx-temporal';\nimport { dataConverter } from './flows.js';\n${client}`,
    };
  }
  const cjs = (body: string) =>
    `(async () => {\n${body}})().catch((err) => {\n  console.error(err);\n  process.exit(1);\n});\n`;
  return {
    'flows.js': `const { appendFileSync, existsSync } = require('node:fs');
const { genkit, GenkitError, z } = require('genkit');
const { defineTemporalFlow, step, temporal } = require('genkitx-temporal');
const { createDataConverter } = require('genkitx-temporal/codec');
${flows.replace(/^export const (\w+) =/gm, 'const $1 = exports.$1 =')}`,
    'worker.js': `const { startTemporalWorker } = require('genkitx-temporal');\nconst { dataConverter } = require('./flows.js');\n${cjs(worker)}`,
    'client.js': `const ${clientImports} = require('genkitx-temporal/client');\nconst { dataConverter } = require('./flows.js');\n${cjs(client)}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The cell: what the test does around the user's code.

/** The environment of a cell's processes: Temporal, the ledger and gate files, and the cell's encryption. */
export function cellEnv(dir: string, taskQueue: string, encryption: Encryption): Record<string, string> {
  const key = randomBytes(32).toString('base64');
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    LEDGER_FILE: join(dir, `ledger-${taskQueue}.jsonl`),
    GATE_FILE: join(dir, `gate-${taskQueue}`),
    ...(encryption === 'env' ? { GENKITX_ENCRYPTION_KEYS: `k1:${key}` } : { APP_ENCRYPTION_KEY: key }),
  };
}

interface LedgerEntry {
  step: string;
  /** The run's input secret. */
  run: string;
  pid: number;
  at: number;
}

function ledger(env: Record<string, string>): LedgerEntry[] {
  if (!existsSync(env.LEDGER_FILE)) return [];
  return readFileSync(env.LEDGER_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerEntry);
}

/** How the cell reaches its runs: the user's client script, or the API. */
export interface CellRuns {
  /** Starts the run and returns its workflow ID; `next` is the input of the failing run that follows. */
  start(input: object, next?: object): Promise<string>;
  /** The finished run's result, read through the user's client or the API. */
  result(workflowId: string): Promise<unknown>;
  /** Runs the failing input to its end; the error the user's client or the API reports. */
  failure(input: object): Promise<{ workflowId: string; status: string; message: string }>;
}

export interface CellOutcome {
  /** SIGTERM → the next attempt of the in-flight step starting on the other worker. */
  failoverMs: number;
  victimExit: number | string;
}

/**
 * Runs a cell on two started workers (`ready` resolves when both poll). Asserts everything the matrix promises
 * and returns the measurements.
 */
export async function runCell(options: {
  label: string;
  workers: [Started, Started];
  env: Record<string, string>;
  runs: CellRuns;
  client: Client;
}): Promise<CellOutcome> {
  const { workers, env, runs, client } = options;
  const secret = randomBytes(12).toString('hex');
  const failing = randomBytes(12).toString('hex');
  const plaintext = {
    input: secret,
    output: secret.split('').reverse().join(''),
    failureInput: failing,
    failureMessage: failing.toUpperCase(),
  };

  // The successful run, and a SIGTERM to the worker running its in-flight step.
  const failingInput = { secret: failing, fail: true };
  const workflowId = await runs.start({ secret }, failingInput);
  const first = await waitFor(() => ledger(env).find((e) => e.step === 'charge'), 60_000, 'step charge to start');
  const victim = workers.find((w) => w.child.pid === first.pid);
  expect(victim, `the step ran in pid ${first.pid}, not in a worker of this cell`).toBeDefined();
  const survivor = workers.find((w) => w !== victim)!;
  const signalledAt = Date.now();
  victim!.child.kill('SIGTERM');
  const next = await waitFor(
    () => ledger(env).find((e) => e.step === 'charge' && e.pid === survivor.child.pid),
    30_000,
    'the step on the other worker',
  );
  const failoverMs = next.at - signalledAt;
  const victimExit = await Promise.race([
    victim!.exited,
    new Promise<string>((r) => setTimeout(() => r('still running 15 s after SIGTERM'), 15_000)),
  ]);
  writeFileSync(env.GATE_FILE, 'open');
  expect(await runs.result(workflowId)).toEqual({
    receipt: plaintext.output,
    reserved: `reserved ${secret}`,
    charged: 'charged',
  });
  // The completed step was not repeated.
  expect(ledger(env).filter((e) => e.step === 'reserve' && e.run === secret)).toHaveLength(1);

  // The failing run: the user reads the message back in full.
  const failed = await runs.failure(failingInput);
  expect(failed.status).toBe('INVALID_ARGUMENT');
  expect(failed.message).toContain(`order rejected: ${plaintext.failureMessage}`);

  // What an operator with namespace access sees: no plaintext of either run. (Soft: a failing cell reports all three.)
  const leaked = [];
  for (const id of [workflowId, failed.workflowId]) {
    leaked.push(...secretsIn(await rawHistoryText(client.workflow.getHandle(id)), plaintext).map((s) => `${id}: ${s}`));
  }
  expect.soft(leaked, `${options.label}: plaintext in raw history`).toEqual([]);
  expect.soft(victimExit, `${options.label}: the SIGTERMed worker's exit\n${victim!.output()}`).toBe(0);
  expect
    .soft(failoverMs, `${options.label}: SIGTERM → next attempt on the other worker`)
    .toBeLessThanOrEqual(FAILOVER_BOUND_MS);
  return { failoverMs, victimExit };
}

/** Waits until the process's output matches, failing early (with its output) if it exits first. */
export async function waitForOutput(started: Started, pattern: RegExp, what: string, timeoutMs = 90_000) {
  await waitFor(
    () => {
      if (pattern.test(started.output())) return true;
      if (started.child.exitCode !== null) throw new Error(`${what}: exited early\n${started.output()}`);
      return false;
    },
    timeoutMs,
    what,
  );
}

/** Stops what is still running (SIGKILL: the cell is over). */
export function stopAll(started: Started[]): void {
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The flavour × encryption cells of one host. */
export const CELLS: { flavour: Flavour; encryption: Encryption }[] = [
  { flavour: 'esm', encryption: 'env' },
  { flavour: 'esm', encryption: 'explicit' },
  { flavour: 'cjs', encryption: 'env' },
  { flavour: 'cjs', encryption: 'explicit' },
];

export type { ConsumerProject };
