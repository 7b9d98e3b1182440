// Precedence of connection settings: call options > plugin defaults > environment > profile file > defaults.
// Every test passes its own env object whose HOME/XDG_CONFIG_HOME is an empty temp dir, so neither
// process.env nor the developer's real ~/.config/temporalio/temporal.toml can change the outcome.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalConfig, setPluginDefaults } from '../../../src/client/config';

let root: string;
let emptyHome: string;
let configFile: string;
let otherConfigFile: string;

/** An environment holding only the given variables, isolated from the machine's config. */
function env(vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { HOME: emptyHome, XDG_CONFIG_HOME: emptyHome, ...vars };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'genkitx-temporal-config-'));
  emptyHome = join(root, 'home');
  mkdirSync(emptyHome);
  configFile = join(root, 'temporal.toml');
  writeFileSync(
    configFile,
    [
      '[profile.default]',
      'address = "file-default:7233"',
      'namespace = "file-default-ns"',
      '',
      '[profile.other]',
      'address = "file-other:7233"',
      'namespace = "file-other-ns"',
      'api_key = "file-other-key"',
      '',
    ].join('\n'),
  );
  // A second file, to tell which source was actually read when both are named.
  otherConfigFile = join(root, 'second.toml');
  writeFileSync(otherConfigFile, '[profile.default]\naddress = "second-file:7233"\nnamespace = "second-ns"\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  // Plugin defaults are module state; never let one test's leak into the next.
  setPluginDefaults({});
});

describe('defaults', () => {
  it('uses localhost:7233, namespace default and task queue genkit when nothing is configured', () => {
    const config = resolveTemporalConfig({}, env());
    expect(config.address).toBe('localhost:7233');
    expect(config.namespace).toBe('default');
    expect(config.taskQueue).toBe('genkit');
    expect(config.apiKey).toBeUndefined();
    expect(config.tls).toBeUndefined();
  });

  it('ignores variables whose value is undefined', () => {
    const config = resolveTemporalConfig({}, env({ TEMPORAL_ADDRESS: undefined, TEMPORAL_TASK_QUEUE: undefined }));
    expect(config.address).toBe('localhost:7233');
    expect(config.taskQueue).toBe('genkit');
  });
});

describe('profile file', () => {
  it('reads the default profile of the file named by TEMPORAL_CONFIG_FILE', () => {
    const config = resolveTemporalConfig({}, env({ TEMPORAL_CONFIG_FILE: configFile }));
    expect(config).toMatchObject({ address: 'file-default:7233', namespace: 'file-default-ns', taskQueue: 'genkit' });
    expect(config.apiKey).toBeUndefined();
    expect(config.tls).toBeUndefined();
  });

  it('selects the profile named by TEMPORAL_PROFILE', () => {
    const config = resolveTemporalConfig({}, env({ TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'other' }));
    expect(config).toMatchObject({ address: 'file-other:7233', namespace: 'file-other-ns', apiKey: 'file-other-key' });
    // The profile's API key implies TLS.
    expect(config.tls).toBe(true);
  });

  it('lets the profile option beat TEMPORAL_PROFILE', () => {
    const config = resolveTemporalConfig(
      { profile: 'other' },
      env({ TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'default' }),
    );
    expect(config.address).toBe('file-other:7233');
  });

  it('reads the file given as configSource {path}', () => {
    const config = resolveTemporalConfig({ configSource: { path: configFile }, profile: 'other' }, env());
    expect(config).toMatchObject({ address: 'file-other:7233', namespace: 'file-other-ns', apiKey: 'file-other-key' });
  });

  it('prefers configSource over TEMPORAL_CONFIG_FILE', () => {
    const config = resolveTemporalConfig(
      { configSource: { path: otherConfigFile } },
      env({ TEMPORAL_CONFIG_FILE: configFile }),
    );
    expect(config.address).toBe('second-file:7233');
    expect(config.namespace).toBe('second-ns');
  });

  it('reads configSource given as inline TOML data', () => {
    const config = resolveTemporalConfig(
      { configSource: { data: '[profile.default]\naddress = "inline:7233"\n' } },
      env({ TEMPORAL_CONFIG_FILE: configFile }),
    );
    expect(config.address).toBe('inline:7233');
    expect(config.namespace).toBe('default');
  });

  it('reads the default file location from the env object, not from process.env', () => {
    // Proves why every test isolates HOME/XDG_CONFIG_HOME: a file at the default location is picked up.
    const xdg = join(root, 'xdg');
    mkdirSync(join(xdg, 'temporalio'), { recursive: true });
    writeFileSync(join(xdg, 'temporalio', 'temporal.toml'), '[profile.default]\naddress = "xdg-file:7233"\n');
    expect(resolveTemporalConfig({}, env({ XDG_CONFIG_HOME: xdg })).address).toBe('xdg-file:7233');
    expect(resolveTemporalConfig({}, env()).address).toBe('localhost:7233');
  });

  it('fails clearly when an explicitly requested profile does not exist', () => {
    expect(() => resolveTemporalConfig({ profile: 'nope' }, env({ TEMPORAL_CONFIG_FILE: configFile }))).toThrow(/nope/);
  });

  it('falls back to the defaults when TEMPORAL_CONFIG_FILE names a missing file', () => {
    const config = resolveTemporalConfig({}, env({ TEMPORAL_CONFIG_FILE: join(root, 'missing.toml') }));
    expect(config.address).toBe('localhost:7233');
    expect(config.namespace).toBe('default');
  });
});

describe('environment', () => {
  it('beats the profile file field by field', () => {
    const config = resolveTemporalConfig(
      {},
      env({ TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_ADDRESS: 'env-host:7233', TEMPORAL_TASK_QUEUE: 'env-queue' }),
    );
    expect(config.address).toBe('env-host:7233');
    // Not set in the environment, so still from the file.
    expect(config.namespace).toBe('file-default-ns');
    expect(config.taskQueue).toBe('env-queue');
  });

  it('beats the file for namespace and API key too', () => {
    const config = resolveTemporalConfig(
      {},
      env({
        TEMPORAL_CONFIG_FILE: configFile,
        TEMPORAL_PROFILE: 'other',
        TEMPORAL_NAMESPACE: 'env-ns',
        TEMPORAL_API_KEY: 'env-key',
      }),
    );
    expect(config).toMatchObject({ address: 'file-other:7233', namespace: 'env-ns', apiKey: 'env-key', tls: true });
  });

  it('reads all four variables without a file', () => {
    const config = resolveTemporalConfig(
      {},
      env({
        TEMPORAL_ADDRESS: 'env-host:7233',
        TEMPORAL_NAMESPACE: 'env-ns',
        TEMPORAL_TASK_QUEUE: 'env-queue',
        TEMPORAL_API_KEY: 'env-key',
      }),
    );
    expect(config).toMatchObject({
      address: 'env-host:7233',
      namespace: 'env-ns',
      taskQueue: 'env-queue',
      apiKey: 'env-key',
      tls: true,
    });
  });
});

describe('plugin defaults', () => {
  const fullEnv = () =>
    env({
      TEMPORAL_CONFIG_FILE: configFile,
      TEMPORAL_ADDRESS: 'env-host:7233',
      TEMPORAL_NAMESPACE: 'env-ns',
      TEMPORAL_TASK_QUEUE: 'env-queue',
    });

  it('beat the environment and the file', () => {
    setPluginDefaults({ address: 'plugin-host:7233', taskQueue: 'plugin-queue' });
    const config = resolveTemporalConfig({}, fullEnv());
    expect(config.address).toBe('plugin-host:7233');
    expect(config.taskQueue).toBe('plugin-queue');
    // Not given to the plugin, so the environment still decides.
    expect(config.namespace).toBe('env-ns');
  });

  it('lose to call options', () => {
    setPluginDefaults({ address: 'plugin-host:7233', namespace: 'plugin-ns', taskQueue: 'plugin-queue' });
    const config = resolveTemporalConfig({ address: 'call-host:7233', taskQueue: 'call-queue' }, fullEnv());
    expect(config).toMatchObject({ address: 'call-host:7233', namespace: 'plugin-ns', taskQueue: 'call-queue' });
  });

  it('are not erased by call options whose value is undefined', () => {
    setPluginDefaults({ address: 'plugin-host:7233' });
    expect(resolveTemporalConfig({ address: undefined }, fullEnv()).address).toBe('plugin-host:7233');
  });

  it('can choose the profile file and profile', () => {
    setPluginDefaults({ configSource: { path: configFile }, profile: 'other' });
    const config = resolveTemporalConfig({}, env());
    expect(config).toMatchObject({ address: 'file-other:7233', namespace: 'file-other-ns', apiKey: 'file-other-key' });
  });

  it('are copied, so mutating the object given to the plugin changes nothing', () => {
    const given = { address: 'plugin-host:7233' };
    setPluginDefaults(given);
    given.address = 'mutated:7233';
    expect(resolveTemporalConfig({}, env()).address).toBe('plugin-host:7233');
  });

  it('are reset by setPluginDefaults({})', () => {
    setPluginDefaults({ address: 'plugin-host:7233' });
    setPluginDefaults({});
    expect(resolveTemporalConfig({}, env()).address).toBe('localhost:7233');
  });
});

describe('call options', () => {
  it('beat every other source', () => {
    setPluginDefaults({ address: 'plugin-host:7233', namespace: 'plugin-ns', taskQueue: 'plugin-queue' });
    const config = resolveTemporalConfig(
      { address: 'call-host:7233', namespace: 'call-ns', taskQueue: 'call-queue', apiKey: 'call-key' },
      env({
        TEMPORAL_CONFIG_FILE: configFile,
        TEMPORAL_PROFILE: 'other',
        TEMPORAL_ADDRESS: 'env-host:7233',
        TEMPORAL_NAMESPACE: 'env-ns',
        TEMPORAL_TASK_QUEUE: 'env-queue',
        TEMPORAL_API_KEY: 'env-key',
      }),
    );
    expect(config).toMatchObject({
      address: 'call-host:7233',
      namespace: 'call-ns',
      taskQueue: 'call-queue',
      apiKey: 'call-key',
      tls: true,
    });
  });

  it('win over the profile file for the fields they set; the file fills in the rest', () => {
    const config = resolveTemporalConfig(
      { address: 'call-host:7233', namespace: 'call-ns', profile: 'other' },
      env({ TEMPORAL_CONFIG_FILE: configFile }),
    );
    expect(config.address).toBe('call-host:7233');
    expect(config.namespace).toBe('call-ns');
    // Resolution is per field: the file's API key (and the TLS it implies) still applies.
    expect(config.apiKey).toBe('file-other-key');
    expect(config.tls).toBe(true);
  });
});

describe('API key and TLS', () => {
  it('an API key given as an option implies tls true', () => {
    const config = resolveTemporalConfig({ apiKey: 'call-key' }, env());
    expect(config.apiKey).toBe('call-key');
    expect(config.tls).toBe(true);
  });

  it('an API key from the environment implies tls true', () => {
    const config = resolveTemporalConfig({}, env({ TEMPORAL_API_KEY: 'env-key' }));
    expect(config.apiKey).toBe('env-key');
    expect(config.tls).toBe(true);
  });

  it('an explicit tls option wins over the API key', () => {
    const config = resolveTemporalConfig({ apiKey: 'call-key', tls: false }, env());
    expect(config.apiKey).toBe('call-key');
    expect(config.tls).toBe(false);
  });

  it('TEMPORAL_TLS=true without a key turns TLS on', () => {
    const config = resolveTemporalConfig({}, env({ TEMPORAL_TLS: 'true' }));
    expect(config.apiKey).toBeUndefined();
    expect(config.tls).toBeTruthy();
  });

  it('no key and no TLS setting leaves tls unset', () => {
    const config = resolveTemporalConfig({ address: 'call-host:7233' }, env());
    expect(config.tls).toBeUndefined();
  });
});
