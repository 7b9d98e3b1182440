// The flow API in a process of its own, as it is deployed (the caller's process holds no Temporal client):
// `node --import tsx bench/http-api-process.ts <address> <taskQueue> [flowName]` prints `listening <port>`.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { flowRef } from '../src/client';
import { createFlowApi } from '../src/http';

const [address, taskQueue, flowName = 'benchFlow'] = process.argv.slice(2);
const app = createFlowApi({ address, taskQueue, flows: [flowRef(flowName)] });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
server.once('listening', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
