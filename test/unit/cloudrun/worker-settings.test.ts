// The worker service reads exactly the env contract's names, builds its identity from Cloud Run's revision, and
// sizes the V8 heap from the cgroup memory limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heapMiB, memoryLimitBytes } from '../../../cloudrun/worker/src/heap-limit';
import { WORKER_ENV_NAMES, workerSettingsFromEnv } from '../../../cloudrun/worker/src/settings';
import { tracedBundlePath } from '../../../cloudrun/worker/src/traced-bundle-path';

describe('worker settings', () => {
  it('reads the env contract names (worker variables, its Temporal secret, platform variables) and no other', () => {
    const read = new Set<string>();
    const env = new Proxy({ FLOWS_MODULE: 'flows.js' } as NodeJS.ProcessEnv, {
      get: (t, key) => (typeof key === 'string' && read.add(key), t[key as string]),
    });
    workerSettingsFromEnv(env, '/app');
    expect([...read].sort()).toEqual([...WORKER_ENV_NAMES].sort());
  });

  it('takes identity and build ID from the revision, paths relative to the working folder', () => {
    const s = workerSettingsFromEnv(
      {
        FLOWS_MODULE: 'dist/flows.js',
        WORKFLOW_BUNDLE_PATH: '/b.js',
        K_REVISION: 'w-00002-xyz',
        K_SERVICE: 'w',
        PORT: '8080',
      },
      '/app',
    );
    expect(s).toMatchObject({
      flowsModule: '/app/dist/flows.js',
      workflowBundlePath: '/b.js',
      buildId: 'w-00002-xyz',
      port: 8080,
    });
    expect(s.identity).toMatch(/^w-00002-xyz\/.+-[0-9a-f]{6}$/);
    expect(workerSettingsFromEnv({ FLOWS_MODULE: 'f.js' }).identity).not.toBe(
      workerSettingsFromEnv({ FLOWS_MODULE: 'f.js' }).identity,
    );
  });

  it('rejects a missing flows module and bad numbers, naming the variable', () => {
    expect(() => workerSettingsFromEnv({})).toThrow(/FLOWS_MODULE/);
    expect(() => workerSettingsFromEnv({ FLOWS_MODULE: 'f.js', PORT: 'http' })).toThrow(/PORT/);
    expect(() => workerSettingsFromEnv({ FLOWS_MODULE: 'f.js', WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow(
      /WORKER_MAX_CONCURRENT_ACTIVITIES/,
    );
  });
});

describe('Worker Versioning settings (TEMPORAL_WORKER_VERSIONING)', () => {
  const base = { FLOWS_MODULE: 'f.js' };

  it('off unless turned on, whatever else is set', () => {
    for (const TEMPORAL_WORKER_VERSIONING of [undefined, '', 'false', '0']) {
      const s = workerSettingsFromEnv({ ...base, TEMPORAL_WORKER_VERSIONING, K_SERVICE: 'w', K_REVISION: 'w-1' });
      expect(s.versioning, String(TEMPORAL_WORKER_VERSIONING)).toBeUndefined();
    }
  });

  it('on: the service (or TEMPORAL_WORKER_DEPLOYMENT) and its revision; a worker pool and its revision', () => {
    const on = { ...base, TEMPORAL_WORKER_VERSIONING: 'true' };
    expect(workerSettingsFromEnv({ ...on, K_SERVICE: 'w', K_REVISION: 'w-00002-xyz' }).versioning).toEqual({
      deploymentName: 'w',
      buildId: 'w-00002-xyz',
    });
    expect(
      workerSettingsFromEnv({ ...on, TEMPORAL_WORKER_DEPLOYMENT: 'flows', K_SERVICE: 'w', K_REVISION: 'w-1' })
        .versioning,
    ).toEqual({ deploymentName: 'flows', buildId: 'w-1' });
    expect(
      workerSettingsFromEnv({ ...on, CLOUD_RUN_WORKER_POOL: 'pool', CLOUD_RUN_REVISION: 'pool-00003-abc' }).versioning,
    ).toEqual({ deploymentName: 'pool', buildId: 'pool-00003-abc' });
    // No revision from the platform: TEMPORAL_WORKER_BUILD_ID.
    expect(workerSettingsFromEnv({ ...on, TEMPORAL_WORKER_BUILD_ID: 'sha-1234' }).versioning).toEqual({
      deploymentName: 'genkit-worker',
      buildId: 'sha-1234',
    });
  });

  it('on without any build ID, or a flag that is not a boolean, refuses to start, naming the variables', () => {
    expect(() => workerSettingsFromEnv({ ...base, TEMPORAL_WORKER_VERSIONING: '1', K_SERVICE: 'w' })).toThrow(
      /TEMPORAL_WORKER_VERSIONING is on but there is no build ID.*K_REVISION.*TEMPORAL_WORKER_BUILD_ID/,
    );
    expect(() => workerSettingsFromEnv({ ...base, TEMPORAL_WORKER_VERSIONING: 'yes' })).toThrow(
      /TEMPORAL_WORKER_VERSIONING must be true, false, 1 or 0/,
    );
  });
});

describe('tracing settings (GENKITX_OTEL)', () => {
  const base = { FLOWS_MODULE: 'f.js', WORKFLOW_BUNDLE_PATH: 'dist/workflow-bundle.js', K_SERVICE: 'genkit-worker' };

  it('off unless turned on: the plain bundle, no tracing', () => {
    for (const GENKITX_OTEL of [undefined, '', 'false', '0', ' FALSE ']) {
      const s = workerSettingsFromEnv({ ...base, GENKITX_OTEL }, '/app');
      expect(s.tracing, String(GENKITX_OTEL)).toBeUndefined();
      expect(s.workflowBundlePath).toBe('/app/dist/workflow-bundle.js');
    }
  });

  it('on: the traced bundle beside WORKFLOW_BUNDLE_PATH, the service named by OTEL_SERVICE_NAME or the service', () => {
    const on = workerSettingsFromEnv({ ...base, GENKITX_OTEL: 'true' }, '/app');
    expect(on.workflowBundlePath).toBe('/app/dist/workflow-bundle.traced.js');
    expect(on.tracing).toEqual({ serviceName: 'genkit-worker', otlpEndpoint: undefined, userDataOptIn: false });
    const named = workerSettingsFromEnv(
      { ...base, GENKITX_OTEL: '1', OTEL_SERVICE_NAME: 'flows', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      '/app',
    );
    expect(named.tracing).toEqual({ serviceName: 'flows', otlpEndpoint: 'http://c:4318', userDataOptIn: false });
    const optIn = workerSettingsFromEnv({ ...base, GENKITX_OTEL: 'true', GENKITX_OTEL_USER_DATA: '1' }, '/app');
    expect(optIn.tracing?.userDataOptIn).toBe(true);
    expect(() => workerSettingsFromEnv({ ...base, GENKITX_OTEL: 'true', GENKITX_OTEL_USER_DATA: 'yes' })).toThrow(
      /GENKITX_OTEL_USER_DATA must be true, false/,
    );
    // No bundle configured (development): bundling at start, which adds the interceptors itself.
    expect(workerSettingsFromEnv({ FLOWS_MODULE: 'f.js', GENKITX_OTEL: 'true' }).workflowBundlePath).toBeUndefined();
  });

  it('refuses a GENKITX_OTEL value that is neither on nor off, naming the variable', () => {
    for (const GENKITX_OTEL of ['yes', 'on', 'ture'])
      expect(() => workerSettingsFromEnv({ ...base, GENKITX_OTEL })).toThrow(/GENKITX_OTEL must be true, false/);
  });

  it('names the traced twin of any bundle file name', () => {
    expect(tracedBundlePath('/app/dist/workflow-bundle.js')).toBe('/app/dist/workflow-bundle.traced.js');
    expect(tracedBundlePath('/b.cjs')).toBe('/b.traced.cjs');
    expect(tracedBundlePath('/app/bundle')).toBe('/app/bundle.traced.js');
    expect(tracedBundlePath('/app/v1.2/bundle.js')).toBe('/app/v1.2/bundle.traced.js');
  });
});

describe('heap size from the memory limit', () => {
  it('uses 75% of the limit, nothing when unlimited', () => {
    expect(heapMiB(512 * 2 ** 20)).toBe(384);
    expect(heapMiB(2 * 2 ** 30)).toBe(1536);
    expect(heapMiB(9223372036854771712)).toBeUndefined(); // cgroup v1 "no limit"
    expect(heapMiB(undefined)).toBeUndefined();
    expect(heapMiB(32 * 2 ** 20)).toBe(64); // a floor for tiny limits
  });

  it('reads cgroup v2 memory.max, then v1 memory.limit_in_bytes', () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
    try {
      expect(memoryLimitBytes(root)).toBeUndefined();
      mkdirSync(join(root, 'memory'));
      writeFileSync(join(root, 'memory', 'memory.limit_in_bytes'), '1073741824\n');
      expect(memoryLimitBytes(root)).toBe(2 ** 30);
      writeFileSync(join(root, 'memory.max'), 'max\n');
      expect(memoryLimitBytes(root)).toBeUndefined();
      writeFileSync(join(root, 'memory.max'), '536870912\n');
      expect(memoryLimitBytes(root)).toBe(2 ** 29);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
