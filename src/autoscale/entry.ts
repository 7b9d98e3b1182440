// The autoscaler's runnable forms: a handler for a scheduled function, and a run-once main for a Cloud Run job.
import { closeTemporalClients } from '../client/connection';
import { runAutoscaler, type AutoscaleResult, type AutoscalerOptions } from './autoscaler';
import { autoscalerSettingsFromEnv } from './settings';

/**
 * A handler for a scheduled function: settings from the environment (read once), one decision per call.
 * The Temporal connection stays open between calls (a warm instance reuses it).
 *
 * @example
 * ```ts
 * import { onSchedule } from 'firebase-functions/v2/scheduler';
 * import { createAutoscaleHandler } from 'genkitx-temporal/autoscale';
 * export const autoscaleWorkers = onSchedule('every 1 minutes', createAutoscaleHandler());
 * ```
 */
export function createAutoscaleHandler(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AutoscalerOptions> = {},
): (event?: unknown) => Promise<AutoscaleResult> {
  const settings = autoscalerSettingsFromEnv(env);
  return async () => runAutoscaler({ ...settings, ...overrides });
}

/**
 * Runs one decision and returns the process exit code: 0 when it decided (and applied, if due), 1 when the
 * settings are wrong or Temporal or Cloud Run failed (the line logged says why). For a Cloud Run job.
 */
export async function runAutoscalerOnce(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AutoscalerOptions> = {},
): Promise<number> {
  try {
    const result = await createAutoscaleHandler(env, overrides)();
    return result.outcome === 'error' ? 1 : 0;
  } catch (err) {
    process.stdout.write(JSON.stringify({ severity: 'ERROR', message: (err as Error).message }) + '\n');
    return 1;
  } finally {
    await closeTemporalClients();
  }
}
