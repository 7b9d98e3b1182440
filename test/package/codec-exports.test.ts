// genkitx-temporal/codec loads from the published build (require and import), and its failure converter module
// is found next to it (the worker and the bundler load it by path).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
const CHECK = `[typeof c.createDataConverter, typeof c.AesGcmPayloadCodec, typeof c.createCodecServer, typeof c.FileStorageDriver, typeof c.GcsStorageDriver, c.encryptedFailureConverterPath().endsWith('dist/codec/failure-converter.js')].join(',')`;

beforeAll(() => {
  if (!existsSync(resolve(root, 'dist/codec/index.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}, 120_000);

describe('genkitx-temporal/codec entry point', () => {
  it('loads with require', () => {
    expect(node(['-e', `const c = require('genkitx-temporal/codec'); console.log(${CHECK})`])).toBe(
      'function,function,function,function,function,true',
    );
  });

  it('loads with import', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import * as c from 'genkitx-temporal/codec'; console.log(${CHECK})`,
    ]);
    expect(out).toBe('function,function,function,function,function,true');
  });
});
