// The autoscaler reads exactly the env contract's names (src/common/env-contract.ts), validates them, and keeps its
// scale-down state in an annotation that survives bad values.
import { describe, expect, it } from 'vitest';
import { AUTOSCALER_ENV_NAMES, autoscalerSettingsFromEnv, DEFAULT_POLICY } from '../../../src/autoscale/settings';
import { decodeState, encodeState } from '../../../src/autoscale/state-annotation';

const target = 'projects/p/locations/us-central1/workerPools/wp';

describe('autoscaler settings', () => {
  it('reads no variable outside the contract', () => {
    const read = new Set<string>();
    const env = new Proxy({ AUTOSCALER_TARGET: target } as NodeJS.ProcessEnv, {
      get: (t, key) => (typeof key === 'string' && read.add(key), t[key as string]),
    });
    autoscalerSettingsFromEnv(env);
    expect([...read].sort()).toEqual([...AUTOSCALER_ENV_NAMES].sort());
  });

  it('parses values and defaults', () => {
    const s = autoscalerSettingsFromEnv({
      AUTOSCALER_TARGET: target,
      AUTOSCALER_TARGET_PER_INSTANCE: '2.5',
      AUTOSCALER_MAX_INSTANCES: '20',
      AUTOSCALER_DRY_RUN: 'true',
      TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'k',
    });
    expect(s.policy).toEqual({ ...DEFAULT_POLICY, targetPerInstance: 2.5, maxInstances: 20 });
    expect(s.dryRun).toBe(true);
    expect(s.workerDeployment).toBeUndefined();
    expect(
      autoscalerSettingsFromEnv({ AUTOSCALER_TARGET: target, AUTOSCALER_WORKER_DEPLOYMENT: ' wp ' }),
    ).toMatchObject({
      workerDeployment: 'wp',
    });
    expect(s.temporal).toEqual({
      address: 'ns.tmprl.cloud:7233',
      apiKey: 'k',
      namespace: undefined,
      taskQueue: undefined,
    });
  });

  it('rejects bad values with the variable name', () => {
    expect(() => autoscalerSettingsFromEnv({})).toThrow(/AUTOSCALER_TARGET/);
    const bad = (extra: Record<string, string>) => () =>
      autoscalerSettingsFromEnv({ AUTOSCALER_TARGET: target, ...extra });
    expect(bad({ AUTOSCALER_MAX_INSTANCES: 'ten' })).toThrow(/AUTOSCALER_MAX_INSTANCES/);
    expect(bad({ AUTOSCALER_MIN_INSTANCES: '-1' })).toThrow(/AUTOSCALER_MIN_INSTANCES/);
    expect(bad({ AUTOSCALER_MAX_STEP_UP: '1.5' })).toThrow(/AUTOSCALER_MAX_STEP_UP/);
    expect(bad({ AUTOSCALER_TARGET_PER_INSTANCE: '0' })).toThrow(/targetPerInstance/);
    expect(bad({ AUTOSCALER_MIN_INSTANCES: '5', AUTOSCALER_MAX_INSTANCES: '3' })).toThrow(/exceeds/);
    expect(bad({ AUTOSCALER_DRY_RUN: 'yes please' })).toThrow(/AUTOSCALER_DRY_RUN/);
  });
});

describe('scale-down state annotation', () => {
  it('round-trips and is absent when nothing is pending', () => {
    const state = { since: 100, recent: [[100, 4] as [number, number], [160, 2] as [number, number]] };
    expect(decodeState(encodeState(state))).toEqual(state);
    expect(encodeState({ recent: [] })).toBeUndefined();
  });

  it('treats a malformed value as no pending state', () => {
    for (const v of [
      '',
      '{',
      'null',
      '[]',
      '{"since":"x","recent":[]}',
      '{"since":1,"recent":[[1]]}',
      '{"since":1,"recent":[[1,"2"]]}',
    ])
      expect(decodeState(v)).toEqual({ recent: [] });
  });
});
