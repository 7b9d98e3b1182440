// functions/ in the real Firebase Auth and Functions emulators, offline (`firebase emulators:exec`, UI off,
// CI=true), driven by the Firebase client SDK (test/fixtures/firebase-client.mjs): real ID tokens from the Auth
// emulator, the callable wire protocol both ways (plain and streaming), against this file's dev server and worker.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../examples/demo/flows'; // the worker's flows (tripPlanner with the scripted demo model)
import { DefaultPayloadConverter } from '@temporalio/common';
import { getTemporalClient } from '../../src/client/connection';
import { parseContextKeys } from '../../src/identity/context-keys';
import type { FlowRunRequest } from '../../src/common/types';
import { cliHistoryText } from '../helpers/history-secrets';
import { useWorker } from '../helpers/temporal';

const root = resolve(__dirname, '../..');
const firebaseBin = join(root, 'node_modules/.bin/firebase');
const envLocal = join(root, 'functions/.env.local');
const secretLocal = join(root, 'functions/.secret.local');
// The worker accepts only runs whose caller identity was signed with this key: every run below proves that the
// callables and the functions' HTTP API sign what they start (GENKITX_CONTEXT_KEYS in the functions' env).
const contextKey = `fb-1:${randomBytes(32).toString('base64')}`;
const worker = useWorker('fb-emulator', { contextTrust: { contextKeys: parseContextKeys(contextKey) } });

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * firebase.json with free ports, so runs in other checkouts on the same machine do not collide. It lives next
 * to firebase.json because the functions source is resolved relative to the config file.
 */
async function writeTestConfig(): Promise<{ path: string; functionsPort: number; authPort: number }> {
  const [auth, functions, hub, logging, eventarc, tasks] = await Promise.all(Array.from({ length: 6 }, freePort));
  const path = join(root, `.firebase-test-${randomUUID().slice(0, 8)}.json`);
  const config = {
    functions: [{ source: 'functions', codebase: 'default', ignore: ['node_modules', '*.local'] }],
    emulators: {
      singleProjectMode: true,
      ui: { enabled: false },
      ...Object.fromEntries(
        Object.entries({ auth, functions, hub, logging, eventarc, tasks }).map(([k, port]) => [k, { port }]),
      ),
    },
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return { path, functionsPort: functions, authPort: auth };
}

/**
 * Runs the client script inside `firebase emulators:exec`; resolves with the script's outcomes and the log. When
 * the script prints STOP_WORKER, the worker is stopped and `noWorkerFile` written, so the script goes on with no
 * worker polling the functions' task queue (as during a rollout).
 */
async function runInEmulators(noWorkerFile: string): Promise<{ code: number | null; result?: any; log: string }> {
  const home = mkdtempSync(join(tmpdir(), 'firebase-home-'));
  const config = await writeTestConfig();
  const script = `node ${join(root, 'test/fixtures/firebase-client.mjs')}`;
  const child = spawn(
    firebaseBin,
    ['emulators:exec', '--config', config.path, '--only', 'auth,functions', '--project', 'demo-genkitx', script],
    {
      cwd: root,
      env: {
        ...process.env,
        CI: 'true',
        NO_UPDATE_NOTIFIER: '1',
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        FUNCTIONS_PORT: String(config.functionsPort),
        FIREBASE_AUTH_EMULATOR_HOST: `127.0.0.1:${config.authPort}`,
        NO_WORKER_FILE: noWorkerFile,
        NODE_OPTIONS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  let stopping = false;
  child.stdout.on('data', (d) => {
    log += d;
    if (stopping || !log.includes('STOP_WORKER')) return;
    stopping = true;
    void worker.stop().then(() => writeFileSync(noWorkerFile, 'stopped'));
  });
  child.stderr.on('data', (d) => (log += d));
  return new Promise((done) =>
    child.on('close', (code) => {
      rmSync(home, { recursive: true, force: true });
      rmSync(config.path, { force: true });
      const line = log.split('\n').find((l) => l.startsWith('RESULT '));
      done({ code, log, result: line ? JSON.parse(line.slice('RESULT '.length)) : undefined });
    }),
  );
}

let run: Awaited<ReturnType<typeof runInEmulators>>;

beforeAll(async () => {
  const { address, namespace, taskQueue } = worker.opts();
  // The emulator loads functions/.env.local into the functions' environment and the values of their declared
  // secrets from functions/.secret.local (emulator only, never deployed). The other declared secrets
  // (GENKITX_ENCRYPTION_KEYS, TEMPORAL_API_KEY) stay unset here: no encryption, no API key.
  writeFileSync(
    envLocal,
    `TEMPORAL_ADDRESS=${address}\nTEMPORAL_NAMESPACE=${namespace}\nTEMPORAL_TASK_QUEUE=${taskQueue}\n`,
  );
  writeFileSync(secretLocal, `GENKITX_CONTEXT_KEYS=${contextKey}\n`);
  const noWorkerFile = join(mkdtempSync(join(tmpdir(), 'fb-no-worker-')), 'stopped');
  try {
    run = await runInEmulators(noWorkerFile);
  } finally {
    rmSync(envLocal, { force: true });
    rmSync(secretLocal, { force: true });
    rmSync(dirname(noWorkerFile), { recursive: true, force: true });
  }
  if (!run.result) console.error(run.log);
}, 240_000);

describe('functions/ in the Firebase emulators, via the Firebase client SDK', () => {
  it('the emulators ran the client script to the end', () => {
    expect(existsSync(firebaseBin)).toBe(true);
    expect(run.code).toBe(0);
    expect(run.result).toBeDefined();
  });

  it('a signed-in user starts a flow and polls it to its result', () => {
    const { started, polled, aliceUid } = run.result;
    expect(started).toMatchObject({ workflowId: expect.stringMatching(/^tripPlanner-/), runId: expect.any(String) });
    expect(polled).toMatchObject({ workflowId: started.workflowId, status: 'COMPLETED', flowName: 'tripPlanner' });
    expect(polled.result).toEqual({ plan: expect.stringContaining('Lisbon'), bookingId: 'booking-lisbon-2d' });
    expect(aliceUid).toEqual(expect.any(String));
  });

  it("the callable signed the run's identity for the worker: the uid, decoded claims only", async () => {
    const history = await cliHistoryText(run.result.started.workflowId);
    expect(history).toContain('contextSignature');
    expect(history).toContain(run.result.aliceUid);
    expect(history).not.toContain('rawToken');
  });

  it('a callable and the HTTP API give the flow one context.auth shape for the same user: { uid, token }', async () => {
    const { started, httpStarted, aliceUid } = run.result;
    expect(httpStarted.status).toBe(202);
    const client = await getTemporalClient(worker.opts());
    const authOf = async (workflowId: string) => {
      const [first] = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const payload = first!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      return (new DefaultPayloadConverter().fromPayload(payload) as FlowRunRequest).context?.auth as {
        uid: string;
        token: Record<string, unknown>;
      };
    };
    const [viaCallable, viaHttp] = await Promise.all([authOf(started.workflowId), authOf(httpStarted.body.workflowId)]);
    for (const auth of [viaCallable, viaHttp]) {
      expect(Object.keys(auth).sort()).toEqual(['token', 'uid']);
      expect(auth.uid).toBe(aliceUid);
      expect(auth.token).toMatchObject({ email: expect.stringMatching(/^alice-/), user_id: aliceUid });
    }
    expect(Object.keys(viaHttp.token).sort()).toEqual(Object.keys(viaCallable.token).sort());
  });

  it('streams it: each chunk with its offset, then the result; a reconnect resumes from an offset', () => {
    const { streamed, resumed } = run.result;
    const texts = streamed.chunks.map((c: { chunk: string }) => c.chunk);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(streamed.chunks.map((c: { offset: number }) => c.offset)).toEqual(texts.map((_: string, i: number) => i));
    expect(streamed.data.result).toMatchObject({ bookingId: 'booking-porto-1d' });
    expect(resumed.chunks.map((c: { chunk: string }) => c.chunk)).toEqual(texts.slice(1));
    expect(resumed.data).toMatchObject({ status: 'COMPLETED', result: streamed.data.result });
  });

  it('another user cannot read, stream or cancel the run (not-found)', () => {
    expect(run.result.otherUser).toEqual({
      get: 'functions/not-found',
      stream: 'functions/not-found',
      cancel: 'functions/not-found',
    });
  });

  it('a signed-out call is rejected (unauthenticated)', () => {
    expect(run.result.signedOut).toEqual({ start: 'functions/unauthenticated', get: 'functions/unauthenticated' });
  });

  it('the HTTP API export (onRequest + Hono) knows the same owner by the same ID token', () => {
    const { owner, other, anonymous } = run.result.httpApi;
    expect(owner).toMatchObject({
      status: 200,
      body: { workflowId: run.result.started.workflowId, status: 'COMPLETED' },
    });
    expect(other.status).toBe(404);
    expect(anonymous.status).toBe(401);
  });

  it('with no worker polling (a rollout), the callable still answers a status read within 1 s', async () => {
    const { running, completed } = run.result.noWorker;
    console.log(`[fb-emulator] get with no worker: running ${running.ms} ms, completed ${completed.ms} ms`);
    // A run started while no worker polls: its status, flow, and that progress is unavailable.
    expect(running.data).toMatchObject({
      status: 'RUNNING',
      flowName: 'tripPlanner',
      pendingInputs: [],
      progressUnavailable: {
        status: expect.stringMatching(/^(DEADLINE_EXCEEDED|UNAVAILABLE)$/),
        message: expect.stringContaining('no worker'),
      },
    });
    expect(running.ms).toBeLessThan(1_000);
    // A completed run's result comes from history.
    expect(completed.data).toMatchObject({ status: 'COMPLETED', result: run.result.polled.result });
    expect(completed.ms).toBeLessThan(1_000);
    await (await getTemporalClient(worker.opts())).workflow.getHandle(running.data.workflowId).terminate();
  });

  it('invalid input is invalid-argument', () => {
    expect(run.result.invalid).toEqual({
      days: 'functions/invalid-argument',
      missing: 'functions/invalid-argument',
      action: 'functions/invalid-argument',
    });
  });
});
