// `npm run demo`'s program, run as a user would (non-interactively, as a child process), judged by what it wrote:
// its JSON summary, and the ledger the workers appended to outside themselves. No completed step ran twice
// although a worker was SIGKILLed and the model failed twice, the approval was applied, the output is there, the
// webhook's redelivery joined its run, and every process the demo started is gone afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLedger } from '../../examples/demo/ledger';
import { groupAlive } from '../../examples/demo/processes';

const root = resolve(__dirname, '../..');

interface DemoSummary {
  workflowId: string;
  status: string;
  output: { title: string; article: string; publishedUrl?: string; approval: { approved: boolean; reviewer: string } };
  approvalApplied: boolean;
  report: {
    attempts: number;
    completions: Record<string, number>;
    repeatedCompletedSteps: string[];
    stepsReplayed: number;
    faults: string[];
    modelCalls: { paid: number; failed: number; naiveRerun: number };
  };
  temporal: { failovers: number };
  killedWorkerPid?: number;
  webhook: {
    workflowId: string;
    forgedStatus: number;
    redeliverySameRun: boolean;
    status: string;
    published: boolean;
    curl: string;
  };
  links: { console: string; temporalUi: string };
  logDir: string;
  processes: Array<{ name: string; pid: number; exit?: number | string }>;
}

function runDemo(summaryFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts', '--summary-json', summaryFile], {
      cwd: root,
      // Offline on purpose: the scripted model, whatever keys the machine has.
      env: { ...process.env, GEMINI_API_KEY: '', GOOGLE_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    // A demo that hangs must not hang the suite: SIGTERM lets it stop its own processes first.
    const timer = setTimeout(() => child.kill('SIGTERM'), 280_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

function alive(pid: number, group = false): boolean {
  if (group) return groupAlive(pid);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

describe('npm run demo', () => {
  it('resumes after a SIGKILL and two provider failures without repeating a finished step, and leaves no process behind', async () => {
    const summaryFile = join(mkdtempSync(join(tmpdir(), 'demo-test-')), 'summary.json');
    const { code, output } = await runDemo(summaryFile);
    expect(code, output).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as DemoSummary;

    // The run: completed, approved through the API, published, with its output.
    expect(summary.status).toBe('COMPLETED');
    expect(summary.approvalApplied).toBe(true);
    expect(summary.output.approval).toEqual({ approved: true, reviewer: 'demo-reviewer' });
    expect(summary.output.publishedUrl).toMatch(/^https:\/\/blog\.example\.org\//);
    expect(summary.output.article.length).toBeGreaterThan(50);

    // The bad afternoon happened: both faults, and a worker killed mid-run that was really running it.
    expect(summary.report.faults).toEqual(['429', '503']);
    expect(summary.killedWorkerPid).toBeGreaterThan(0);
    expect(summary.temporal.failovers).toBeGreaterThanOrEqual(1);

    // The ledger, read here (not the demo's own counts): every execution that finished, finished once, and no
    // finished step started again. Each tool call and step is in it, and some ran on the killed worker.
    const ledger = readLedger(join(summary.logDir, 'ledger.jsonl')).filter((l) => l.wf === summary.workflowId);
    const finished = ledger.filter((l) => l.ev === 'done' || (l.ev === 'model' && !l.fault));
    const keys = finished.map((l) => `${l.ev}:${l.key}`);
    expect(keys.length).toBeGreaterThanOrEqual(8);
    expect(new Set(keys).size, `finished twice: ${keys.join(', ')}`).toBe(keys.length);
    for (const start of ledger.filter((l) => l.ev === 'start')) {
      const doneBefore = ledger.some((l) => l.ev === 'done' && l.key === start.key && l.t < start.t);
      expect(doneBefore, `${start.key} started again after it finished`).toBe(false);
    }
    expect(ledger.some((l) => l.pid === summary.killedWorkerPid)).toBe(true);
    // In flight when its worker was killed, so it ran again (more than twice if a starved worker was presumed dead).
    expect(ledger.filter((l) => l.key === 'step:fact-check' && l.ev === 'start').length).toBeGreaterThanOrEqual(2);
    expect(summary.report.repeatedCompletedSteps).toEqual([]);
    expect(summary.report.stepsReplayed).toBeGreaterThan(0);
    expect(summary.report.modelCalls.naiveRerun).toBeGreaterThan(summary.report.modelCalls.paid);

    // The webhook run: a tampered copy was refused, a redelivery joined it, the operator's rejection applied, nothing published.
    expect(summary.webhook).toMatchObject({
      forgedStatus: 401,
      redeliverySameRun: true,
      status: 'COMPLETED',
      published: false,
    });
    expect(summary.webhook.curl).toContain('webhook-signature: v1,');
    expect(summary.links.console).toContain(`/console/runs/${summary.workflowId}`);
    expect(output).toContain('Summary');

    // Every process it started (dev server, bundle build, 2 workers, API), and their process groups, are gone.
    expect(summary.processes.map((p) => p.name)).toEqual(
      expect.arrayContaining(['temporal-dev-server', 'worker-1', 'worker-2', 'api']),
    );
    for (const p of summary.processes) {
      expect(p.exit, p.name).toBeDefined();
      expect(alive(p.pid), `${p.name} (pid ${p.pid}) still running`).toBe(false);
      expect(alive(p.pid, true), `process group of ${p.name} still running`).toBe(false);
    }
  }, 300_000);
});
