// What a deployable functions codebase of the kit must show once uploaded alone (functions-upload.ts): a
// registry dependency on genkitx-temporal, a small install, a module that loads without settings, and a deploy
// manifest whose functions declare the secrets the library reads. Shared by the repository's functions/ and the
// scaffolded one, so both are held to the same checks.
import { expect, it } from 'vitest';
import type { DeployShaped } from './functions-upload';

/** The most a thin functions codebase may install (`npm ci --omit=dev`, `du -sm node_modules`). */
export const FUNCTIONS_INSTALL_BUDGET_MB = 150;

/** Secrets every function that starts or reads runs must declare, or a deployed function never gets them. */
export const FUNCTION_SECRETS = ['GENKITX_CONTEXT_KEYS', 'GENKITX_ENCRYPTION_KEYS', 'TEMPORAL_API_KEY'];

export function expectDeployable(get: () => DeployShaped): void {
  it('depends on genkitx-temporal by a registry semver range (firebase deploy installs it in the cloud)', () => {
    const spec = get().declaredSpec;
    expect(spec, 'functions/package.json has no genkitx-temporal dependency').toBeDefined();
    // `file:..`, a link or a path cannot be installed from the uploaded folder alone.
    expect(spec).toMatch(/^[\^~]?\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  it(`installs with npm ci --omit=dev in ≤ ${FUNCTIONS_INSTALL_BUDGET_MB} MB, without the worker's packages`, () => {
    const { installMb } = get();
    console.log(`[functions] npm ci --omit=dev: ${installMb} MB`);
    expect(installMb).toBeLessThanOrEqual(FUNCTIONS_INSTALL_BUDGET_MB);
  });

  it('loads with no settings (nothing connects at import), as the deploy discovery does', () => {
    const { exports, loadError } = get();
    expect(loadError).toBeUndefined();
    expect(exports).toEqual(expect.arrayContaining(['api']));
  });

  it('yields a deploy manifest whose callables and API declare the secrets they read', () => {
    const { manifest, manifestError } = get();
    expect(manifestError).toBeUndefined();
    expect(manifest!.specVersion).toBe('v1alpha1');
    const endpoints = Object.entries(manifest!.endpoints);
    const callables = endpoints.filter(([, e]) => e.callableTrigger);
    expect(callables.length).toBeGreaterThanOrEqual(2); // a flow's start callable and the runs callable
    for (const [name, endpoint] of [...callables, ['api', manifest!.endpoints.api] as const]) {
      expect(endpoint, name).toBeDefined();
      expect(endpoint.platform, name).toBe('gcfv2');
      const declared = (endpoint.secretEnvironmentVariables ?? []).map((s: { key: string }) => s.key);
      expect(declared.sort(), `${name}'s secrets`).toEqual([...FUNCTION_SECRETS].sort());
    }
  });
}
