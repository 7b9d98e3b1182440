// From a separate project that installs the packed package, as a user does: the testing helpers work without the
// optional @temporalio/testing, and the Temporal SDK resolves to one copy shared by the app and the library. (Every
// entry point in ESM and CommonJS: exports.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, installFresh, packedTarball, type ConsumerProject } from './harness';

let esm: ConsumerProject;
let cjs: ConsumerProject;
beforeAll(async () => {
  esm = await consumerProject('esm');
  cjs = await consumerProject('cjs');
}, 600_000);

const ok = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.stderr + r.stdout).not.toMatch(/Cannot find module|ERR_/);
  expect(r.code, r.stderr).toBe(0);
};

describe('a consumer project', () => {
  it('imports genkitx-temporal/testing without @temporalio/testing installed (ESM with tsx, and CommonJS)', async () => {
    const script = (imports: string) => `${imports}
const ai = genkit({});
const scripted = defineScriptedModel(ai, { name: 'scripted', script: [{ text: 'hi' }] });
const { text } = await ai.generate({ model: scripted.model, prompt: 'hello' });
let missing;
try { require.resolve('@temporalio/testing'); } catch { missing = true; }
console.log(JSON.stringify({ text, testingInstalled: !missing }));
`;
    esm.write({
      'testing.mts': script(`import { createRequire } from 'node:module';
import { genkit } from 'genkit';
import { defineScriptedModel } from 'genkitx-temporal/testing';
const require = createRequire(import.meta.url);`),
    });
    cjs.write({
      'testing.js': `(async () => {\n${script(`const { genkit } = require('genkit');
const { defineScriptedModel } = require('genkitx-temporal/testing');`)}\n})().catch((e) => { console.error(e); process.exit(1); });`,
    });
    for (const [project, file] of [
      [esm, 'testing.mts'],
      [cjs, 'testing.js'],
    ] as const) {
      const r = await project.run(file);
      ok(r);
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ text: 'hi', testingInstalled: false });
    }
  });

  it('says what to install when the dev server helper is used without @temporalio/testing', async () => {
    esm.write({
      'dev-server.mts': `import { startDevServer } from 'genkitx-temporal/testing';
try { await startDevServer(); } catch (e) { console.log(JSON.stringify({ message: e.message, cause: e.cause?.code })); }`,
    });
    const r = await esm.run('dev-server.mts');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.cause).toBe('ERR_MODULE_NOT_FOUND');
    expect(out.message).toContain('npm install --save-dev @temporalio/testing');
  });

  it('resolves @temporalio/* to one copy for the app and the library', async () => {
    const packages = ['activity', 'client', 'common', 'worker', 'workflow'].map((p) => `@temporalio/${p}`);
    cjs.write({
      'copies.js': `const { dirname } = require('node:path');
const { realpathSync } = require('node:fs');
const library = dirname(require.resolve('genkitx-temporal'));
const out = {};
for (const p of ${JSON.stringify(packages)}) {
  const app = realpathSync(require.resolve(p + '/package.json'));
  const lib = realpathSync(require.resolve(p + '/package.json', { paths: [library] }));
  out[p] = app === lib;
}
console.log(JSON.stringify(out));`,
    });
    const r = await cjs.run('copies.js');
    ok(r);
    expect(JSON.parse(r.stdout)).toEqual(Object.fromEntries(packages.map((p) => [p, true])));
  });

  it('refuses to install beside an incompatible @temporalio/workflow instead of nesting a second copy', async () => {
    const r = await installFresh('old-sdk', [await packedTarball(), '@temporalio/workflow@1.23.0']);
    // npm's ERESOLVE: the app's 1.23.0 does not satisfy the library's peer range; no silent second copy.
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERESOLVE/);
    expect(r.stderr).toContain('@temporalio/workflow');
  }, 300_000);
});
