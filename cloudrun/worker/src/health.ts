// /healthz (liveness: the process answers) and /readyz (readiness: 200 only while the worker polls, with its
// state in the body) on $PORT, for Cloud Run services and probes.
import { createServer, type Server } from 'node:http';

export interface HealthInfo {
  /** The worker's state (`RUNNING` while polling), or `STARTING` before it exists. */
  state(): string;
  identity: string;
  buildId: string;
}

/** Starts the health server; resolves once it listens. */
export async function startHealthServer(port: number, info: HealthInfo): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const state = info.state();
    const reply = (status: number, body: object) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    if (path === '/healthz') return reply(200, { status: 'ok', state });
    if (path === '/readyz')
      return reply(state === 'RUNNING' ? 200 : 503, { state, identity: info.identity, buildId: info.buildId });
    return reply(404, { error: 'not found' });
  });
  await new Promise<void>((listening, failed) => server.once('error', failed).listen(port, '0.0.0.0', listening));
  return server;
}
