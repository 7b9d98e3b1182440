// defineTemporalFlow: `ai.defineFlow` plus Temporal registration and a durable side channel.
import type { Action, FlowConfig, FlowSideChannel, Genkit, z } from 'genkit';
import { step } from './journal/step';
import { waitForInput } from './journal/wait-for-input';
import { registerGenkitInstance, registerTemporalFlow } from './registry';
import type { TemporalFlowOptions } from '../common/types';

/** `ai.defineFlow`'s config plus `temporal`: this flow's defaults for retries, timeouts and task queue. */
export interface TemporalFlowConfig<
  I extends z.ZodTypeAny = z.ZodTypeAny,
  O extends z.ZodTypeAny = z.ZodTypeAny,
  S extends z.ZodTypeAny = z.ZodTypeAny,
> extends FlowConfig<I, O, S> {
  temporal?: TemporalFlowOptions;
}

/** Genkit's flow side channel plus the durable helpers. */
export interface TemporalFlowSideChannel<S> extends FlowSideChannel<S> {
  /**
   * Runs `fn` once per flow run: its result is journaled, and a retried attempt returns the recorded result
   * instead of running it again. Use it for side effects Genkit does not see (HTTP calls, database writes).
   */
  step: typeof step;
  /** Waits durably for a value sent with `provideFlowInput`; no worker is held meanwhile. */
  waitForInput: typeof waitForInput;
}

/** A flow body: Genkit's signature, with the durable side channel. */
export type TemporalFlowFn<I extends z.ZodTypeAny, O extends z.ZodTypeAny, S extends z.ZodTypeAny> = (
  input: z.infer<I>,
  sideChannel: TemporalFlowSideChannel<z.infer<S>>,
) => Promise<z.infer<O>> | z.infer<O>;

/**
 * Defines a Genkit flow that can also run as a durable Temporal workflow. A drop-in for `ai.defineFlow`: the
 * returned flow is a normal Genkit flow (callable, `.run`, `.stream`, visible to Genkit tooling).
 *
 * @example
 * ```ts
 * const jokeFlow = defineTemporalFlow(ai, {
 *   name: 'jokeFlow',
 *   inputSchema: z.object({ topic: z.string() }),
 *   temporal: { retry: { maximumAttempts: 3 } },
 * }, async ({ topic }, { abortSignal }) => {
 *   const { text } = await ai.generate({ prompt: `A joke about ${topic}`, abortSignal });
 *   return text;
 * });
 * const joke = await executeFlowWorkflow(jokeFlow, { topic: 'cats' });
 * ```
 */
export function defineTemporalFlow<
  I extends z.ZodTypeAny = z.ZodTypeAny,
  O extends z.ZodTypeAny = z.ZodTypeAny,
  S extends z.ZodTypeAny = z.ZodTypeAny,
>(ai: Genkit, config: TemporalFlowConfig<I, O, S> | string, fn: TemporalFlowFn<I, O, S>): Action<I, O, S> {
  const { temporal, ...flowConfig } = typeof config === 'string' ? { name: config, temporal: undefined } : config;
  registerGenkitInstance(ai);
  const flow = ai.defineFlow<I, O, S>(flowConfig, (input, sideChannel) =>
    fn(input, Object.assign(sideChannel, { step, waitForInput }) as TemporalFlowSideChannel<z.infer<S>>),
  );
  registerTemporalFlow(flowConfig.name, flow, temporal);
  return flow;
}
