// The deploy manifest of functions/: what `firebase deploy` reads from the functions SDK. Both ways it is
// produced are checked: each export's `__endpoint` in-process, and the SDK's own manifest writer (the
// `firebase-functions` bin with FUNCTIONS_MANIFEST_OUTPUT_PATH), so a renamed export or a lost trigger fails here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tripPlanner } from '../../examples/demo/flows';
import { flowManifest } from '../../src';
import { flowRef } from '../../src/client';
import { onCallFlow, onCallFlowRun } from '../../src/firebase';

const root = resolve(__dirname, '../..');
const functionsDir = join(root, 'functions');
// A callable per flow of functions/flows.json (tripPlanner), the runs callable, and the HTTP API.
const callables = ['tripPlanner', 'flowRuns'];
const expected = ['api', ...callables].sort();
/** Every function declares the secrets the library reads (a deployed function gets only those it declares). */
const secrets = ['GENKITX_CONTEXT_KEYS', 'GENKITX_ENCRYPTION_KEYS', 'TEMPORAL_API_KEY'];

beforeAll(() => {
  if (!existsSync(resolve(root, 'dist/firebase/index.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}, 120_000);

describe('functions/ deploy manifest', () => {
  it('the callables are v2 callables and api an HTTPS function, with their options (in-process __endpoint)', () => {
    const fns = createRequire(__filename)(functionsDir) as Record<string, { __endpoint?: Record<string, any> }>;
    expect(Object.keys(fns).sort()).toEqual(expected);
    for (const name of expected) {
      const endpoint = fns[name].__endpoint!;
      expect(endpoint.platform).toBe('gcfv2');
      expect(endpoint.timeoutSeconds).toBe(300);
      expect(endpoint.secretEnvironmentVariables.map((s: { key: string }) => s.key).sort()).toEqual(secrets);
      if (callables.includes(name)) {
        expect(endpoint.callableTrigger).toEqual({});
        expect(endpoint.httpsTrigger).toBeUndefined();
      } else {
        expect(endpoint.httpsTrigger).toEqual({});
        expect(endpoint.callableTrigger).toBeUndefined();
      }
    }
  });

  it("the SDK's manifest writer lists the same functions and triggers", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fn-manifest-')), 'manifest.json');
    const bin = join(root, 'node_modules/firebase-functions/lib/bin/firebase-functions.js');
    // Run from the functions directory: the bin ignores a single [functionsDir] argument (kit-protocols.md §3.5).
    execFileSync(process.execPath, [bin], {
      cwd: functionsDir,
      env: { ...process.env, FUNCTIONS_MANIFEST_OUTPUT_PATH: out, GCLOUD_PROJECT: 'demo-genkitx' },
      stdio: 'pipe',
      timeout: 60_000,
    });
    const manifest = JSON.parse(readFileSync(out, 'utf8'));
    expect(manifest.specVersion).toBe('v1alpha1');
    expect(Object.keys(manifest.endpoints).sort()).toEqual(expected);
    expect(manifest.endpoints.api).toMatchObject({ platform: 'gcfv2', entryPoint: 'api', httpsTrigger: {} });
    for (const name of expected) {
      if (callables.includes(name)) {
        expect(manifest.endpoints[name]).toMatchObject({ platform: 'gcfv2', entryPoint: name, callableTrigger: {} });
        expect(manifest.endpoints[name].httpsTrigger).toBeUndefined();
      }
      expect(manifest.endpoints[name].timeoutSeconds).toBe(300);
      expect(manifest.endpoints[name].secretEnvironmentVariables.map((s: { key: string }) => s.key).sort()).toEqual(
        secrets,
      );
    }
  }, 90_000);
});

describe('callable options pass through to onCall', () => {
  it('region, App Check, secrets, instances and timeouts reach the endpoint; our own options do not', () => {
    const ref = flowRef('f', { inputSchema: z.object({ a: z.string() }) });
    const common = {
      region: 'europe-west1',
      secrets: ['GEMINI_API_KEY'],
      enforceAppCheck: true,
      minInstances: 1,
      maxInstances: 7,
      timeoutSeconds: 120,
      temporal: { address: '127.0.0.1:1', apiKey: 'must-not-leak' },
      authPolicy: () => true,
    };
    for (const fn of [
      onCallFlow(ref, { ...common, startOptions: { taskQueue: 'q' } }),
      onCallFlowRun({ ...common, flows: [ref] }),
    ]) {
      const endpoint = (fn as unknown as { __endpoint: Record<string, any> }).__endpoint;
      expect(endpoint).toMatchObject({
        platform: 'gcfv2',
        region: ['europe-west1'],
        minInstances: 1,
        maxInstances: 7,
        timeoutSeconds: 120,
        callableTrigger: {},
      });
      expect(endpoint.secretEnvironmentVariables).toEqual([{ key: 'GEMINI_API_KEY' }]);
      expect(JSON.stringify(endpoint)).not.toContain('must-not-leak');
      expect(Object.keys(endpoint)).not.toEqual(expect.arrayContaining(['temporal']));
    }
  });
});

describe("the repository's flows.json files (what the worker's `npm run manifest` writes in a project)", () => {
  it("are the manifest of the demo's tripPlanner, which the emulator and API tests run", () => {
    const expectedJson = `${JSON.stringify(flowManifest([tripPlanner]), null, 2)}\n`;
    for (const file of ['functions/flows.json', 'cloudrun/api/flows.json']) {
      // To regenerate: write `${JSON.stringify(flowManifest([tripPlanner]), null, 2)}\n` to both files.
      expect(readFileSync(join(root, file), 'utf8'), file).toBe(expectedJson);
    }
  });
});
