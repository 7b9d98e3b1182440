// A front door's settings: resolved once and kept (a changed profile file is read when the process starts again),
// except a resolution that failed, which is tried again so that each request names what to fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frontDoorTemporal, resolvedOnFirstUse } from '../../../src/client/front-door';

function profileFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'front-door-')), 'temporal.toml');
  writeFileSync(file, text);
  return file;
}
const profile = (namespace: string) => `[profile.default]\naddress = "127.0.0.1:7999"\nnamespace = "${namespace}"\n`;

describe('front door settings', () => {
  it('are read from the profile file when resolved, and kept when the file changes later', () => {
    const file = profileFile(profile('first'));
    const settings = resolvedOnFirstUse({ configSource: { path: file } });
    writeFileSync(file, profile('second')); // not read yet: the first use reads it
    expect(settings().config).toMatchObject({ address: '127.0.0.1:7999', namespace: 'second' });
    writeFileSync(file, profile('third'));
    expect(settings().config.namespace).toBe('second');
    expect(settings()).toBe(settings());
    // A new front door (a new process) reads the file again.
    expect(frontDoorTemporal({ configSource: { path: file } }).config.namespace).toBe('third');
  });

  it('a failed resolution is not kept: each use throws until the file is fixed, then it is kept', () => {
    const file = profileFile('[profile.default]\nnot toml at all = = =\n');
    const settings = resolvedOnFirstUse({ configSource: { path: file } });
    expect(() => settings()).toThrow();
    expect(() => settings()).toThrow();
    writeFileSync(file, profile('fixed'));
    expect(settings().config.namespace).toBe('fixed');
    writeFileSync(file, profile('later'));
    expect(settings().config.namespace).toBe('fixed');
  });

  it('hands out the given client without connecting anywhere', async () => {
    const client = { given: true } as never;
    const front = frontDoorTemporal({ client, configSource: { data: profile('given') } });
    expect(await front.client()).toBe(client);
    expect(front.config.namespace).toBe('given');
  });
});
