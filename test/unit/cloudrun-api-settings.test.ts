// The API service reads only names of the env contract that the Terraform templates set (cloudrun/env.ts).
import { describe, expect, it } from 'vitest';
import { API_ENV_NAMES, apiSettingsFromEnv } from '../../cloudrun/api/src/settings';
import { API_ENV, PLATFORM_ENV } from '../../cloudrun/env';

describe('cloudrun/api settings', () => {
  it('reads only the contract names', () => {
    const contract = new Set<string>([...API_ENV.set, ...API_ENV.secrets, ...PLATFORM_ENV]);
    expect(API_ENV_NAMES.filter((name) => !contract.has(name))).toEqual([]);
  });

  it('fails with a message naming the variable', () => {
    expect(() => apiSettingsFromEnv({})).toThrow(/FLOWS_MODULE/);
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: 'f.js', API_AUTH: 'magic' })).toThrow(/API_AUTH/);
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: 'f.js', API_AUTH: 'bearer' })).toThrow(/API_BEARER_TOKEN/);
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: 'f.js', PORT: 'x' })).toThrow(/PORT/);
    expect(apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', PORT: '9000' })).toMatchObject({ auth: 'firebase', port: 9000 });
  });

  it('turns the codec server on only with its token, and checks the UI origins', () => {
    expect(
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', CODEC_UI_ORIGIN: 'https://cloud.temporal.io' }).codec,
    ).toBeUndefined();
    const on = apiSettingsFromEnv({
      FLOWS_MODULE: '/f.js',
      CODEC_SERVER_TOKEN: 't',
      CODEC_UI_ORIGIN: 'https://cloud.temporal.io, http://localhost:8233',
    });
    expect(on.codec).toEqual({ token: 't', uiOrigins: ['https://cloud.temporal.io', 'http://localhost:8233'] });
    expect(apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', CODEC_SERVER_TOKEN: 't' }).codec?.uiOrigins).toEqual([]);
    expect(() =>
      apiSettingsFromEnv({
        FLOWS_MODULE: '/f.js',
        CODEC_SERVER_TOKEN: 't',
        CODEC_UI_ORIGIN: 'https://ui.example/path',
      }),
    ).toThrow(/CODEC_UI_ORIGIN/);
  });
});
