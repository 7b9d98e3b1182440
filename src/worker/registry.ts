// The flows this process can run on Temporal, by name.
import type { Genkit } from 'genkit';
import type { Action } from 'genkit';
import { journalGenkitInstance } from './journal/genkit-hooks';
import { processState } from '../common/process-state';
import { forgetFlowOptions, rememberFlowOptions } from '../common/registered-options';
import type { TemporalFlowOptions } from '../common/types';

/** Any Genkit flow (or action) that can be run by name. */
export type AnyFlow = Action<any, any, any>;

/** A flow registered for Temporal, with its per-flow defaults. */
export interface RegisteredFlow {
  name: string;
  flow: AnyFlow;
  options: TemporalFlowOptions;
}

// Shared by the package's CJS and ESM builds when an app loads both.
const flows = processState('flows', () => new Map<string, RegisteredFlow>());
const instances = processState('genkitInstances', () => new Set<Genkit>());

/** @internal Remembers a Genkit instance whose flows may be run by name (called by the plugin and definers). */
export function registerGenkitInstance(ai: Genkit): void {
  if (instances.has(ai)) return;
  instances.add(ai);
  journalGenkitInstance(ai);
}

/** @internal The Genkit instances registered so far (their class tells which genkit build the app loaded). */
export function knownGenkitInstances(): readonly Genkit[] {
  return [...instances];
}

/** The flow's Genkit instance has no `temporal()` plugin, so its model and tool calls could not be journaled. */
export class FlowNotJournaledError extends Error {
  override readonly name = 'FlowNotJournaled';
  constructor(flowName: string) {
    super(
      `registerTemporalFlow("${flowName}"): the flow's Genkit instance has no temporal() plugin, so its model ` +
        'calls, tool calls and steps would not be journaled and a retried attempt would run them all again. ' +
        'Add the plugin: genkit({ plugins: [temporal()] }), or define the flow with defineTemporalFlow(ai, …). ' +
        'To run it without the journal on purpose, register it with { durable: false }.',
    );
  }
}

/**
 * Makes a flow defined elsewhere (e.g. with `ai.defineFlow`) runnable by name on Temporal. The flow's Genkit
 * instance must have the `temporal()` plugin (it journals the flow's model and tool calls), unless the flow is
 * registered with `{ durable: false }`.
 * @throws if another flow is already registered under `name`
 * @throws FlowNotJournaledError if the flow's Genkit instance has no `temporal()` plugin
 * @example
 * ```ts
 * const ai = genkit({ plugins: [temporal()] });
 * const summarize = ai.defineFlow('summarize', async (text: string) => (await ai.generate(text)).text);
 * registerTemporalFlow('summarize', summarize, { retry: { maximumAttempts: 3 } });
 * ```
 */
export function registerTemporalFlow(name: string, flow: AnyFlow, options: TemporalFlowOptions = {}): void {
  if (options.versioning !== undefined && options.versioning !== 'pinned' && options.versioning !== 'auto-upgrade') {
    throw new TypeError(
      `registerTemporalFlow("${name}"): versioning must be 'pinned' or 'auto-upgrade', got ${JSON.stringify(options.versioning)}`,
    );
  }
  if (options.durable !== false && !isJournaled(flow)) throw new FlowNotJournaledError(name);
  const existing = flows.get(name);
  if (existing && existing.flow !== flow) {
    throw new Error(
      `A flow named "${name}" is already registered for Temporal. Flow names must be unique per worker process; ` +
        'rename one of the flows.',
    );
  }
  flows.set(name, { name, flow, options });
  rememberFlowOptions(name, options);
}

/** @internal Whether the flow belongs to a Genkit instance whose calls are journaled (one known to this package). */
export function isJournaled(flow: AnyFlow): boolean {
  // Genkit keeps the defining instance's registry on the action (`__registry`); it has no link back to the instance.
  const registry = (flow as { __registry?: unknown }).__registry;
  for (const ai of instances) if (ai.registry === registry) return true;
  return false;
}

export { registeredFlowOptions } from '../common/registered-options';

/**
 * Names of every flow this process can run: registered ones and those of known Genkit instances. Initialises
 * the instances' plugins (they may define flows), but does not list plugin actions: some plugins list models
 * over the network.
 */
export async function listFlowNames(): Promise<string[]> {
  const names = new Set(flows.keys());
  for (const ai of instances) {
    await ai.registry.initializeAllPlugins();
    for (const flow of ai.flows) names.add(flow.__action.name);
  }
  return [...names].sort();
}

/**
 * Finds a flow by name: the Temporal registrations first, then every known Genkit instance (plugins are
 * initialised first, since Genkit registers plugin flows lazily).
 */
export async function findFlow(name: string): Promise<RegisteredFlow | undefined> {
  const registered = flows.get(name);
  if (registered) return registered;
  for (const ai of instances) {
    await ai.registry.initializeAllPlugins();
    const action = await ai.registry.lookupAction(`/flow/${name}`);
    if (action) return { name, flow: action as AnyFlow, options: {} };
  }
  return undefined;
}

/** The flows registered for Temporal in this process (`defineTemporalFlow`, `registerTemporalFlow`), by name. */
export function registeredTemporalFlows(): RegisteredFlow[] {
  return [...flows.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** @internal For tests: forget every registration. */
export function resetRegistryForTests(): void {
  flows.clear();
  forgetFlowOptions();
}
