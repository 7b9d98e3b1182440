// The API service reads only names of the env contract (API_ENV, src/common/env-contract.ts): its settings take the
// names from there, and read nothing by another name.
import { describe, expect, it } from 'vitest';
import { API_ENV_NAMES, apiSettingsFromEnv } from '../../../cloudrun/api/src/settings';

describe('cloudrun/api settings', () => {
  it('reads the contract names and no other variable', () => {
    const read = new Set<string>();
    const env = new Proxy({ FLOWS_MODULE: '/f.js', API_AUTH: 'none' } as NodeJS.ProcessEnv, {
      get: (t, key) => (typeof key === 'string' && read.add(key), t[key as string]),
    });
    apiSettingsFromEnv(env);
    expect([...read].sort()).toEqual([...API_ENV_NAMES].sort());
  });

  it('fails with a message naming the variable', () => {
    expect(() => apiSettingsFromEnv({})).toThrow(/FLOWS_MODULE/);
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: 'f.js', API_AUTH: 'magic' })).toThrow(/API_AUTH/);
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: 'f.js', API_AUTH: 'bearer' })).toThrow(/API_BEARER_TOKEN/);
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: 'f.js', PORT: 'x' })).toThrow(/PORT/);
    expect(apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', PORT: '9000' })).toMatchObject({ auth: 'firebase', port: 9000 });
  });

  it('traces only with GENKITX_OTEL on, named by OTEL_SERVICE_NAME or the service, and refuses other values', () => {
    for (const GENKITX_OTEL of [undefined, '', 'false', '0'])
      expect(apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', GENKITX_OTEL }).tracing).toBeUndefined();
    expect(
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', GENKITX_OTEL: 'true', K_SERVICE: 'genkit-api' }).tracing,
    ).toEqual({ serviceName: 'genkit-api', otlpEndpoint: undefined, userDataOptIn: false });
    const named = { FLOWS_MODULE: '/f.js', GENKITX_OTEL: '1', OTEL_SERVICE_NAME: 'front', K_SERVICE: 'genkit-api' };
    expect(apiSettingsFromEnv({ ...named, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).tracing).toEqual({
      serviceName: 'front',
      otlpEndpoint: 'http://c:4318',
      userDataOptIn: false,
    });
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', GENKITX_OTEL: 'yes' })).toThrow(/GENKITX_OTEL/);
    expect(apiSettingsFromEnv({ ...named, GENKITX_OTEL_USER_DATA: 'true' }).tracing?.userDataOptIn).toBe(true);
    expect(() => apiSettingsFromEnv({ ...named, GENKITX_OTEL_USER_DATA: 'yes' })).toThrow(
      /GENKITX_OTEL_USER_DATA must be true, false/,
    );
  });

  it('turns the codec server on only with its token, and checks the UI origins', () => {
    expect(
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', CODEC_UI_ORIGIN: 'https://cloud.temporal.io' }).codec,
    ).toBeUndefined();
    const keys = 'k1:' + Buffer.alloc(32).toString('base64');
    const on = apiSettingsFromEnv({
      FLOWS_MODULE: '/f.js',
      GENKITX_ENCRYPTION_KEYS: keys,
      CODEC_SERVER_TOKEN: 't',
      CODEC_UI_ORIGIN: 'https://cloud.temporal.io, http://localhost:8233',
    });
    expect(on.codec).toEqual({ token: 't', uiOrigins: ['https://cloud.temporal.io', 'http://localhost:8233'] });
    expect(
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', GENKITX_ENCRYPTION_KEYS: keys, CODEC_SERVER_TOKEN: 't' }).codec
        ?.uiOrigins,
    ).toEqual([]);
    expect(() =>
      apiSettingsFromEnv({
        FLOWS_MODULE: '/f.js',
        GENKITX_ENCRYPTION_KEYS: keys,
        CODEC_SERVER_TOKEN: 't',
        CODEC_UI_ORIGIN: 'https://ui.example/path',
      }),
    ).toThrow(/CODEC_UI_ORIGIN/);
  });

  it('refuses the codec server without GENKITX_ENCRYPTION_KEYS, and reports which keys the API holds', () => {
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', CODEC_SERVER_TOKEN: 't' })).toThrow(
      /CODEC_SERVER_TOKEN .*GENKITX_ENCRYPTION_KEYS/,
    );
    expect(apiSettingsFromEnv({ FLOWS_MODULE: '/f.js' })).toMatchObject({ encryption: false, contextSigning: false });
    expect(
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', GENKITX_ENCRYPTION_KEYS: 'k:x', GENKITX_CONTEXT_KEYS: 'c:y' }),
    ).toMatchObject({ encryption: true, contextSigning: true });
  });

  it('turns on console sign-in with API_SESSION_KEYS (bearer, firebase), IAP with its audience, and names what is missing', () => {
    const keys = 'k1:' + Buffer.alloc(32, 1).toString('base64');
    const bearer = { FLOWS_MODULE: '/f.js', API_AUTH: 'bearer', API_BEARER_TOKEN: 'x'.repeat(24) };
    expect(apiSettingsFromEnv(bearer).signIn).toBeUndefined();
    expect(apiSettingsFromEnv({ ...bearer, API_SESSION_KEYS: keys }).signIn).toEqual({ sessionKeys: keys });
    const web = JSON.stringify({ apiKey: 'AIza-public', authDomain: 'p.firebaseapp.com', projectId: 'p' });
    expect(
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', API_SESSION_KEYS: keys, FIREBASE_WEB_CONFIG: web }).signIn,
    ).toEqual({
      sessionKeys: keys,
      firebase: { apiKey: 'AIza-public', authDomain: 'p.firebaseapp.com', projectId: 'p' },
    });
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', FIREBASE_WEB_CONFIG: web })).toThrow(/API_SESSION_KEYS/);
    expect(() => apiSettingsFromEnv({ ...bearer, API_SESSION_KEYS: keys, FIREBASE_WEB_CONFIG: web })).toThrow(
      /FIREBASE_WEB_CONFIG is for API_AUTH=firebase/,
    );
    expect(() =>
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', API_SESSION_KEYS: keys, FIREBASE_WEB_CONFIG: '{apiKey:1}' }),
    ).toThrow(/FIREBASE_WEB_CONFIG must be JSON with apiKey and authDomain/);

    const audience = '/projects/1234/locations/us-central1/services/genkit-api';
    expect(() => apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', API_AUTH: 'iap' })).toThrow(/IAP_AUDIENCE/);
    const iap = apiSettingsFromEnv({
      FLOWS_MODULE: '/f.js',
      API_AUTH: 'iap',
      IAP_AUDIENCE: audience,
      API_SESSION_KEYS: keys,
    });
    expect(iap).toMatchObject({ auth: 'iap', iap: { audience: [audience] } });
    expect(iap.signIn).toBeUndefined(); // IAP signs people in itself
    expect(
      apiSettingsFromEnv({
        FLOWS_MODULE: '/f.js',
        API_AUTH: 'iap',
        IAP_AUDIENCE: audience,
        IAP_JWKS_URL: 'http://127.0.0.1:1/k',
      }).iap,
    ).toEqual({ audience: [audience], keySetUrl: 'http://127.0.0.1:1/k' });
  });

  it('reads the stream limits (API_MAX_STREAMS_PER_CALLER, API_MAX_STREAMS), refusing anything but a count', () => {
    expect(apiSettingsFromEnv({ FLOWS_MODULE: '/f.js' }).streams).toEqual({
      maxStreamsPerCaller: undefined,
      maxStreams: undefined,
    });
    expect(
      apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', API_MAX_STREAMS_PER_CALLER: '5', API_MAX_STREAMS: '300' }).streams,
    ).toEqual({ maxStreamsPerCaller: 5, maxStreams: 300 });
    for (const bad of ['0', '-1', '2.5', 'ten', '1e3']) {
      expect(() => apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', API_MAX_STREAMS: bad })).toThrow(
        /API_MAX_STREAMS must be a whole number/,
      );
      expect(() => apiSettingsFromEnv({ FLOWS_MODULE: '/f.js', API_MAX_STREAMS_PER_CALLER: bad })).toThrow(
        /API_MAX_STREAMS_PER_CALLER must be/,
      );
    }
  });
});
