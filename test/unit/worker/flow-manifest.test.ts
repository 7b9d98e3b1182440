// flowManifest / flowRefsFrom: the flows' names, input schemas and config.temporal cross from where the flows are
// defined to a front door as JSON, and come back as flowRefs that validate input like the flow objects.
import { genkit, z } from 'genkit';
import { describe, expect, it } from 'vitest';
import { defineTemporalFlow, flowManifest, temporal } from '../../../src';
import { flowRefsFrom, type FlowManifest } from '../../../src/client';
import { validateFlowInput } from '../../../src/client/flow-ref';

const ai = genkit({ plugins: [temporal()] });
const quick = defineTemporalFlow(
  ai,
  {
    name: 'manifestQuickFlow',
    inputSchema: z.object({ topic: z.string(), count: z.number().int().min(1) }),
    temporal: { heartbeatTimeout: '3s', taskQueue: 'quick', retry: { maximumAttempts: 2, initialInterval: '200ms' } },
  },
  async ({ topic }) => topic,
);
const plain = defineTemporalFlow(ai, { name: 'manifestPlainFlow' }, async () => 'ok');

describe('flowManifest', () => {
  it("records each flow's name, input JSON Schema and config.temporal, as JSON", () => {
    const manifest = flowManifest([quick, plain]);
    expect(manifest).toEqual({
      version: 1,
      flows: [
        {
          name: 'manifestQuickFlow',
          inputJsonSchema: expect.objectContaining({ type: 'object', required: ['topic', 'count'] }),
          temporal: {
            heartbeatTimeout: '3s',
            taskQueue: 'quick',
            retry: { maximumAttempts: 2, initialInterval: '200ms' },
          },
        },
        { name: 'manifestPlainFlow', temporal: {} },
      ],
    });
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('without arguments: every flow registered for Temporal in this process', () => {
    const names = flowManifest().flows.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['manifestQuickFlow', 'manifestPlainFlow']));
  });
});

describe('flowRefsFrom', () => {
  const text = JSON.stringify(flowManifest([quick, plain]));

  it('gives flowRefs that validate input like the flow object and carry its options', async () => {
    const [quickRef, plainRef] = flowRefsFrom(text);
    expect(quickRef.name).toBe('manifestQuickFlow');
    expect(quickRef.temporal).toEqual({
      heartbeatTimeout: '3s',
      taskQueue: 'quick',
      retry: { maximumAttempts: 2, initialInterval: '200ms' },
    });
    await expect(validateFlowInput(quickRef, { topic: 'cats', count: 2 })).resolves.toBeUndefined();
    for (const bad of [{ topic: 'cats' }, { topic: 1, count: 2 }, { topic: 'cats', count: 0 }]) {
      const invalid = expect.objectContaining({ status: 'INVALID_ARGUMENT' });
      await expect(validateFlowInput(quickRef, bad)).rejects.toThrow(invalid);
      await expect(validateFlowInput(quick, bad)).rejects.toThrow(invalid);
    }
    expect(plainRef.temporal).toEqual({});
    expect(flowRefsFrom(JSON.parse(text) as FlowManifest).map((r) => r.name)).toEqual([quickRef.name, plainRef.name]);
  });

  it('refuses malformed manifests, naming what is wrong', () => {
    expect(() => flowRefsFrom('{')).toThrow(/not JSON/);
    expect(() => flowRefsFrom('[]')).toThrow(/version/);
    expect(() => flowRefsFrom({ version: 2, flows: [] } as never)).toThrow(/version 2/);
    expect(() => flowRefsFrom({ version: 1 } as never)).toThrow(/`flows` must be an array/);
    expect(() => flowRefsFrom({ version: 1, flows: [{ temporal: {} }] } as never)).toThrow(/flows\[0\]\.name/);
    expect(() => flowRefsFrom({ version: 1, flows: [{ name: 'x' }] } as never)).toThrow(/\("x"\)\.temporal/);
    expect(() =>
      flowRefsFrom({ version: 1, flows: [{ name: 'x', temporal: {}, inputJsonSchema: 'string' }] } as never),
    ).toThrow(/inputJsonSchema/);
  });
});
