// The ESM builds of the entries, in projects that installed the packed package. An ESM app gets every entry that
// has an `import` condition from dist/esm/ and, with all of them loaded beside `import 'genkit'`, no CommonJS genkit;
// a CommonJS app gets the CommonJS build. The light entries' ESM builds stay light: the modules they load are
// measured with a module-loading hook (every ES module and every CommonJS module imported from one) plus
// require.cache (CommonJS modules required by CommonJS ones). An error the client entry throws in an ESM app is an
// instance of the app's GenkitError, and TypeScript accepts the entries in an ESM project under moduleResolution
// node16, nodenext and bundler.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { consumerProject, type ConsumerProject } from './harness';

const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
};
const codeSubPaths = Object.keys(manifest.exports).filter((p) => p !== './package.json');
const specifier = (subPath: string) => (subPath === '.' ? 'genkitx-temporal' : `genkitx-temporal/${subPath.slice(2)}`);
const importTarget = (subPath: string) => (manifest.exports[subPath] as Record<string, string>).import;

let esm: ConsumerProject;
let cjs: ConsumerProject;
beforeAll(async () => {
  [esm, cjs] = await Promise.all([consumerProject('esm'), consumerProject('cjs')]);
  esm.write({
    // Records the URL of every module the ESM loader loads (runs on the loader's own thread).
    'measure/hooks.mjs': `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.LOADED_LOG, url + '\\n');
  return next(url, context);
}`,
    // Usage: node measure/loaded.mjs <log file> <specifier> [a module that runs after it, given the entry]
    'measure/loaded.mjs': `import { createRequire, register } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
const [log, entry, then] = process.argv.slice(2);
writeFileSync(log, '');
process.env.LOADED_LOG = log;
register(pathToFileURL('./measure/hooks.mjs'));
const loaded = await import(entry);
if (then) await (await import(pathToFileURL(then).href)).default(loaded);
const viaHook = readFileSync(log, 'utf8').split('\\n').filter(Boolean).map((u) => fileURLToPath(u));
const required = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify([...new Set([...viaHook, ...required])]));`,
  });
}, 600_000);

const lastJson = (r: { code: number | null; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
};

/** Files of genkit's CommonJS build: loaded in an ESM app, they are a second genkit beside the app's. */
const CJS_GENKIT = /node_modules[\\/](genkit|@genkit-ai[\\/][^\\/]+)[\\/]lib[\\/].*\.js$/;

describe('an ESM app', () => {
  it('gets the ESM build of every entry that has one, and with all of them and genkit loaded, one genkit', async () => {
    const withEsm = codeSubPaths.filter((p) => importTarget(p));
    expect(withEsm.length).toBeGreaterThanOrEqual(8);
    esm.write({
      'entries/all.mjs': `import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import 'genkit';
const resolved = {};
for (const s of ${JSON.stringify(codeSubPaths.map(specifier))}) {
  resolved[s] = fileURLToPath(import.meta.resolve(s));
  await import(s);
}
const cjsGenkit = Object.keys(createRequire(import.meta.url).cache).filter((f) => ${CJS_GENKIT}.test(f));
console.log(JSON.stringify({ resolved, cjsGenkit }));`,
    });
    const out = lastJson(await esm.run('entries/all.mjs'));
    for (const subPath of withEsm) {
      expect(out.resolved[specifier(subPath)], subPath).toBe(
        join(esm.dir, 'node_modules', 'genkitx-temporal', importTarget(subPath)),
      );
    }
    expect(out.cjsGenkit).toEqual([]);
  });

  it("gets errors from the client entry that are instances of the app's GenkitError (loaded after it)", async () => {
    esm.write({
      'entries/errors.mjs': `import { createRequire } from 'node:module';
import { FlowRunError, flowRef, provideFlowInput, startFlowWorkflow } from 'genkitx-temporal/client';
const { GenkitError, z } = await import('genkit');
const server = { address: process.env.TEMPORAL_ADDRESS, namespace: process.env.TEMPORAL_NAMESPACE };
const caught = async (p) => p.then(() => 'no error', (e) => ({ instanceOfAppGenkitError: e instanceof GenkitError, status: e.status }));
const out = {
  // Input checked by genkit/schema (a zod 3 schema, genkit's z) before anything starts.
  invalidInput: await caught(startFlowWorkflow(flowRef('f', { inputSchema: z.object({ n: z.number() }) }), { n: 'x' }, server)),
  // The Temporal server's answer, mapped by the client: no such run.
  noSuchRun: await caught(provideFlowInput('no-such-run-' + Date.now(), 'answer', 1, server)),
  constructed: new FlowRunError({ status: 'ABORTED', message: 'x', workflowId: 'w' }) instanceof GenkitError,
  cjsGenkit: Object.keys(createRequire(import.meta.url).cache).filter((f) => ${CJS_GENKIT}.test(f)),
};
console.log(JSON.stringify(out));`,
    });
    const out = lastJson(
      await esm.run('entries/errors.mjs', {
        env: { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: inject('temporalNamespace') },
      }),
    );
    expect(out).toEqual({
      invalidInput: { instanceOfAppGenkitError: true, status: 'INVALID_ARGUMENT' },
      noSuchRun: { instanceOfAppGenkitError: true, status: 'NOT_FOUND' },
      constructed: true,
      cjsGenkit: [],
    });
  }, 120_000);
});

it("a CommonJS app gets the CommonJS build, and the client's errors are instances of require('genkit')'s GenkitError", async () => {
  cjs.write({
    'entries/client.js': `const { FlowRunError } = require('genkitx-temporal/client');
const { GenkitError } = require('genkit');
console.log(JSON.stringify({
  resolved: require.resolve('genkitx-temporal/client'),
  instanceOf: new FlowRunError({ status: 'ABORTED', message: 'x', workflowId: 'w' }) instanceof GenkitError,
}));`,
  });
  const out = lastJson(await cjs.run('entries/client.js'));
  expect(out).toEqual({
    resolved: join(esm.dir, 'node_modules', 'genkitx-temporal', 'dist', 'client', 'index.js'),
    instanceOf: true,
  });
});

// What a light entry must not load: the worker, workflow code, genkit's root or model plugins, or any module of
// genkit's CommonJS build (test/package/light-entry.test.ts, firebase-entry.test.ts check the CommonJS builds).
const FORBIDDEN = [
  /node_modules[\\/]@temporalio[\\/](worker|workflow)[\\/]/,
  /node_modules[\\/]genkit[\\/]lib[\\/]index\.m?js$/,
  /node_modules[\\/]@genkit-ai[\\/]core[\\/]lib[\\/]index\.m?js$/,
  /node_modules[\\/]@genkit-ai[\\/](ai|google-genai|googleai|vertexai|firebase|middleware)[\\/]/,
  /genkitx-temporal[\\/]dist[\\/](workflows|worker)[\\/]/,
  /genkitx-temporal[\\/]dist[\\/]esm[\\/]index\.mjs$/,
  CJS_GENKIT,
];

describe('the light entries’ ESM builds stay light', () => {
  const loadedBy = async (entry: string, then?: string): Promise<string[]> => {
    const log = join(esm.dir, 'measure', `${entry.replace(/\W/g, '-')}-${then ? 'then' : 'load'}.log`);
    return lastJson(await esm.run('measure/loaded.mjs', { args: [log, entry, ...(then ? [then] : [])] }));
  };
  const forbidden = (loaded: string[]) => loaded.filter((m) => FORBIDDEN.some((f) => f.test(m)));

  for (const entry of ['client', 'http', 'firebase', 'codec', 'autoscale']) {
    it(`genkitx-temporal/${entry}: its ESM build, no worker, workflow code, genkit root or CommonJS genkit`, async () => {
      const loaded = await loadedBy(`genkitx-temporal/${entry}`);
      expect(loaded.filter((m) => m.endsWith(join('dist', 'esm', entry, 'index.mjs')))).toHaveLength(1);
      expect(forbidden(loaded)).toEqual([]);
      if (entry !== 'codec' && entry !== 'autoscale') {
        expect(loaded.some((m) => /node_modules[\\/]@temporalio[\\/]client[\\/]/.test(m))).toBe(true);
        // GenkitError from genkit's ESM build, by its own file (not the root); no validator until input is checked.
        expect(loaded.some((m) => /@genkit-ai[\\/]core[\\/]lib[\\/]error\.mjs$/.test(m))).toBe(true);
        expect(loaded.filter((m) => /node_modules[\\/](ajv|@opentelemetry)[\\/]/.test(m))).toEqual([]);
      }
    });
  }

  it('genkitx-temporal/client after checking input through a flowRef: genkit/schema (ESM) only', async () => {
    // `import { z } from 'genkit'` loads genkit's root: measure the entry with a schema from genkit/schema instead.
    esm.write({
      'measure/validate.mjs': `export default async ({ flowRef, startFlowWorkflow }) => {
  const inputJsonSchema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
  let error;
  await startFlowWorkflow(flowRef('f', { inputJsonSchema }), { n: 'x' }, { address: '127.0.0.1:1' }).catch((e) => (error = e));
  if (error?.status !== 'INVALID_ARGUMENT') throw new Error('input was not checked: ' + error);
};`,
    });
    const loaded = await loadedBy('genkitx-temporal/client', './measure/validate.mjs');
    expect(loaded.some((m) => /node_modules[\\/]genkit[\\/]lib[\\/]schema\.mjs$/.test(m))).toBe(true);
    expect(loaded.some((m) => /node_modules[\\/]ajv[\\/]/.test(m))).toBe(true);
    expect(forbidden(loaded)).toEqual([]);
  });
});

describe('TypeScript in an ESM project', () => {
  let typed: ConsumerProject;
  beforeAll(async () => {
    typed = await consumerProject('esm', { zod: 4 });
  }, 600_000);

  /** Named imports from every entry (values and types); the `@ts-expect-error` lines must meet an error. */
  const USER = `import { defineTemporalFlow, type TemporalFlowOptions } from 'genkitx-temporal';
import { flowRef, FlowRunError, type FlowRun } from 'genkitx-temporal/client';
import { createFlowApi, type FlowApiOptions } from 'genkitx-temporal/http';
import { onCallFlow } from 'genkitx-temporal/firebase';
import { runGenkitFlow, progressQuery } from 'genkitx-temporal/workflows';
import { AttemptTracker } from 'genkitx-temporal/activities';
import { withLocalTemporal } from 'genkitx-temporal/testing';
import { decide, type ScalingPolicy } from 'genkitx-temporal/autoscale';
import { AesGcmPayloadCodec, createDataConverter } from 'genkitx-temporal/codec';
import { GenkitError } from 'genkit';
// @ts-expect-error not an export of the client entry
import { noSuchExport } from 'genkitx-temporal/client';

export const used = [defineTemporalFlow, flowRef, createFlowApi, onCallFlow, runGenkitFlow, progressQuery,
  AttemptTracker, withLocalTemporal, decide, AesGcmPayloadCodec, createDataConverter, noSuchExport];
export const err: GenkitError = new FlowRunError({ status: 'NOT_FOUND', message: 'gone', workflowId: 'w' });
export type Used = [TemporalFlowOptions, FlowRun, FlowApiOptions, ScalingPolicy];
// @ts-expect-error a FlowRunError needs a workflowId
export const bad = new FlowRunError({ status: 'NOT_FOUND', message: 'gone' });
`;

  for (const [module, moduleResolution] of [
    ['Node16', 'Node16'],
    ['NodeNext', 'NodeNext'],
    ['ESNext', 'Bundler'],
  ]) {
    it(`tsc --noEmit passes with module ${module}, moduleResolution ${moduleResolution}`, async () => {
      const config = `tsconfig.${moduleResolution.toLowerCase()}.json`;
      typed.write({
        'typed/entries.mts': USER,
        [config]: JSON.stringify({
          files: ['typed/entries.mts'],
          compilerOptions: {
            target: 'ES2022',
            module,
            moduleResolution,
            strict: true,
            noEmit: true,
            skipLibCheck: true,
          },
        }),
      });
      const tsc = await typed.run('node_modules/typescript/bin/tsc', { args: ['-p', config] });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.code).toBe(0);
    }, 180_000);
  }
});
