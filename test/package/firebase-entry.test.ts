// `genkitx-temporal/firebase` is loaded by every function instance on a cold start: like the client entry, it
// must not load the worker, workflow code, the genkit root or model plugins.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

beforeAll(() => {
  if (!existsSync(resolve(root, 'dist/firebase/index.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}, 120_000);

function modulesLoadedBy(script: string): string[] {
  const code = `${script}; console.log(JSON.stringify(Object.keys(require.cache)))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' }));
}

const forbidden = [
  /node_modules\/@temporalio\/worker\//,
  /node_modules\/@temporalio\/workflow\//,
  /node_modules\/genkit\/lib\/index\.js$/,
  /node_modules\/@genkit-ai\/ai\//,
  /\/dist\/workflows\//,
  /\/dist\/(worker|registry|plugin|flow|errors)\.js$/,
  /\/dist\/journal\//,
  /\/dist\/activities\//,
];

describe('genkitx-temporal/firebase (light entry)', () => {
  it('loads firebase-functions and the Temporal client, but no worker, workflow code or genkit root', () => {
    const loaded = modulesLoadedBy(`require('genkitx-temporal/firebase')`);
    expect(loaded.some((m) => m.endsWith('/dist/firebase/index.js'))).toBe(true);
    expect(loaded.some((m) => m.includes('node_modules/firebase-functions/'))).toBe(true);
    expect(loaded.some((m) => m.includes('node_modules/@temporalio/client/'))).toBe(true);
    expect(loaded.filter((m) => forbidden.some((f) => f.test(m)))).toEqual([]);
  });

  it('the functions package (callables for the example flows) stays light too', () => {
    const loaded = modulesLoadedBy(`require('./functions')`);
    expect(loaded.some((m) => m.endsWith('/functions/index.js'))).toBe(true);
    expect(loaded.filter((m) => forbidden.some((f) => f.test(m)))).toEqual([]);
    // Nothing from the examples' flow module (and so no model plugin) either.
    expect(loaded.filter((m) => /examples\/|@genkit-ai\/google-genai/.test(m))).toEqual([]);
  });
});
