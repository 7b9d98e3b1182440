// P1: a no-op flow through executeFlowWorkflow vs the same flow called from a hand-written workflow + activity, on
// one dev server and one process's workers: sequential latency (interleaved A B A B), wall time and CPU of
// `concurrent` runs started together, for each size in `concurrent` (rounds alternate sides), and history events
// per run on each side.
// P2: sequential calls per second, executeFlowWorkflow (cached connection) vs a new connection per call on the
// hand-written workflow (the original plugin's pattern).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { executeFlowWorkflow, startFlowWorkflow, WORKFLOW_TYPE } from '../src';
import { noopFlow } from '../test/harness/worker-flows';
import { callConnectPerCall, callHandwritten, HANDWRITTEN_WORKFLOW } from './handwritten';
import { processCpuMs } from './proc-cpu';
import { interleaved, spread, type Spread } from './stats';

export interface NoopOverheadResult {
  sequential: { ours: Spread; handwritten: Spread; ratioP50: number; ratioP95: number };
  /** One entry per size of `concurrent`, in the order asked. */
  concurrent: ConcurrentResult[];
  /** `byName`: started by name by a process that does not define the flow (the kit's front doors). */
  historyEvents: { ours: number; byName: number; handwritten: number };
}

export interface ConcurrentResult {
  runs: number;
  rounds: number;
  oursMs: number;
  handwrittenMs: number;
  ratio: number;
  /** CPU ms per run of this process (client + both workers) and of the dev server, median over the rounds. */
  cpuPerRun: { ours: CpuPerRun; handwritten: CpuPerRun; ratio: number };
}

export interface CpuPerRun {
  process: number;
  server: number;
  total: number;
}

export interface Sides {
  address: string;
  client: Client;
  /** Queue of the library's worker (noopFlow is registered in this process). */
  ourQueue: string;
  /** Queue of the hand-written worker. */
  handQueue: string;
  /** The dev server's PID, to read its CPU time too (Linux /proc); omitted: this process only. */
  serverPid?: number;
}

export async function measureNoopOverhead(s: Sides, opts: { runs: number; concurrent: number[]; rounds: number }) {
  const ours = () => executeFlowWorkflow(noopFlow, 1, { address: s.address, taskQueue: s.ourQueue });
  const hand = () => callHandwritten(s.client, s.handQueue, 1);
  await interleaved(3, ours, hand); // warm-up: caches, sticky queues, first connections
  const seq = await interleaved(opts.runs, ours, hand);
  const [o, h] = [spread(seq.a), spread(seq.b)];
  const concurrent: ConcurrentResult[] = [];
  for (const size of opts.concurrent) concurrent.push(await measureConcurrent(s, size, opts.rounds, ours, hand));
  const result: NoopOverheadResult = {
    sequential: { ours: o, handwritten: h, ratioP50: o.p50 / h.p50, ratioP95: o.p95 / h.p95 },
    concurrent,
    historyEvents: await historyEvents(s),
  };
  return result;
}

/** `size` runs started together, `rounds` rounds per side (sides alternate, the first side alternates too). */
async function measureConcurrent(
  s: Sides,
  size: number,
  rounds: number,
  ours: () => Promise<unknown>,
  hand: () => Promise<unknown>,
): Promise<ConcurrentResult> {
  const wall = { ours: [] as number[], hand: [] as number[] };
  const cpu = { ours: [] as CpuPerRun[], hand: [] as CpuPerRun[] };
  const serverCpu = () => (s.serverPid ? processCpuMs(s.serverPid) : 0);
  const sides = [
    ['ours', ours],
    ['hand', hand],
  ] as const;
  for (let r = 0; r < rounds; r++) {
    for (const [side, one] of r % 2 ? [...sides].reverse() : sides) {
      const [cpu0, server0] = [process.cpuUsage(), serverCpu()];
      const started = performance.now();
      await Promise.all(Array.from({ length: size }, one));
      wall[side].push(performance.now() - started);
      const used = process.cpuUsage(cpu0);
      const own = (used.user + used.system) / 1000 / size;
      const server = (serverCpu() - server0) / size;
      cpu[side].push({ process: own, server, total: own + server });
    }
  }
  const median = (xs: number[]) => spread(xs).p50;
  const cpuMedian = (xs: CpuPerRun[]): CpuPerRun => ({
    process: median(xs.map((c) => c.process)),
    server: median(xs.map((c) => c.server)),
    total: median(xs.map((c) => c.total)),
  });
  const cpuPerRun = { ours: cpuMedian(cpu.ours), handwritten: cpuMedian(cpu.hand) };
  return {
    runs: size,
    rounds,
    oursMs: median(wall.ours),
    handwrittenMs: median(wall.hand),
    ratio: median(wall.ours) / median(wall.hand),
    cpuPerRun: { ...cpuPerRun, ratio: cpuPerRun.ours.total / cpuPerRun.handwritten.total },
  };
}

/** Events in the history of one completed run on each side. */
async function historyEvents(s: Sides): Promise<NoopOverheadResult['historyEvents']> {
  const ours = await startFlowWorkflow(noopFlow, 2, { address: s.address, taskQueue: s.ourQueue });
  await ours.result();
  // What startFlowWorkflow sends when its process does not define the flow: no options, learnt from the attempt.
  const byName = await s.client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: s.ourQueue,
    workflowId: `by-name-${randomUUID()}`,
    args: [{ flowName: noopFlow.__action.name, input: 2, learnOptions: true }],
  });
  await byName.result();
  const hand = await s.client.workflow.start(HANDWRITTEN_WORKFLOW, {
    taskQueue: s.handQueue,
    workflowId: `hand-${randomUUID()}`,
    args: [2],
  });
  await hand.result();
  const count = async (h: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) =>
    (await h.fetchHistory()).events?.length ?? 0;
  return { ours: await count(ours), byName: await count(byName), handwritten: await count(hand) };
}

export interface CallsPerSecondResult {
  calls: number;
  oursPerSecond: number;
  connectPerCallPerSecond: number;
  ratio: number;
}

export async function measureCallsPerSecond(s: Sides, calls: number): Promise<CallsPerSecondResult> {
  const ours = () => executeFlowWorkflow(noopFlow, 1, { address: s.address, taskQueue: s.ourQueue });
  const perCall = () => callConnectPerCall(s.address, s.handQueue, 1);
  await interleaved(2, ours, perCall);
  const t = await interleaved(calls, ours, perCall);
  const perSecond = (xs: number[]) => (xs.length * 1000) / xs.reduce((a, b) => a + b, 0);
  const [o, c] = [perSecond(t.a), perSecond(t.b)];
  return { calls, oursPerSecond: o, connectPerCallPerSecond: c, ratio: o / c };
}
