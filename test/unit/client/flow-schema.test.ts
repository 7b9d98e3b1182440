// flowRef schemas from zod 3 (Genkit's `z`), zod 4 (`npm i zod` today: 4.6, installed here as `zod4`), zod 4.0
// (zod 3.25's `zod/v4`, which has no JSON Schema converter on `~standard`) and a plain Standard Schema: each types
// the reference and refuses bad input with the INVALID_ARGUMENT details Genkit gives a zod 3 schema.
import { z as z3 } from 'genkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z as z4 } from 'zod4';
import { z as z40 } from 'zod/v4';
import { flowRef, startFlowWorkflow, type FlowChunk, type FlowInput, type FlowOutput } from '../../../src/client';
import { onCallFlow } from '../../../src/firebase';
import { createFlowApi, flowWebhook } from '../../../src/http';
import { validateFlowInput } from '../../../src/client/flow-ref';

/** The error validateFlowInput throws, or `undefined` when the input passes. */
async function refusal(ref: Parameters<typeof validateFlowInput>[0], input: unknown) {
  try {
    await validateFlowInput(ref, input);
    return undefined;
  } catch (err) {
    return err as { status?: string; detail?: { errors?: { path: string; message: string }[] } };
  }
}

const zod3Ref = flowRef('f', {
  inputSchema: z3.object({ topic: z3.string(), n: z3.number().int().min(1).optional() }),
});
const zod4Ref = flowRef('f', {
  inputSchema: z4.object({ topic: z4.string(), n: z4.number().int().min(1).optional() }),
});
const zod40Ref = flowRef('f', {
  inputSchema: z40.object({ topic: z40.string(), n: z40.number().int().min(1).optional() }),
});

describe('flowRef input validation', () => {
  it('refuses bad zod 4 input with the same status and details as zod 3 (it used to pass everything)', async () => {
    for (const input of [{ topic: 1 }, {}, { topic: 'x', n: 0 }, 'cats', null]) {
      const before = await refusal(zod3Ref, input);
      const after = await refusal(zod4Ref, input);
      expect(before?.status, JSON.stringify(input)).toBe('INVALID_ARGUMENT');
      expect(after?.status, JSON.stringify(input)).toBe('INVALID_ARGUMENT');
      expect(after?.detail?.errors, JSON.stringify(input)).toEqual(before?.detail?.errors);
    }
    expect((await refusal(zod4Ref, { topic: 1 }))?.detail?.errors).toEqual([
      { path: 'topic', message: 'must be string' },
    ]);
  });

  it('accepts good zod 4 input, unknown fields included (as zod 3 and Genkit do)', async () => {
    for (const input of [{ topic: 'cats' }, { topic: 'cats', n: 3 }, { topic: 'cats', extra: true }]) {
      expect(await refusal(zod4Ref, input)).toBeUndefined();
      expect(await refusal(zod3Ref, input)).toBeUndefined();
    }
  });

  it('zod 4 formats, enums, unions and strict objects are checked too', async () => {
    const ref = flowRef('f', {
      inputSchema: z4.strictObject({
        email: z4.email(),
        level: z4.enum(['low', 'high']),
        when: z4.iso.datetime(),
        by: z4.discriminatedUnion('kind', [
          z4.object({ kind: z4.literal('user'), uid: z4.string() }),
          z4.object({ kind: z4.literal('bot') }),
        ]),
      }),
    });
    const good = { email: 'a@b.co', level: 'low', when: '2026-01-01T00:00:00Z', by: { kind: 'bot' } };
    expect(await refusal(ref, good)).toBeUndefined();
    for (const bad of [
      { ...good, email: 'nope' },
      { ...good, level: 'mid' },
      { ...good, when: 'yesterday' },
      { ...good, by: { kind: 'user' } },
      { ...good, extra: 1 },
    ]) {
      expect((await refusal(ref, bad))?.status, JSON.stringify(bad)).toBe('INVALID_ARGUMENT');
    }
  });

  it('a zod 4 schema JSON Schema cannot express (z.date()) is checked by zod itself', async () => {
    const ref = flowRef('f', { inputSchema: z4.object({ at: z4.date() }) });
    expect(await refusal(ref, { at: new Date() })).toBeUndefined();
    const err = await refusal(ref, { at: 'x' });
    expect(err?.status).toBe('INVALID_ARGUMENT');
    expect(err?.detail?.errors).toEqual([{ path: 'at', message: expect.any(String) }]);
  });

  it('zod 4.0 (no JSON Schema on ~standard) is checked through ~standard.validate, with field paths', async () => {
    expect(await refusal(zod40Ref, { topic: 'cats' })).toBeUndefined();
    const err = await refusal(zod40Ref, { topic: 1 });
    expect(err?.status).toBe('INVALID_ARGUMENT');
    expect(err?.detail?.errors).toEqual([{ path: 'topic', message: expect.stringMatching(/string/) }]);
    expect((await refusal(zod40Ref, 'cats'))?.detail?.errors?.[0]?.path).toBe('(root)');
  });

  it('any Standard Schema works, including an asynchronous validator', async () => {
    const even = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: async (value: unknown) =>
          typeof value === 'number' && value % 2 === 0
            ? { value }
            : { issues: [{ message: 'must be even', path: [{ key: 'n' }] }] },
        types: undefined as unknown as { input: number; output: number },
      },
    };
    const ref = flowRef('f', { inputSchema: even });
    expectTypeOf<FlowInput<typeof ref>>().toEqualTypeOf<number>();
    expect(await refusal(ref, 2)).toBeUndefined();
    expect((await refusal(ref, 3))?.detail?.errors).toEqual([{ path: 'n', message: 'must be even' }]);
  });

  it('refuses, when the reference is made, a schema it could neither check nor type', () => {
    expect(() => flowRef('f', { inputSchema: { type: 'object' } as never })).toThrow(
      /inputSchema must be a zod schema/,
    );
    expect(() => flowRef('f', { outputSchema: null as never })).toThrow(/outputSchema/);
  });

  it('an explicit inputJsonSchema still wins, and a bare name is not checked', async () => {
    const ref = flowRef('f', { inputSchema: z4.string(), inputJsonSchema: { type: 'number' } });
    expect(await refusal(ref, 3)).toBeUndefined();
    expect(await refusal('f', { anything: true })).toBeUndefined();
  });
});

describe('flowRef types', () => {
  it('infer input, output and chunk types from zod 4 schemas as from zod 3', () => {
    const ref4 = flowRef('f', {
      inputSchema: z4.object({ topic: z4.string(), n: z4.number().optional() }),
      outputSchema: z4.object({ joke: z4.string() }),
      streamSchema: z4.string(),
    });
    expectTypeOf<FlowInput<typeof ref4>>().toEqualTypeOf<{ topic: string; n?: number | undefined }>();
    expectTypeOf<FlowOutput<typeof ref4>>().toEqualTypeOf<{ joke: string }>();
    expectTypeOf<FlowChunk<typeof ref4>>().toEqualTypeOf<string>();
    expectTypeOf<FlowInput<typeof zod40Ref>>().toEqualTypeOf<{ topic: string; n?: number | undefined }>();
    expectTypeOf<FlowInput<typeof zod3Ref>>().toEqualTypeOf<{ topic: string; n?: number | undefined }>();
  });

  it('every front door takes a zod 4 flowRef, typed', () => {
    const ref4 = flowRef('f', { inputSchema: z4.object({ topic: z4.string() }), outputSchema: z4.string() });
    type Started = Awaited<ReturnType<ReturnType<typeof onCallFlow<typeof ref4>>['run']>>;
    expectTypeOf<Started['result']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(createFlowApi).toBeCallableWith({ flows: [ref4] });
    expectTypeOf(flowWebhook<typeof ref4>)
      .parameter(1)
      .toHaveProperty('toInput');
    expectTypeOf(startFlowWorkflow<typeof ref4>)
      .parameter(1)
      .toEqualTypeOf<{ topic: string }>();
  });

  it('a field without a schema stays `any`, as before', () => {
    const bare = flowRef('f');
    expectTypeOf<FlowOutput<typeof bare>>().toBeAny();
    expectTypeOf<FlowInput<typeof bare>>().toBeAny();
  });
});
