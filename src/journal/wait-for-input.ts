// waitForInput(): a durable wait for a human or another system, holding no worker while it waits.
import type { Duration } from '@temporalio/common';
import { durationToMs } from '../duration';
import { GenkitError, type z } from 'genkit';
import { toJsonSchema } from 'genkit/schema';
import { currentDurableRun } from './durable-run';

/** Options of `waitForInput`. */
export interface WaitForInputOptions<S extends z.ZodTypeAny = z.ZodTypeAny> {
  /** Zod schema of the value; the workflow rejects values that do not match. */
  schema?: S;
  /** JSON Schema of the value, instead of `schema`. */
  jsonSchema?: Record<string, unknown>;
  /** Shown to whoever answers (`getFlowRun(...).pendingInputs`). */
  description?: string;
  /** How long to wait. Without `default`, the run then fails with `InputTimeout`. Waits forever when unset. */
  timeout?: Duration;
  /** The value to go on with when `timeout` passes. */
  default?: z.infer<S>;
  /** @internal The interrupted tool request, for tool interrupts. */
  interrupt?: unknown;
}

/**
 * Waits durably for a value named `name`, sent with `provideFlowInput(workflowId, name, value)`. The flow
 * attempt ends while it waits (no activity slot, no process is held); when the value arrives a new attempt
 * replays the journal and this call returns the value.
 *
 * @example
 * ```ts
 * const { approved } = await waitForInput('approval', { schema: z.object({ approved: z.boolean() }), timeout: '2 days' });
 * ```
 */
export function waitForInput<S extends z.ZodTypeAny = z.ZodTypeAny>(
  name: string,
  options: WaitForInputOptions<S> = {},
): Promise<z.infer<S>> {
  const run = currentDurableRun();
  if (!run) {
    return Promise.reject(
      new GenkitError({
        status: 'FAILED_PRECONDITION',
        message: `waitForInput("${name}") needs a durable run: start the flow with startFlowWorkflow / executeFlowWorkflow (and durable not false)`,
      }),
    );
  }
  return run.waitForInput({
    name,
    schema: toJsonSchema({ schema: options.schema, jsonSchema: options.jsonSchema }) ?? undefined,
    description: options.description,
    timeoutMs: options.timeout === undefined ? undefined : durationToMs(options.timeout),
    hasDefault: 'default' in options,
    defaultValue: options.default,
    interrupt: options.interrupt,
  });
}
