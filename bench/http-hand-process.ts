// The baseline of P8: what a Temporal user writes by hand for an HTTP front door — a small Hono app whose one route
// reads the JSON body and calls `client.workflow.start`, in a process of its own (as the kit's API runs in
// bench/http-api-process.ts). No genkitx-temporal code: only @temporalio/client, Hono and its Node server.
// `node --import tsx bench/http-hand-process.ts <address> <taskQueue>` prints `listening <port>`.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';

const [address, taskQueue] = process.argv.slice(2);

async function main() {
  const client = new Client({ connection: await Connection.connect({ address }) });
  const app = new Hono();
  app.post('/flows/:name', async (c) => {
    const flowName = c.req.param('name');
    const { data } = await c.req.json<{ data?: unknown }>();
    const handle = await client.workflow.start('runGenkitFlow', {
      workflowId: `${flowName}-${randomUUID()}`,
      taskQueue,
      args: [{ flowName, input: data }],
    });
    return c.json({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId }, 202);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  server.once('listening', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
