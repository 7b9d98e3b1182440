// createFlowApi and flowWebhook resolve their connection settings (options, plugin defaults, environment, profile
// file) once, when they are created, rather than on every start: a start costs no file read and no walk of the
// environment.
// These tests pin what that means for its callers, against the real dev server.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'genkit';
import { flowRef } from '../../src/client/flow-ref';
import { Hono } from 'hono';
import { createFlowApi, flowWebhook, githubWebhook } from '../../src/http';
import { address, namespace, newClient, uniqueTaskQueue } from '../helpers/temporal';

const dir = mkdtempSync(join(tmpdir(), 'genkitx-flow-api-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const profileFile = (target: string) => {
  const file = join(dir, `temporal-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, `[profile.default]\naddress = "${target}"\nnamespace = "${namespace()}"\n`);
  return file;
};
const start = (app: ReturnType<typeof createFlowApi>, flow: string, data: unknown) =>
  app.request(`/flows/${flow}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ data }),
  });

describe('createFlowApi connection settings', () => {
  it('keeps the profile file it was created with: rewriting the file later does not move its starts', async () => {
    const file = profileFile(address());
    const taskQueue = uniqueTaskQueue('settings'); // nobody polls it: the run only has to exist
    const app = createFlowApi({ configSource: { path: file }, taskQueue, flows: [flowRef('settingsFlow')] });
    writeFileSync(file, '[profile.default]\naddress = "127.0.0.1:1"\n'); // nothing listens there

    const res = await start(app, 'settingsFlow', 1);
    expect(res.status).toBe(202);
    const { workflowId } = (await res.json()) as { workflowId: string };
    const description = await (await newClient()).workflow.getHandle(workflowId).describe();
    expect(description.taskQueue).toBe(taskQueue);
    expect(description.memo?.genkitFlow).toBe('settingsFlow');
  });

  it('applies startOptions over the API options on every start (task queue)', async () => {
    const apiQueue = uniqueTaskQueue('settings-api');
    const startQueue = uniqueTaskQueue('settings-start');
    const app = createFlowApi({
      address: address(),
      namespace: namespace(),
      taskQueue: apiQueue,
      startOptions: { taskQueue: startQueue },
      flows: [flowRef('settingsFlow')],
    });
    const first = (await (await start(app, 'settingsFlow', 1)).json()) as { workflowId: string };
    const second = (await (await start(app, 'settingsFlow', 2)).json()) as { workflowId: string };
    const client = await newClient();
    for (const { workflowId } of [first, second]) {
      expect((await client.workflow.getHandle(workflowId).describe()).taskQueue).toBe(startQueue);
    }
  });

  it('still validates every start against the flow schema: bad input is a 400 and starts nothing', async () => {
    const taskQueue = uniqueTaskQueue('settings-validate');
    const flow = flowRef('settingsTypedFlow', { inputSchema: z.object({ n: z.number() }) });
    const app = createFlowApi({ address: address(), namespace: namespace(), taskQueue, flows: [flow] });
    expect((await start(app, 'settingsTypedFlow', { n: 1 })).status).toBe(202);
    const bad = await start(app, 'settingsTypedFlow', { n: 'one' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { status: string }).status).toBe('INVALID_ARGUMENT');
    expect((await start(app, 'settingsTypedFlow', { n: 2 })).status).toBe(202);
  });
});

describe('flowWebhook connection settings', () => {
  it('keeps the profile file it was created with: rewriting the file later does not move its starts', async () => {
    const file = profileFile(address());
    const taskQueue = uniqueTaskQueue('settings-webhook');
    const secret = 'settings-secret';
    const app = new Hono().post(
      '/hook',
      flowWebhook(flowRef('settingsHookFlow'), {
        configSource: { path: file },
        taskQueue,
        verify: githubWebhook(secret),
      }),
    );
    writeFileSync(file, '[profile.default]\naddress = "127.0.0.1:1"\n');

    const body = JSON.stringify({ id: 'evt-1', type: 'ping' });
    const res = await app.request('/hook', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-GitHub-Delivery': `settings-${Math.random().toString(36).slice(2)}`,
        'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    });
    expect(res.status).toBe(202);
    const { workflowId } = (await res.json()) as { workflowId: string };
    expect((await (await newClient()).workflow.getHandle(workflowId).describe()).taskQueue).toBe(taskQueue);
  });
});
