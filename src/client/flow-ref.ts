// flowRef: a typed, validating stand-in for a flow that lives in another process (the worker), so a caller
// gets the flow's input checks and types without importing the flow's module (and Genkit with it).
import type { Action, z } from 'genkit';
import type { DataConverter } from '@temporalio/common';
import {
  assertFlowSchema,
  validateWithSchema,
  type FlowSchema,
  type SchemaOutput,
  type StandardSchemaLike,
} from './flow-schema';
import { checkInputLimits, inputByteLimit } from './input-limits';
import type { TemporalFlowOptions } from '../common/types';

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
  /**
   * The flow's `config.temporal` (task queue, timeouts) as the caller should use them. Present, it stands for the
   * whole of it (a missing heartbeat timeout is the default one); absent, the flow's options are unknown to the
   * caller, and each run adopts the flow's workflow-task timeout itself (a continue-as-new before its first
   * attempt, about 1 s, when the flow's heartbeat timeout is under 10 s).
   */
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

/**
 * What a caller needs to know of the flows a worker hosts, as JSON: each flow's name, the JSON Schema of its input
 * and its `config.temporal`. Written by `flowManifest()` where the flows are defined, read by `flowRefsFrom` where
 * they are started (a front door that loads neither Genkit nor the flows' modules).
 */
export interface FlowManifest {
  version: 1;
  flows: FlowManifestEntry[];
}

/** One flow of a `FlowManifest`. */
export interface FlowManifestEntry {
  name: string;
  /** JSON Schema of the input, checked before a run starts. */
  inputJsonSchema?: object;
  /** The flow's `config.temporal` (`{}` for a flow that sets none: the defaults apply). */
  temporal: TemporalFlowOptions;
}

/**
 * `flowRef`s for the flows of a manifest written by `flowManifest()` (the object, or its JSON text): each validates
 * input against the flow's JSON Schema and starts runs with the flow's own Temporal options (task queue, timeouts,
 * and the workflow-task timeout that follows its heartbeat timeout), as the flow object would. Malformed manifests
 * throw a TypeError naming what is wrong.
 *
 * @example
 * ```ts
 * // worker side, at build time: writeFileSync('flows.json', JSON.stringify(flowManifest()))
 * import { readFileSync } from 'node:fs';
 * import { flowRefsFrom } from 'genkitx-temporal/client';
 * export const flows = flowRefsFrom(readFileSync(new URL('./flows.json', import.meta.url), 'utf8'));
 * ```
 */
export function flowRefsFrom(manifest: FlowManifest | string): FlowReference[] {
  const parsed: unknown = typeof manifest === 'string' ? parseManifest(manifest) : manifest;
  const bad = (what: string) => new TypeError(`flowRefsFrom: ${what} (write the manifest with flowManifest())`);
  if (!parsed || typeof parsed !== 'object') throw bad('the manifest must be an object { version: 1, flows: [...] }');
  const { version, flows } = parsed as Partial<FlowManifest>;
  if (version !== 1) throw bad(`unsupported manifest version ${JSON.stringify(version)} (this library reads 1)`);
  if (!Array.isArray(flows)) throw bad('`flows` must be an array');
  return flows.map((entry: Partial<FlowManifestEntry>, i) => {
    if (!entry || typeof entry !== 'object') throw bad(`flows[${i}] must be an object`);
    if (typeof entry.name !== 'string' || !entry.name) throw bad(`flows[${i}].name must be a non-empty string`);
    if (!isPlainObject(entry.temporal)) throw bad(`flows[${i}] ("${entry.name}").temporal must be an object`);
    if (entry.inputJsonSchema !== undefined && !isPlainObject(entry.inputJsonSchema)) {
      throw bad(`flows[${i}] ("${entry.name}").inputJsonSchema must be a JSON Schema object`);
    }
    return flowRef(entry.name, {
      temporal: entry.temporal,
      ...(entry.inputJsonSchema ? { inputJsonSchema: entry.inputJsonSchema } : {}),
    });
  });
}

function parseManifest(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TypeError(`flowRefsFrom: the manifest is not JSON (${(err as Error).message})`);
  }
}

function isPlainObject(value: unknown): value is object {
  return !!value && typeof value === 'object' && !Array.isArray(value);
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
 * Checks input against the front door's depth and size limits (`checkInputLimits`), then the flow's input schema;
 * throws INVALID_ARGUMENT (Genkit's ValidationError, with the details, on a schema mismatch). A flow given by name
 * has only the limits checked here (the worker checks its schema). The size limit is lifted when the run's data
 * converter offloads large payloads (`dataConverter.externalStorage`).
 */
export async function validateFlowInput(
  flow: FlowRef,
  input: unknown,
  options: { dataConverter?: DataConverter } = {},
): Promise<void> {
  checkInputLimits(input, 'flow input', inputByteLimit(options.dataConverter));
  if (typeof flow === 'string') return;
  const { schema, jsonSchema } = isFlowReference(flow)
    ? { schema: flow.inputSchema, jsonSchema: flow.inputJsonSchema }
    : { schema: flow.__action.inputSchema, jsonSchema: flow.__action.inputJsonSchema };
  await validateWithSchema(input, schema, jsonSchema);
}
