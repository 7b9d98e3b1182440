// Flow input and output types flow through the client API. Checked by `tsc` (`npm run typecheck`, part of
// `npm test`): a wrong type here fails the build, not just this file.
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'genkit';
import {
  executeFlowWorkflow,
  flowRef,
  startFlowWorkflow,
  type FlowChunk,
  type FlowInput,
  type FlowOutput,
} from '../../src';
import { greetFlow } from '../fixtures/basic-flows';

describe('typed client API', () => {
  it('infers input and output from the flow', () => {
    expectTypeOf<FlowInput<typeof greetFlow>>().toEqualTypeOf<{ name: string; times: number }>();
    expectTypeOf<FlowOutput<typeof greetFlow>>().toEqualTypeOf<{ greeting: string; length: number }>();
    expectTypeOf(executeFlowWorkflow<typeof greetFlow>).returns.resolves.toEqualTypeOf<{
      greeting: string;
      length: number;
    }>();
    expectTypeOf(startFlowWorkflow<typeof greetFlow>)
      .parameter(1)
      .toEqualTypeOf<{ name: string; times: number }>();
    // A flow given by name is untyped.
    expectTypeOf<FlowOutput<'greetFlow'>>().toBeUnknown();
  });

  it('types a flowRef like the flow object', () => {
    const ref = flowRef('greetFlow', {
      inputSchema: z.object({ name: z.string(), times: z.number() }),
      outputSchema: z.object({ greeting: z.string(), length: z.number() }),
      streamSchema: z.string(),
    });
    expectTypeOf<FlowInput<typeof ref>>().toEqualTypeOf<FlowInput<typeof greetFlow>>();
    expectTypeOf<FlowOutput<typeof ref>>().toEqualTypeOf<FlowOutput<typeof greetFlow>>();
    expectTypeOf<FlowChunk<typeof ref>>().toEqualTypeOf<string>();
    expectTypeOf(executeFlowWorkflow<typeof ref>).returns.resolves.toEqualTypeOf<{
      greeting: string;
      length: number;
    }>();
    const wrong = () =>
      // @ts-expect-error `name` must be a string
      startFlowWorkflow(ref, { name: 1, times: 2 });
    expectTypeOf(wrong).toBeFunction();
  });

  it('rejects input of the wrong shape at compile time', () => {
    const wrongInput = () =>
      // @ts-expect-error `times` must be a number
      executeFlowWorkflow(greetFlow, { name: 'x', times: 'twice' });
    expectTypeOf(wrongInput).toBeFunction();
  });
});
