// Per-flow Temporal defaults (`config.temporal`) of flows defined in this process, by flow name. Kept apart
// from the registry so that starting a flow does not load Genkit: the light client entry reads this map only.
import { processState } from './process-state';
import type { TemporalFlowOptions } from './types';

// Shared by the package's CJS and ESM builds when an app loads both.
const optionsByFlow = processState('flowOptions', () => new Map<string, TemporalFlowOptions>());

/** @internal Called when a flow is registered for Temporal. */
export function rememberFlowOptions(name: string, options: TemporalFlowOptions): void {
  optionsByFlow.set(name, options);
}

/** The `config.temporal` a flow was registered with in this process (empty when unknown). */
export function registeredFlowOptions(name: string): TemporalFlowOptions {
  return optionsByFlow.get(name) ?? {};
}

/** The `config.temporal` of a flow registered in this process, or undefined when this process does not know it. */
export function knownFlowOptions(name: string): TemporalFlowOptions | undefined {
  return optionsByFlow.get(name);
}

/** @internal For tests. */
export function forgetFlowOptions(): void {
  optionsByFlow.clear();
}
