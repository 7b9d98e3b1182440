// `npm run demo`: the whole kit on this machine, offline. A Temporal dev server, two Cloud Run worker processes
// and the front-door API start as real processes; a research-and-approval agent is started through the API the
// way a client app would; the scripted model has a bad afternoon (429 with Retry-After, then 503); one worker is
// SIGKILLed mid-step; the run pauses for approval and is approved through the API; a second run arrives as a
// signed webhook. The summary counts, from a ledger outside the workers, that no finished step ran twice.
//
//   npm run demo -- --keep                 leave everything running (Ctrl-C stops it)
//   npm run demo -- --interactive          ask y/n on the terminal (or wait for an answer from the run console)
//   npm run demo -- --summary-json <file>  also write the summary as JSON
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { closeTemporalClients, getFlowRun, provideFlowInput } from '../../src/client';
import type { AgentOutput, Progress } from './agent-schemas';
import { ApiClient, type RunView } from './api-client';
import { consoleRunPath, consoleSignInLink } from './console-link';
import { readLedger, type LedgerLine } from '../../test/harness/ledger';
import { RunNarration } from './narration';
import { startLocalStack, type LocalStack } from './local-stack';
import { Processes } from '../../test/harness/process-groups';
import { reportRun, type RunReport } from './run-report';
import { deliver, deliverForged, signDelivery } from './webhook';

const FLOW = 'researchAgent';

interface Options {
  keep: boolean;
  interactive: boolean;
  summaryJson?: string;
  firebase: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { keep: false, interactive: false, firebase: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--keep') options.keep = true;
    else if (arg === '--interactive') options.interactive = true;
    else if (arg === '--firebase') options.firebase = true;
    else if (arg === '--summary-json' && argv[i + 1]) options.summaryJson = argv[++i];
    else throw new Error(`unknown argument "${arg}" (use --keep, --interactive, --summary-json <file>)`);
  }
  return options;
}

/** Stops every process the demo started (also when the demo fails half-way). */
let stopEverything: () => Promise<void> = async () => undefined;
/** Set on Ctrl-C: what fails while the processes are being stopped is not worth printing. */
let interrupted = false;

const say = (line = '') => process.stdout.write(line + '\n');
const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const startedAt = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'genkitx-demo-'));
  const ledgerFile = join(workDir, 'ledger.jsonl');
  const gemini = Boolean(process.env.GEMINI_API_KEY || process.env.GOOGLE_API_KEY);

  const processes = new Processes(workDir);
  let stopping: Promise<void> | undefined;
  const stop = (stopEverything = () => (stopping ??= processes.stopAll().then(() => closeTemporalClients())));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      say(`\n${signal}: stopping every process the demo started…`);
      void stop().finally(() => process.exit(130));
    });
  }

  say('Starting: Temporal dev server, workflow bundle, 2 workers (cloudrun/worker), front-door API (cloudrun/api)…');
  if (options.firebase)
    say('  (--firebase: the callables run in the emulator in `npm test`; skipped here to keep the demo fast)');
  const stack = await startLocalStack({ processes, logDir: workDir, ledgerFile });
  const api = new ApiClient(stack.apiUrl, stack.apiToken);
  const uiRunLink = (id: string) => `${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(id)}`;
  const consoleLink = (id: string) => `${stack.apiUrl}${consoleRunPath(id)}`;
  // One click: signs the person in (the token in the fragment, never sent to a server) and opens the run.
  const signInLink = (id: string) => consoleSignInLink(stack.apiUrl, stack.apiToken, id);
  say(`  Temporal:   ${stack.temporalAddress}   Web UI: ${stack.uiUrl}`);
  say(
    `  Workers:    ${stack.workers.map((w) => `${w.name} (pid ${w.pid})`).join(', ')} on task queue "${stack.taskQueue}"`,
  );
  say(`  API:        ${stack.apiUrl}   (bearer token ${stack.apiToken})`);
  say(
    `  Model:      ${gemini ? (process.env.DEMO_MODEL ?? 'googleai/gemini-2.5-flash') : 'demo/researcher (scripted: 429 + Retry-After, then 503)'}`,
  );
  say(`  Logs:       ${workDir}   (ready in ${elapsed(startedAt)})`);

  // 1. A client app starts the agent through the API.
  const runStartedAt = Date.now();
  const input = { topic: 'durable AI agents', audience: 'platform engineers' };
  const { workflowId } = await api.startRun(FLOW, input, `demo-${randomUUID()}`);
  say(`\nPOST /flows/${FLOW} → run ${workflowId}`);
  say(`  Console: ${signInLink(workflowId)}`);
  say('           (one click: opens the run signed in; the token after # never leaves your browser)');
  say(`  Temporal UI: ${uiRunLink(workflowId)}\n`);

  const narration = new RunNarration(say);
  const chaos = watchLedger(ledgerFile, workflowId, stack, narration);
  const abort = new AbortController();
  const result = api.followEvents(workflowId, (chunk) => narration.progress(chunk as Progress), abort.signal);
  result.catch(() => undefined);
  const approval = await waitForApproval(api, workflowId, result);
  const answer = await decide(options, api, workflowId, approval, signInLink(workflowId));
  if (answer) await api.answer(workflowId, 'approval', answer, `approve-${workflowId}`);
  const output = (await result) as AgentOutput;
  const runWallMs = Date.now() - runStartedAt;
  chaos.stop();
  narration.finish();
  const finalView = await viewWithProgress(api, workflowId);
  say(
    `\n  Result: "${output.title}" → ${output.publishedUrl ?? 'not published'} (${output.approval.approved ? 'approved' : 'rejected'} by ${output.approval.reviewer})`,
  );

  // 2. A second run arrives as a signed webhook; a redelivery joins it.
  const webhookRun = await webhookDemo(stack);

  const ledger = readLedger(ledgerFile);
  const report = reportRun(ledger, workflowId);
  const summary = {
    workflowId,
    status: finalView.status,
    output,
    approvalApplied: answer
      ? output.approval.approved === answer.approved && output.approval.reviewer === answer.reviewer
      : Boolean(output.approval),
    report,
    temporal: {
      flowAttempts: finalView.progress?.attempt,
      failovers: finalView.progress?.failovers,
      stepsJournaled: finalView.progress?.stepsCompleted,
    },
    killedWorkerPid: chaos.killedPid(),
    webhook: webhookRun,
    runWallMs,
    wallMs: 0,
    links: {
      console: consoleLink(workflowId),
      consoleSignIn: signInLink(workflowId),
      temporalUi: uiRunLink(workflowId),
      webUi: stack.uiUrl,
      api: stack.apiUrl,
    },
    model: gemini ? 'gemini' : 'scripted',
    logDir: workDir,
    processes: [] as Array<{ name: string; pid: number; exit?: number | string }>,
  };
  printSummary(summary, report);

  if (options.keep) {
    say('\n--keep: the dev server, its Web UI, both workers and the API stay up; press Ctrl-C to stop them.');
    await new Promise(() => undefined); // until SIGINT / SIGTERM
  }
  await stop();
  summary.wallMs = Date.now() - startedAt;
  summary.processes = await Promise.all(
    stack.processes.list().map(async (p) => ({ name: p.name, pid: p.pid, exit: await p.exited })),
  );
  say(`\nStopped ${summary.processes.length} processes. Wall time ${(summary.wallMs / 1000).toFixed(1)} s.`);
  if (options.summaryJson) writeFileSync(options.summaryJson, JSON.stringify(summary, null, 2));
  return report.repeatedCompletedSteps.length === 0 ? 0 : 1;
}

/** Polls the run (through the API) until it waits for the approval; fails if the run ends first. */
/**
 * The finished run's view with its progress (attempts, failovers, steps). Progress is best effort per read: a worker
 * replays the closed run within the API's status budget, which a busy machine can miss; read again a few times.
 */
async function viewWithProgress(api: ApiClient, workflowId: string): Promise<RunView> {
  let view = await api.getRun(workflowId);
  for (let tries = 0; tries < 20 && !view.progress; tries++) {
    await new Promise((r) => setTimeout(r, 250));
    view = await api.getRun(workflowId);
  }
  return view;
}

async function waitForApproval(api: ApiClient, workflowId: string, result: Promise<unknown>): Promise<RunView> {
  let ended = false;
  void result.then(
    () => (ended = true),
    () => (ended = true),
  );
  for (;;) {
    const view = await api.getRun(workflowId);
    if (view.status === 'WAITING' && view.pendingInputs.some((i) => i.name === 'approval')) return view;
    if (ended || !['RUNNING', 'WAITING'].includes(view.status)) {
      await result; // throws the run's error, if it failed
      throw new Error(`the run ended (${view.status}) without asking for approval`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The approval: automatic, asked on the terminal, or given by someone in the run console (`--interactive`). */
async function decide(options: Options, api: ApiClient, workflowId: string, view: RunView, consoleUrl: string) {
  const pending = view.pendingInputs.find((i) => i.name === 'approval')!;
  say(`\n  ⏸ waiting for approval: ${pending.description ?? 'approval'} (no worker is held meanwhile)`);
  if (!options.interactive) {
    say(`  → POST /runs/${workflowId}/inputs/approval {"approved":true,"reviewer":"demo-reviewer"}`);
    return { approved: true, reviewer: 'demo-reviewer' };
  }
  say(`  Answer it in the console: ${consoleUrl}`);
  const answeredElsewhere = (async () => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const now = await api.getRun(workflowId);
      if (!now.pendingInputs.some((i) => i.name === 'approval')) return undefined;
    }
  })();
  if (!process.stdin.isTTY) return answeredElsewhere;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const typed = rl.question('  Publish it? [y/n] ').then((text) => ({
      approved: /^y/i.test(text.trim()),
      reviewer: process.env.USER ?? 'terminal',
    }));
    return await Promise.race([typed, answeredElsewhere]);
  } finally {
    rl.close();
  }
}

/** Tails the ledger: tells the narration what ran, and SIGKILLs the worker that is running the fact-check, once. */
function watchLedger(file: string, workflowId: string, stack: LocalStack, narration: RunNarration) {
  let seen = 0;
  let killed: number | undefined;
  const timer = setInterval(() => {
    const lines = readLedger(file);
    for (const line of lines.slice(seen)) onLine(line);
    seen = lines.length;
  }, 100);
  function onLine(line: LedgerLine) {
    if (line.run !== workflowId) return;
    narration.ledger(line);
    if (line.ev === 'start' && line.step === 'step:fact-check' && killed === undefined) {
      const worker = stack.workers.find((w) => w.pid === line.pid);
      if (!worker) return;
      killed = worker.pid;
      // A moment into the step, as a crash would: the step is in flight, the steps before it are journaled.
      setTimeout(() => {
        stack.processes.crash(worker);
        narration.event(
          `💥 fact-check: SIGKILL ${worker.name} (pid ${worker.pid}) in the middle of the step`,
          'fact-check',
        );
      }, 500);
    }
  }
  return { stop: () => clearInterval(timer), killedPid: () => killed };
}

async function webhookDemo(stack: LocalStack) {
  say('\nA second run, started by a signed webhook (Standard Webhooks):');
  const delivery = signDelivery(`${stack.apiUrl}/hooks/${FLOW}`, stack.webhookSecret, {
    topic: 'webhooks that start agents',
    audience: 'backend engineers',
  });
  const forgedStatus = await deliverForged(delivery); // tampered body, same signature
  say(`  A tampered copy → HTTP ${forgedStatus}, nothing started`);
  const first = await deliver(delivery);
  const again = await deliver(delivery); // a redelivery of the same message joins the same run
  say(
    `  202 → run ${first.workflowId}; the same delivery again → ${again.workflowId === first.workflowId ? 'the same run' : 'A SECOND RUN (bug)'}`,
  );
  say('  Repeat it yourself (within 5 minutes of the signature; with --keep):');
  say(`    ${delivery.curl}`);
  // The webhook's run belongs to no API caller, so an operator answers it with the light client.
  const options = { address: stack.temporalAddress, taskQueue: stack.taskQueue };
  for (;;) {
    const run = await getFlowRun(first.workflowId, options);
    if (run.status === 'WAITING') break;
    if (run.status !== 'RUNNING') throw new Error(`webhook run ended ${run.status} before its approval`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await provideFlowInput(
    first.workflowId,
    'approval',
    { approved: false, reviewer: 'demo-operator', note: 'not this week' },
    options,
  );
  let run = await getFlowRun(first.workflowId, options);
  while (run.status === 'RUNNING' || run.status === 'WAITING') {
    await new Promise((r) => setTimeout(r, 200));
    run = await getFlowRun(first.workflowId, options);
  }
  const result = run.result as AgentOutput | undefined;
  say(
    `  Operator rejected it with provideFlowInput → ${run.status}, published: ${result?.publishedUrl ? 'yes' : 'no'}`,
  );
  return {
    workflowId: first.workflowId,
    forgedStatus,
    redeliverySameRun: again.workflowId === first.workflowId,
    status: run.status,
    published: Boolean(result?.publishedUrl),
    curl: delivery.curl,
  };
}

function printSummary(
  s: {
    runWallMs: number;
    killedWorkerPid?: number;
    temporal: { flowAttempts?: number; failovers?: number; stepsJournaled?: number };
    links: Record<string, string>;
  },
  r: RunReport,
) {
  const ranSteps = Object.values(r.completions).reduce((a, b) => a + b, 0);
  say('\nSummary');
  say(
    `  Steps journaled:          ${s.temporal.stepsJournaled ?? '?'} (model calls, tool calls, steps, the approval); ${ranSteps} really ran`,
  );
  say(`  Flow activities:          ${r.activities} ${activitiesText(r, s.temporal)}`);
  say(`  Replayed from journal:    ${r.stepsReplayed} step results, instead of running them again`);
  say(
    `  Finished steps run twice: ${r.repeatedCompletedSteps.length === 0 ? 'none' : r.repeatedCompletedSteps.join(', ')}`,
  );
  say(
    `  Model calls:              ${r.modelCalls.paid} paid (${r.modelCalls.failed} failed) vs ${r.modelCalls.naiveRerun} for a naive re-run from the start`,
  );
  say(
    `  Killed worker:            ${s.killedWorkerPid ? `pid ${s.killedWorkerPid} (SIGKILL); the run went on on the other` : 'none (the run finished first)'}`,
  );
  say(`  Run wall time:            ${(s.runWallMs / 1000).toFixed(1)} s (approval included)`);
  say(`  Run console:              ${s.links.consoleSignIn}`);
  say(`  Temporal UI:              ${s.links.temporalUi}`);
}

/**
 * Why the flow body ran that many times (one activity each): flow attempts (what the retry policy counts; a retry after
 * each fault here), failovers (a worker lost) and resumptions after an input, which start another activity in the
 * same flow attempt.
 */
function activitiesText(r: RunReport, t: { flowAttempts?: number; failovers?: number }): string {
  if (t.flowAttempts === undefined) return '(flow attempts unknown: no worker answered)';
  const failovers = t.failovers ?? 0;
  const faults = r.faults.map((f) => `${f.fault} in ${f.stage}`).join(', ');
  const resumptions = r.activities - t.flowAttempts - failovers;
  return (
    `= ${t.flowAttempts} flow attempts${faults ? ` (a retry after each fault: ${faults})` : ''}` +
    ` + ${failovers} failover${failovers === 1 ? '' : 's'} (worker lost)` +
    (resumptions > 0 ? ` + ${resumptions} resumption${resumptions === 1 ? '' : 's'} after the approval` : '')
  );
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    if (interrupted) return; // the signal handler stops everything and exits
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    await stopEverything().catch(() => undefined);
    process.exit(1);
  },
);
