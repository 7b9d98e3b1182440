// `npm run docs` (TypeDoc over every sub-path entry point) must build with no warnings: a public export whose
// signature uses a type no entry point exports, or a broken {@link}, fails here instead of in the published docs.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const typedoc = resolve(root, 'node_modules/typedoc/bin/typedoc');

/** Runs TypeDoc with the project's typedoc.json (warnings are errors there), validating only (`--emit none`). */
function runTypedoc(args: string[] = []): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [typedoc, '--emit', 'none', ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

describe('API reference (TypeDoc)', () => {
  it('builds from the TSDoc of every entry point without a warning', async () => {
    const { code, output } = await runTypedoc();
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(code, output).toBe(0);
  }, 180_000);

  it('fails on an export whose type is not exported (the check can fail)', async () => {
    // The project's typedoc.json (extended), on a file that leaks an unexported type.
    const { code, output } = await runTypedoc(['--options', resolve(root, 'test/fixtures/typedoc/typedoc.json')]);
    expect(output).toMatch(/Hidden, defined in .*leaky\.ts, is referenced by leaky/);
    expect(code).not.toBe(0);
  }, 180_000);
});
