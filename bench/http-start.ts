// Starting a run through the HTTP API (`POST /flows/:name`, 202) vs a raw `client.workflow.start`, and vs a
// hand-written Hono route that calls `client.workflow.start` (bench/http-hand-process.ts), all warm (connection and
// HTTP keep-alive reused), alternating A B C …. The API and the hand-written app each run in a process of their own,
// as deployed (bench/http-api-process.ts); the API also runs in the caller's process, where the caller's `fetch`
// shares one event loop with the API and the Temporal client. The runs go to a task queue with no worker, so
// running them costs nothing during the measurement.
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { flowRef, getTemporalClient, startFlowWorkflow } from '../src/client';
import { createFlowApi } from '../src/http';

export interface HttpStartResult {
  runsPerSide: number;
  /** The API in its own process (as deployed). */
  http: { p50: number; p95: number };
  /** The API in the caller's process. */
  httpInProcess: { p50: number; p95: number };
  raw: { p50: number; p95: number };
  /** A hand-written Hono route calling `client.workflow.start`, in its own process. */
  hand: { p50: number; p95: number };
  /** `startFlowWorkflow` in-process (memo, search attribute, summary): what the HTTP route adds its own cost to. */
  library: { p50: number; p95: number };
  /** p50 HTTP (own process) / p50 raw. */
  ratio: number;
  /** p50 HTTP (the caller's process) / p50 raw. */
  inProcessRatio: number;
  /** p50 HTTP / p50 library: the HTTP layer's own share. */
  httpLayerRatio: number;
  /** p50 HTTP (own process) / p50 of the hand-written Hono route (own process). */
  handRatio: number;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

export async function measureHttpStart(options: { address: string; runs: number }): Promise<HttpStartResult> {
  const taskQueue = `bench-http-${randomUUID().slice(0, 8)}`; // nobody polls it
  const app = createFlowApi({ address: options.address, taskQueue, flows: [flowRef('benchFlow')] });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const inProcessUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flows/benchFlow`;
  const [api, url] = await startProcess('http-api-process.ts', options.address, taskQueue);
  const [hand, handUrl] = await startProcess('http-hand-process.ts', options.address, taskQueue);
  const client = await getTemporalClient({ address: options.address });
  const post = async (url: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"data":1}',
    });
    if (res.status !== 202) throw new Error(`HTTP start answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const viaHttp = () => post(url);
  const viaHttpInProcess = () => post(inProcessUrl);
  const viaHand = () => post(handUrl);
  const raw = () =>
    client.workflow.start('runGenkitFlow', {
      workflowId: `benchFlow-${randomUUID()}`,
      taskQueue,
      args: [{ flowName: 'benchFlow', input: 1 }],
    });
  const library = () => startFlowWorkflow('benchFlow', 1, { address: options.address, taskQueue });
  const samples = {
    http: [] as number[],
    httpInProcess: [] as number[],
    raw: [] as number[],
    library: [] as number[],
    hand: [] as number[],
  };
  try {
    // warm-up
    for (let i = 0; i < 5; i++) await Promise.all([viaHttp(), viaHttpInProcess(), raw(), library(), viaHand()]);
    for (let i = 0; i < options.runs; i++) {
      for (const [side, fn] of [
        ['http', viaHttp],
        ['httpInProcess', viaHttpInProcess],
        ['raw', raw],
        ['library', library],
        ['hand', viaHand],
      ] as const) {
        const t = performance.now();
        await fn();
        samples[side].push(performance.now() - t);
      }
    }
  } finally {
    server.close();
    api.kill('SIGTERM');
    hand.kill('SIGTERM');
  }
  const http = { p50: pct(samples.http, 0.5), p95: pct(samples.http, 0.95) };
  const stats = (xs: number[]) => ({ p50: pct(xs, 0.5), p95: pct(xs, 0.95) });
  const [rawStats, lib, inProcess] = [stats(samples.raw), stats(samples.library), stats(samples.httpInProcess)];
  const handStats = stats(samples.hand);
  return {
    runsPerSide: options.runs,
    http,
    httpInProcess: inProcess,
    raw: rawStats,
    hand: handStats,
    library: lib,
    ratio: http.p50 / rawStats.p50,
    inProcessRatio: inProcess.p50 / rawStats.p50,
    httpLayerRatio: http.p50 / lib.p50,
    handRatio: http.p50 / handStats.p50,
  };
}

/** Spawns `bench/<file> <address> <taskQueue>` and waits for its `listening <port>`: the process and its URL. */
async function startProcess(file: string, address: string, taskQueue: string): Promise<[ChildProcess, string]> {
  // BENCH_PROF_DIR: CPU-profile the process (node --cpu-prof) into that directory, to take its per-start work apart.
  const prof = process.env.BENCH_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF_DIR] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', join(__dirname, file), address, taskQueue], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}/flows/benchFlow`);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before listening`)));
  });
  return [child, url];
}
