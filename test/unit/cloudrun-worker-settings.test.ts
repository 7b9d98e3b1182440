// The worker service reads exactly the env contract's names, builds its identity from Cloud Run's revision, and
// sizes the V8 heap from the cgroup memory limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORM_ENV, WORKER_ENV } from '../../cloudrun/env';
import { heapMiB, memoryLimitBytes } from '../../cloudrun/worker/src/heap-limit';
import { WORKER_ENV_NAMES, workerSettingsFromEnv } from '../../cloudrun/worker/src/settings';

describe('worker settings', () => {
  it('reads only names of the env contract (worker variables, its Temporal secret, platform variables)', () => {
    const allowed = new Set<string>([...WORKER_ENV.set, ...WORKER_ENV.secrets, ...PLATFORM_ENV]);
    for (const name of WORKER_ENV_NAMES) expect(allowed.has(name), name).toBe(true);
    for (const name of WORKER_ENV.set) expect(WORKER_ENV_NAMES).toContain(name);
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
