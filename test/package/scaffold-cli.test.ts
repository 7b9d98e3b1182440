// The `genkitx-temporal` command (the package's bin, src/scaffold/cli.ts) as a process: its exit codes and what
// it prints. What `init` writes is tested in-process by test/unit/scaffold/init.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const dirs: string[] = [];
const project = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaffold-cli-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the genkitx-temporal command', () => {
  // From the repository (where tsx resolves), the project given as the command's [dir].
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/scaffold/cli.ts'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH!, HOME: process.env.HOME! },
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('init: exit 0 with the next steps; 1 naming the files in the way; 2 for bad usage', () => {
    const dir = project();
    const done = cli(['init', dir, '--flows', 'app/flows.ts']);
    expect(done.code, done.out).toBe(0);
    expect(done.out).toContain('app/flows.ts (an example flow: replace it with yours)');
    expect(done.out).toContain('npm run manifest');
    writeFileSync(join(dir, 'cloudrun/api/Dockerfile'), 'FROM scratch\n');
    const refused = cli(['init', dir, '--flows', 'app/flows.ts']);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('cloudrun/api/Dockerfile');
    expect(refused.out).toContain('--force');
    for (const args of [
      ['init', dir, '--flow', 'x.ts'],
      ['deploy'],
      ['init', dir, 'b'],
      ['init', dir, '--flows', '/etc/x.ts'],
    ]) {
      const bad = cli(args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.out, args.join(' ')).toContain('Usage: genkitx-temporal init');
    }
    expect(readFileSync(join(dir, 'cloudrun/api/Dockerfile'), 'utf8')).toBe('FROM scratch\n');
  });
});
