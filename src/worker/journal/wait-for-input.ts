// waitForInput(): a durable wait for a human or another system, holding no worker while it waits.
import type { Duration } from '@temporalio/common';
import { GenkitError, type z } from 'genkit';
import { toJsonSchema } from 'genkit/schema';
import { parseDuration } from '../../common/retry-math';
import { currentDurableRun } from './durable-run';

/** Options of `waitForInput`. */
export interface WaitForInputOptions<S extends z.ZodTypeAny = z.ZodTypeAny> {
  /**
   * Zod schema of the value. The workflow rejects answers that do not match its JSON Schema; the flow then gets
   * `schema.parse(answer)` (defaults, transforms and stripping applied).
   */
  schema?: S;
  /** JSON Schema of the value, instead of `schema`. */
  jsonSchema?: Record<string, unknown>;
  /** Shown to whoever answers (`getFlowRun(...).pendingInputs`). */
  description?: string;
  /** How long to wait. Without `default`, the run then fails with `InputTimeout`. Waits forever when unset. */
  timeout?: Duration;
  /** The value to go on with when `timeout` passes; parsed by `schema` like an answer. */
  default?: z.input<S>;
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
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout);
  if (options.timeout !== undefined && (timeoutMs === undefined || timeoutMs < 0)) {
    const message = `waitForInput("${name}"): timeout must be a duration such as '2 days' or a number of ms, got ${JSON.stringify(options.timeout)}`;
    return Promise.reject(new GenkitError({ status: 'INVALID_ARGUMENT', message }));
  }
  if (options.schema && 'default' in options) {
    // Check the default now rather than when the timeout passes, maybe days later. Synchronously, so the wait
    // takes its journal position in program order (a schema with async refinements is checked when it is used).
    const parsed = safeParseSync(options.schema, options.default);
    if (parsed && !parsed.success) return Promise.reject(invalidValue(name, parsed.error, 'the default of'));
  }
  if (!run) {
    return Promise.reject(
      new GenkitError({
        status: 'FAILED_PRECONDITION',
        message: `waitForInput("${name}") needs a durable run: start the flow with startFlowWorkflow / executeFlowWorkflow (and durable not false)`,
      }),
    );
  }
  const answer = run.waitForInput({
    name,
    schema: toJsonSchema({ schema: options.schema, jsonSchema: options.jsonSchema }) ?? undefined,
    description: options.description,
    timeoutMs,
    hasDefault: 'default' in options,
    defaultValue: options.default,
    interrupt: options.interrupt,
  });
  return answer.then((value) => parseInputValue(name, options.schema, value));
}

/**
 * What the flow gets for an answer (live or replayed from the journal, the same way): `schema` applied, so Zod
 * defaults, transforms and stripping take effect. A value the schema refuses (a refinement JSON Schema could not
 * express, so the workflow let it through) is a non-retryable `INVALID_ARGUMENT` naming the input and the issues.
 *
 * @example
 * ```ts
 * await parseInputValue('approval', z.object({ approved: z.boolean().default(false) }), {}); // { approved: false }
 * ```
 */
export async function parseInputValue<S extends z.ZodTypeAny>(
  name: string,
  schema: S | undefined,
  value: unknown,
): Promise<z.infer<S>> {
  if (!schema) return value as z.infer<S>;
  const parsed = await schema.safeParseAsync(value);
  if (parsed.success) return parsed.data as z.infer<S>;
  throw invalidValue(name, parsed.error, 'the value for');
}

function safeParseSync(schema: z.ZodTypeAny, value: unknown): ReturnType<z.ZodTypeAny['safeParse']> | undefined {
  try {
    return schema.safeParse(value);
  } catch {
    return undefined; // async refinements or transforms
  }
}

const MAX_LISTED_ISSUES = 5;

function invalidValue(name: string, error: z.ZodError, what: string): GenkitError {
  const issues = error.issues.map(({ path, message, code }) => ({ path, message, code }));
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((i) => `${['$', ...i.path].join('.')}: ${i.message}`)
    .join('; ');
  const more = issues.length > MAX_LISTED_ISSUES ? ` (and ${issues.length - MAX_LISTED_ISSUES} more)` : '';
  return new GenkitError({
    status: 'INVALID_ARGUMENT',
    message: `${what} input "${name}" does not match its schema: ${listed}${more}`,
    detail: { input: name, issues },
  });
}
