// flowManifest: the flows this process defines, as JSON a front door turns into `flowRef`s (`flowRefsFrom`)
// without loading Genkit or the flows' modules: names, input JSON Schemas and each flow's `config.temporal`.
import { toJsonSchema } from 'genkit/schema';
import type { FlowManifest, FlowManifestEntry } from '../client/flow-ref';
import { registeredFlowOptions } from '../common/registered-options';
import { registeredTemporalFlows, type AnyFlow } from './registry';

/**
 * The manifest of `flows` (default: every flow registered for Temporal in this process, e.g. with
 * `defineTemporalFlow`): each flow's name, the JSON Schema of its input and its `config.temporal`. Write it where
 * the flows are defined (the worker's build) and read it with `flowRefsFrom` where runs are started: those runs
 * then validate input and get the flow's own task queue and timeouts — among them the workflow-task timeout that
 * follows the heartbeat timeout, so a crash fails them over as fast as runs started with the flow object.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { flowManifest } from 'genkitx-temporal';
 * import './flows'; // defines the flows
 * writeFileSync('flows.json', JSON.stringify(flowManifest(), null, 2));
 * ```
 */
export function flowManifest(flows?: readonly AnyFlow[]): FlowManifest {
  const chosen = flows
    ? flows.map((flow) => ({ name: flow.__action.name, flow, options: registeredFlowOptions(flow.__action.name) }))
    : registeredTemporalFlows();
  return { version: 1, flows: chosen.map(({ name, flow, options }) => entryOf(name, flow, options)) };
}

function entryOf(name: string, flow: AnyFlow, options: FlowManifestEntry['temporal']): FlowManifestEntry {
  const { inputSchema, inputJsonSchema } = flow.__action;
  const jsonSchema =
    inputSchema || inputJsonSchema
      ? (toJsonSchema({ schema: inputSchema, jsonSchema: inputJsonSchema }) as object)
      : undefined;
  // A JSON round trip: the manifest holds exactly what a reader of the file gets.
  return JSON.parse(
    JSON.stringify({ name, ...(jsonSchema ? { inputJsonSchema: jsonSchema } : {}), temporal: options }),
  );
}
