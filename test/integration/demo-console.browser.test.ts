// The link `npm run demo -- --keep --interactive` prints, clicked: in a fresh copy of the repository (no dist/, the
// console served from source through the demo's own tsconfig), the demo starts the kit and prints its console link;
// headless Chromium opens it — one click: signed in, on the run — sees the run wait for approval, and approves it
// in the console's form. The demo (which waits for an answer from the console when its stdin is not a terminal)
// then reports the run approved by the reviewer typed in the browser, and stays up until it is stopped.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshCopy, type FreshCopy } from '../helpers/fresh-copy';
import { browserUnavailable, launchChromium } from '../helpers/browser';
import { describeWithTool } from '../helpers/tools';

const root = resolve(__dirname, '../..');
const skipReason = browserUnavailable();
let copy: FreshCopy | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (skipReason) return;
  copy = freshCopy(root);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (copy) rmSync(copy.dir, { recursive: true, force: true });
});

/** Resolves with the first match of `pattern` in what the demo printed so far (or rejects when it exits first). */
function printed(output: () => string, exited: () => boolean, pattern: RegExp, timeoutMs: number) {
  return new Promise<RegExpMatchArray>((found, fail) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const match = pattern.exec(output());
      if (match) return finish(() => found(match));
      if (exited()) return finish(() => fail(new Error(`the demo exited before printing ${pattern}:\n${output()}`)));
      if (Date.now() - started > timeoutMs)
        finish(() => fail(new Error(`no ${pattern} after ${timeoutMs} ms:\n${output()}`)));
    }, 100);
    const finish = (then: () => void) => {
      clearInterval(timer);
      then();
    };
  });
}

describeWithTool('Chromium', skipReason)('npm run demo -- --keep: the console link', () => {
  it('opens the run signed in, in one click, and the person approves it there', async () => {
    const child = spawn('npm', ['run', 'demo', '--', '--keep', '--interactive'], {
      cwd: copy!.dir,
      env: { ...process.env, GEMINI_API_KEY: '', GOOGLE_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'], // no terminal: the demo waits for an answer from the console
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const context = await browser!.newContext();
    context.setDefaultTimeout(90_000);
    try {
      const out = () => output;
      const gone = () => child.exitCode !== null;
      const [, link] = await printed(out, gone, /Console: (http:\/\/\S+)/, 240_000);
      const [, workflowId] = await printed(out, gone, /POST \/flows\/researchAgent → run (\S+)/, 1000);
      expect(link).toContain('/console/sign-in?next=/console/runs/');
      expect(link).toMatch(/#token=/);

      const page = await context.newPage();
      await page.goto(link!);
      // On the pathname: the sign-in page's own URL ends with `?next=/console/runs/…` before it goes on.
      await page.waitForURL((url) => url.pathname === `/console/runs/${encodeURIComponent(workflowId!)}`);
      expect(page.url()).not.toContain('token');
      // The run reaches its approval through the demo's faults (a 429, a 503, a worker SIGKILLed): the page
      // refreshes itself until the form is there.
      const form = page.getByRole('form', { name: 'Input approval' });
      await form.waitFor({ timeout: 240_000 }).catch((err: Error) => {
        throw new Error(`${err.message}\nWhat the demo printed:\n${output}`);
      });
      expect(await page.locator('#run-status').textContent()).toContain('Waiting for input');
      await form.getByLabel('reviewer').fill('browser-reviewer');
      await form.getByLabel('note').fill('approved from the link the demo printed');
      await form.getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(/\?answered=approval$/);
      await page.locator('#run-status', { hasText: 'Completed' }).waitFor({ timeout: 120_000 });

      await printed(out, gone, /Result: .* \(approved by browser-reviewer\)/, 120_000);
      await printed(out, gone, /--keep: the dev server, its Web UI, both workers and the API stay up/, 240_000);
      expect(output).not.toContain('React is not defined');
    } finally {
      await context.close();
      try {
        process.kill(-child.pid!, 'SIGTERM'); // as Ctrl-C: the demo stops every process it started
      } catch {
        // gone already
      }
      await exited;
    }
  }, 600_000);
});
