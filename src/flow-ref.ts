// flowRef: a typed, validating stand-in for a flow that lives in another process (the worker), so a caller
// gets the flow's input checks and types without importing the flow's module (and Genkit with it).
import type { Action, z } from 'genkit';
import {
  assertFlowSchema,
  validateWithSchema,
  type FlowSchema,
  type SchemaOutput,
  type StandardSchemaLike,
} from './flow-schema';
import type { TemporalFlowOptions } from './types';

export type { FlowSchema, SchemaOutput, StandardSchemaLike } from './flow-schema';

/** The schema a `flowRef` field has when none is given: its type is `any`, as with a flow object without one. */
export type AnyFlowSchema = StandardSchemaLike<any>;

const FLOW_REF = Symbol.for('genkitx-temporal.flowRef');

/**
 * A reference to a flow by name, with the schemas its caller validates and types against: zod 3 or zod 4 schemas
 * (or any Standard Schema).
 */
export interface FlowReference<
  I extends FlowSchema = AnyFlowSchema,
  O extends FlowSchema = AnyFlowSchema,
  S extends FlowSchema = AnyFlowSchema,
> {
  readonly [FLOW_REF]: true;
  /** The flow's registered name on the worker. */
  readonly name: string;
  readonly inputSchema?: I;
  readonly outputSchema?: O;
  readonly streamSchema?: S;
  /** JSON Schema of the input, for callers without zod. */
  readonly inputJsonSchema?: object;
  /** The flow's Temporal defaults (task queue, timeouts) as the caller should use them. */
  readonly temporal?: TemporalFlowOptions;
}

/** Options of `flowRef`. */
export interface FlowRefOptions<I extends FlowSchema, O extends FlowSchema, S extends FlowSchema> {
  inputSchema?: I;
  outputSchema?: O;
  streamSchema?: S;
  inputJsonSchema?: object;
  temporal?: TemporalFlowOptions;
}

/**
 * A typed, validating reference to a flow defined in the worker process. Accepted wherever a flow object is
 * (`startFlowWorkflow`, `executeFlowWorkflow`, `createFlowApi`, `flowWebhook`); input is checked against
 * `inputSchema` before anything starts, exactly as with the flow object. Schemas may come from zod 3 (`zod@3`,
 * Genkit's `z`) or zod 4 (`npm i zod`), or any library implementing Standard Schema; they are checked through
 * their JSON Schema where they have one (the same check and error details as Genkit's), else by their own validator.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { executeFlowWorkflow, flowRef } from 'genkitx-temporal/client';
 * const jokeFlow = flowRef('jokeFlow', { inputSchema: z.object({ topic: z.string() }), outputSchema: z.string() });
 * const joke: string = await executeFlowWorkflow(jokeFlow, { topic: 'cats' });
 * ```
 */
export function flowRef<
  I extends FlowSchema = AnyFlowSchema,
  O extends FlowSchema = AnyFlowSchema,
  S extends FlowSchema = AnyFlowSchema,
>(name: string, options: FlowRefOptions<I, O, S> = {}): FlowReference<I, O, S> {
  if (typeof name !== 'string' || !name) throw new TypeError('flowRef: a flow name is required');
  for (const field of ['inputSchema', 'outputSchema', 'streamSchema'] as const) assertFlowSchema(field, options[field]);
  return Object.freeze({ [FLOW_REF]: true as const, name, ...options });
}

/** True for a value made by `flowRef`. */
export function isFlowReference(value: unknown): value is FlowReference<any, any, any> {
  return !!value && typeof value === 'object' && (value as Record<symbol, unknown>)[FLOW_REF] === true;
}

/** A flow object, a `flowRef`, or a flow's registered name. */
export type FlowRef = Action<any, any, any> | FlowReference<any, any, any> | string;

/** The input type of a flow (`unknown` for a flow given by name). */
export type FlowInput<F> =
  F extends Action<infer I, any, any>
    ? z.infer<I>
    : F extends FlowReference<infer I, any, any>
      ? SchemaOutput<I>
      : unknown;
/** The output type of a flow (`unknown` for a flow given by name). */
export type FlowOutput<F> =
  F extends Action<any, infer O, any>
    ? z.infer<O>
    : F extends FlowReference<any, infer O, any>
      ? SchemaOutput<O>
      : unknown;
/** The chunk type of a flow (`unknown` for a flow given by name). */
export type FlowChunk<F> =
  F extends Action<any, any, infer S>
    ? z.infer<S>
    : F extends FlowReference<any, any, infer S>
      ? SchemaOutput<S>
      : unknown;

/** The flow's registered name. */
export function flowNameOf(flow: FlowRef): string {
  if (typeof flow === 'string') return flow;
  if (isFlowReference(flow)) return flow.name;
  return flow.__action.name;
}

/** Per-flow Temporal defaults carried by a `flowRef` (empty otherwise). */
export function refFlowOptions(flow: FlowRef): TemporalFlowOptions {
  return isFlowReference(flow) ? (flow.temporal ?? {}) : {};
}

/**
 * Checks input against the flow's input schema; throws Genkit's ValidationError (INVALID_ARGUMENT, with the
 * details) on mismatch. A flow given by name is not checked here (the worker checks it).
 */
export async function validateFlowInput(flow: FlowRef, input: unknown): Promise<void> {
  if (typeof flow === 'string') return;
  const { schema, jsonSchema } = isFlowReference(flow)
    ? { schema: flow.inputSchema, jsonSchema: flow.inputJsonSchema }
    : { schema: flow.__action.inputSchema, jsonSchema: flow.__action.inputJsonSchema };
  await validateWithSchema(input, schema, jsonSchema);
}
