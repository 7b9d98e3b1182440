// The `temporal()` Genkit plugin: records connection defaults and makes the instance's flows runnable by name.
import type { GenkitPlugin } from 'genkit/plugin';
import { setPluginDefaults, type TemporalConnectionOptions } from '../client/config';
import { registerGenkitInstance } from './registry';

/** Options of the `temporal()` plugin: connection defaults for every client and worker in this process. */
export type TemporalPluginOptions = TemporalConnectionOptions;

/**
 * Genkit plugin for Temporal. Every flow of the Genkit instance becomes runnable by name on a Temporal worker,
 * and `options` become the defaults of `executeFlowWorkflow`, `startFlowWorkflow` and `startTemporalWorker`.
 *
 * @example
 * ```ts
 * const ai = genkit({ plugins: [temporal({ taskQueue: 'genkit' })] });
 * ```
 */
export function temporal(options: TemporalPluginOptions = {}): GenkitPlugin {
  setPluginDefaults(options);
  return (ai) => {
    registerGenkitInstance(ai);
    return { name: 'temporal', initializer: () => {} };
  };
}
