// The flows this process can run on Temporal, by name.
import type { Genkit } from 'genkit';
import type { Action } from 'genkit';
import { journalGenkitInstance } from './journal/genkit-hooks';
import { forgetFlowOptions, rememberFlowOptions } from './registered-options';
import type { TemporalFlowOptions } from './types';

/** Any Genkit flow (or action) that can be run by name. */
export type AnyFlow = Action<any, any, any>;

/** A flow registered for Temporal, with its per-flow defaults. */
export interface RegisteredFlow {
  name: string;
  flow: AnyFlow;
  options: TemporalFlowOptions;
}

const flows = new Map<string, RegisteredFlow>();
const instances = new Set<Genkit>();

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

/**
 * Makes a flow defined elsewhere (e.g. with `ai.defineFlow`) runnable by name on Temporal.
 * @throws if another flow is already registered under `name`
 */
export function registerTemporalFlow(name: string, flow: AnyFlow, options: TemporalFlowOptions = {}): void {
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

export { registeredFlowOptions } from './registered-options';

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

/** @internal For tests: forget every registration. */
export function resetRegistryForTests(): void {
  flows.clear();
  forgetFlowOptions();
}
