// `genkitx-temporal/autoscale` loads from the build with require and import (the entry a Cloud Run job runs).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
const CHECK =
  '[typeof m.runAutoscaler, typeof m.decide, typeof m.createAutoscaleHandler, typeof m.CloudRunTarget].join()';

beforeAll(() => {
  if (!existsSync(resolve(root, 'dist/autoscale/index.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}, 120_000);

it('loads with require and import', () => {
  expect(node(['-e', `const m = require('genkitx-temporal/autoscale'); console.log(${CHECK})`])).toBe(
    'function,function,function,function',
  );
  expect(
    node(['--input-type=module', '-e', `import * as m from 'genkitx-temporal/autoscale'; console.log(${CHECK})`]),
  ).toBe('function,function,function,function');
});

it('the job entry exits 1 with one JSON error line when AUTOSCALER_TARGET is missing', () => {
  let out = '';
  let status = 0;
  try {
    execFileSync(process.execPath, ['dist/autoscale/main.js'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
  } catch (err) {
    const e = err as { status: number; stdout: string };
    status = e.status;
    out = e.stdout;
  }
  expect(status).toBe(1);
  expect(JSON.parse(out.trim())).toMatchObject({
    severity: 'ERROR',
    message: expect.stringContaining('AUTOSCALER_TARGET'),
  });
});
