// `npm run demo`, the README's first command, run as a new user would: in a fresh copy of the repository (no
// `dist/`, no bundle cache, nothing a build left behind), non-interactively, as a child process, judged by what it
// wrote: its JSON summary, and the ledger the workers appended to outside themselves. No completed step ran twice
// although a worker was SIGKILLed and the model failed twice, the approval was applied, the output is there, the
// webhook's redelivery joined its run, and every process the demo started is gone afterwards. Every process it
// starts (API, bundle build, workers) and `npm run codec-server` run from source: nothing builds `dist/` here.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../harness/ledger';
import { groupAlive } from '../harness/process-groups';
import { freePorts } from '../../src/testing/local-process-helpers';
import { freshCopy, type FreshCopy } from '../helpers/fresh-copy';

const root = resolve(__dirname, '../..');
let copy: FreshCopy;

beforeAll(() => {
  copy = freshCopy(root);
  console.log(`[demo.test] fresh copy: ${copy.files} files in ${copy.ms} ms (${copy.dir})`);
});

afterAll(() => {
  // Unlinks the node_modules links, never what they point to.
  if (copy) rmSync(copy.dir, { recursive: true, force: true });
});

interface DemoSummary {
  workflowId: string;
  status: string;
  output: { title: string; article: string; publishedUrl?: string; approval: { approved: boolean; reviewer: string } };
  approvalApplied: boolean;
  report: {
    activities: number;
    completions: Record<string, number>;
    repeatedCompletedSteps: string[];
    stepsReplayed: number;
    faults: Array<{ fault: string; stage: string }>;
    modelCalls: { paid: number; failed: number; naiveRerun: number };
  };
  temporal: { flowAttempts: number; failovers: number };
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

/** `npm run <script> -- <args>` in the fresh copy; SIGTERM after `timeoutMs` (the demo then stops its processes). */
function npmRun(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onOutput?: (all: string) => void,
): { stop: () => void; child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; output: string }> } {
  // Its own process group (npm, the shell, tsx, node): stop() signals all of them, as Ctrl-C would.
  const child = spawn('npm', ['run', script, '--', ...args], {
    cwd: copy.dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // ESRCH: gone already
    }
  };
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
    onOutput?.(output);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const done = new Promise<{ code: number | null; output: string }>((resolveDone) => {
    const timer = setTimeout(stop, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveDone({ code, output });
    });
  });
  return { stop, child, done };
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
    // Offline on purpose: the scripted model, whatever keys the machine has. A demo that hangs must not hang the
    // suite: SIGTERM lets it stop its own processes first.
    const { code, output } = await npmRun(
      'demo',
      ['--summary-json', summaryFile],
      { GEMINI_API_KEY: '', GOOGLE_API_KEY: '' },
      330_000,
    ).done;
    expect(code, output).toBe(0);
    // From source: nothing built dist/, and the workflow bundle was built (not taken from a cache) and renamed into
    // place with its traced twin, no partial file left behind.
    expect(existsSync(join(copy.dir, 'dist')), 'the demo built dist/').toBe(false);
    const bundleCache = readdirSync(join(copy.dir, 'node_modules/.cache/genkitx-temporal-demo'));
    expect(
      bundleCache.filter((f) => f.includes('.tmp')),
      bundleCache.join(', '),
    ).toEqual([]);
    expect(bundleCache.filter((f) => f.endsWith('.traced.js'))).toHaveLength(1);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as DemoSummary;

    // The run: completed, approved through the API, published, with its output.
    expect(summary.status).toBe('COMPLETED');
    expect(summary.approvalApplied).toBe(true);
    expect(summary.output.approval).toEqual({ approved: true, reviewer: 'demo-reviewer' });
    expect(summary.output.publishedUrl).toMatch(/^https:\/\/blog\.example\.org\//);
    expect(summary.output.article.length).toBeGreaterThan(50);

    // The bad afternoon happened: both faults, and a worker killed mid-run that was really running it.
    expect(summary.report.faults).toEqual([
      { fault: '429', stage: 'research' },
      { fault: '503', stage: 'draft' },
    ]);
    // The terminal shows each fault under the stage it hit (the ledger is read before the run's stream shows it).
    const printed = output.split('\n').map((line) => line.trim());
    for (const { fault, stage } of summary.report.faults) {
      const stageLine = printed.indexOf(`… ${stage}`);
      const faultLine = printed.findIndex((line) => line.startsWith(`⚠ ${stage}: `) && line.includes(fault));
      expect(stageLine, output).toBeGreaterThan(-1);
      expect(faultLine, `the ${fault} line, under "${stage}":\n${output}`).toBeGreaterThan(stageLine);
    }
    // One word per concept: activities (runs of the flow body, 5 here) are not flow attempts (what retries count).
    expect(summary.report.activities).toBe(
      summary.temporal.flowAttempts + summary.temporal.failovers + 1, // + the resumption after the approval
    );
    expect(output).toContain(
      `Flow activities:          ${summary.report.activities} = ${summary.temporal.flowAttempts} flow attempts`,
    );
    expect(summary.killedWorkerPid).toBeGreaterThan(0);
    expect(summary.temporal.failovers).toBeGreaterThanOrEqual(1);

    // The ledger, read here (not the demo's own counts): every call or step that finished, finished once, and no
    // finished step started again. Each tool call and step is in it, and some ran on the killed worker.
    const ledger = readLedger(join(summary.logDir, 'ledger.jsonl')).filter((l) => l.run === summary.workflowId);
    const finished = ledger.filter((l) => l.ev === 'done' || (l.ev === 'model' && !l.fault));
    const keys = finished.map((l) => `${l.ev}:${l.step}`);
    expect(keys.length).toBeGreaterThanOrEqual(8);
    expect(new Set(keys).size, `finished twice: ${keys.join(', ')}`).toBe(keys.length);
    for (const start of ledger.filter((l) => l.ev === 'start')) {
      const doneBefore = ledger.some((l) => l.ev === 'done' && l.step === start.step && l.at < start.at);
      expect(doneBefore, `${start.step} started again after it finished`).toBe(false);
    }
    expect(ledger.some((l) => l.pid === summary.killedWorkerPid)).toBe(true);
    // In flight when its worker was killed, so it ran again (more than twice if a starved worker was presumed dead).
    expect(ledger.filter((l) => l.step === 'step:fact-check' && l.ev === 'start').length).toBeGreaterThanOrEqual(2);
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
      expect.arrayContaining(['temporal-dev-server', 'build-bundle', 'worker-1', 'worker-2', 'api']),
    );
    for (const p of summary.processes) {
      expect(p.exit, p.name).toBeDefined();
      expect(alive(p.pid), `${p.name} (pid ${p.pid}) still running`).toBe(false);
      expect(alive(p.pid, true), `process group of ${p.name} still running`).toBe(false);
    }
  }, 360_000);

  it('npm run codec-server runs from source and round-trips a payload', async () => {
    const [port] = await freePorts(1);
    const token = randomBytes(12).toString('hex');
    const server = npmRun(
      'codec-server',
      [],
      {
        CODEC_SERVER_TOKEN: token,
        CODEC_SERVER_PORT: String(port),
        GENKITX_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      },
      120_000,
    );
    try {
      await new Promise<void>((ready, fail) => {
        const timer = setInterval(() => {
          if (server.child.exitCode !== null) fail(new Error('codec-server exited'));
        }, 100);
        server.child.stdout!.on('data', (d: Buffer) => {
          if (String(d).includes('Codec server on')) {
            clearInterval(timer);
            ready();
          }
        });
      }).catch(async (err) => {
        throw new Error(`${err.message}:\n${(await server.done).output}`);
      });
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status, await res.clone().text()).toBe(200);
        return (await res.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
      };
      const plain = {
        metadata: { encoding: Buffer.from('json/plain').toString('base64') },
        data: Buffer.from('"a secret"').toString('base64'),
      };
      const encoded = await post('/encode', { payloads: [plain] });
      expect(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
      const decoded = await post('/decode', encoded);
      expect(decoded.payloads).toEqual([plain]);
    } finally {
      server.stop();
      await server.done;
    }
    expect(existsSync(join(copy.dir, 'dist'))).toBe(false);
  }, 150_000);
});
