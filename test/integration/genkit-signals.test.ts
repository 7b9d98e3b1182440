// Genkit's exit-on-signal handlers are removed, by where they are defined, and nothing else is (src/worker/genkit-signals.ts).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { removeGenkitSignalHandlers } from '../../src';

const signalsModule = fileURLToPath(new URL('../../src/worker/genkit-signals.ts', import.meta.url));
const pluginModule = fileURLToPath(new URL('../../src/worker/genkit-plugin.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a script in a fresh node (with tsx for our TypeScript) and reports how it ended. */
function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

// A user's graceful shutdown: it is named `shutdown` like Genkit's, and sits on both signals like Genkit's, so only
// *where* a handler is defined can tell them apart. It drains asynchronously, then exits with 42.
const USER_HANDLER = `
  async function shutdown() {
    await new Promise((r) => setTimeout(r, 300));
    console.log('drained');
    process.exit(42);
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
`;
const SEND_SIGTERM = `process.kill(process.pid, 'SIGTERM'); setTimeout(() => process.exit(7), 10_000);`;

describe('removeGenkitSignalHandlers in this process', () => {
  it("removes the handlers of both Genkit builds and leaves the user's, even one named shutdown on both signals", async () => {
    createRequire(__filename)('genkit'); // CommonJS build
    await import('genkit'); // ESM build (or the same, depending on the loader)
    // A user's handler that itself stops Genkit's dev servers and exits: its text is like Genkit's, it must stay.
    const ReflectionServer = { stopAll: async () => undefined };
    const mine = async () => {
      await ReflectionServer.stopAll();
      if (process.env.NEVER_SET_IN_TESTS) process.exit(0);
    };
    async function shutdown() {}
    process.on('SIGTERM', mine);
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
    const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    try {
      const removed = removeGenkitSignalHandlers();
      expect(removed).toBeGreaterThanOrEqual(2);
      const gone = (['SIGTERM', 'SIGINT'] as const).flatMap((signal) =>
        before[signal].filter((l) => !process.listeners(signal).includes(l)),
      );
      expect(gone).toHaveLength(removed);
      // The same Genkit function sits on both signals: as many went from each.
      expect(new Set(gone).size).toBe(removed / 2);
      expect(process.listeners('SIGTERM')).toEqual(expect.arrayContaining([mine, shutdown]));
      expect(process.listeners('SIGINT')).toContain(shutdown);
      expect(removeGenkitSignalHandlers()).toBe(0); // nothing of Genkit's left
    } finally {
      process.off('SIGTERM', mine);
      process.off('SIGTERM', shutdown);
      process.off('SIGINT', shutdown);
    }
  });

  it('keeps bound and native listeners (they have no defining script of their own)', () => {
    const bound = function (this: unknown) {}.bind({});
    process.on('SIGTERM', bound);
    process.on('SIGINT', console.log);
    try {
      removeGenkitSignalHandlers();
      expect(process.listeners('SIGTERM')).toContain(bound);
      expect(process.listeners('SIGINT')).toContain(console.log);
    } finally {
      process.off('SIGTERM', bound);
      process.off('SIGINT', console.log);
    }
  });
});

describe('removeGenkitSignalHandlers with the real genkit in a fresh process', () => {
  it("premise: without removal, Genkit's handler exits 0 before the user's drain finishes", async () => {
    const { code, stdout } = await runNode(['-e', `require('genkit'); ${USER_HANDLER} ${SEND_SIGTERM}`]);
    expect(stdout).not.toContain('drained');
    expect(code).toBe(0);
  });

  it("a CommonJS app: SIGTERM runs the user's drain to the end", async () => {
    const script = `
      const { genkit } = require('genkit');
      genkit({});
      ${USER_HANDLER}
      const removed = require(${JSON.stringify(signalsModule)}).removeGenkitSignalHandlers();
      console.log('removed', removed, process.listenerCount('SIGTERM'), process.listenerCount('SIGINT'));
      ${SEND_SIGTERM}`;
    const { code, stdout, stderr } = await runNode(['-e', script]);
    expect(stderr).toBe('');
    expect(stdout).toContain('removed 2 1 1');
    expect(stdout).toContain('drained');
    expect(code).toBe(42);
  });

  it("an ESM app (genkit's ESM build beside the CommonJS one this package loads): both are removed", async () => {
    const script = `
      import { genkit } from 'genkit';
      import { createRequire } from 'node:module';
      // This package is CommonJS: an ESM app loads it as such (and with it genkit's CommonJS build).
      const require = createRequire(import.meta.url);
      const { temporal } = require(${JSON.stringify(pluginModule)});
      const { removeGenkitSignalHandlers } = require(${JSON.stringify(signalsModule)});
      genkit({ plugins: [temporal()] });
      ${USER_HANDLER}
      const removed = removeGenkitSignalHandlers();
      console.log('removed', removed, process.listenerCount('SIGTERM'), process.listenerCount('SIGINT'));
      ${SEND_SIGTERM}`;
    const { code, stdout, stderr } = await runNode(['--input-type=module', '-e', script]);
    expect(stderr).toBe('');
    expect(stdout).toContain('removed 4 1 1');
    expect(stdout).toContain('drained');
    expect(code).toBe(42);
  });
});
