import { genkit, z } from 'genkit';
import { afterEach, describe, expect, it } from 'vitest';
import { defineTemporalFlow, listFlowNames, registerTemporalFlow, temporal } from '../../../src';
import { findFlow, resetRegistryForTests } from '../../../src/worker/registry';

afterEach(() => resetRegistryForTests());

describe('flow registry', () => {
  it('rejects a second, different flow under a taken name', () => {
    const ai = genkit({ plugins: [temporal()] });
    const a = ai.defineFlow('dupA', async () => 'a');
    const b = ai.defineFlow('dupB', async () => 'b');
    registerTemporalFlow('shared', a);
    registerTemporalFlow('shared', a); // the same flow again is harmless
    expect(() => registerTemporalFlow('shared', b)).toThrow(/"shared" is already registered/);
  });

  it('refuses a flow whose Genkit instance has no temporal() plugin (its calls could not be journaled)', async () => {
    const ai = genkit({});
    const flow = ai.defineFlow('unjournaled', async () => 'x');
    expect(() => registerTemporalFlow('unjournaled', flow)).toThrow(
      expect.objectContaining({ name: 'FlowNotJournaled', message: expect.stringContaining('temporal()') }),
    );
    // On purpose, without the journal:
    registerTemporalFlow('unjournaled', flow, { durable: false });
    expect(await listFlowNames()).toContain('unjournaled');
  });

  it('finds flows defined with plain ai.defineFlow on an instance with the temporal() plugin', async () => {
    const ai = genkit({ plugins: [temporal()] });
    ai.defineFlow({ name: 'plainFlow', inputSchema: z.string() }, async (s) => s.toUpperCase());
    const found = await findFlow('plainFlow');
    expect(found?.name).toBe('plainFlow');
    expect(await found!.flow('abc')).toBe('ABC');
    expect(await listFlowNames()).toContain('plainFlow');
  });

  it('keeps per-flow Temporal options from defineTemporalFlow', async () => {
    const ai = genkit({});
    defineTemporalFlow(
      ai,
      { name: 'tunedFlow', temporal: { retry: { maximumAttempts: 2 }, durable: false } },
      async () => 1,
    );
    expect((await findFlow('tunedFlow'))?.options).toEqual({ retry: { maximumAttempts: 2 }, durable: false });
    expect(await findFlow('missingFlow')).toBeUndefined();
  });
});
