// step(): the explicit durable step for side effects Genkit does not see.
import { currentDurableRun } from './durable-run';

/**
 * Runs `fn` at most once per flow run: its (JSON-serialisable) result is journaled, and a retried attempt
 * returns the recorded result without calling `fn`. Outside a durable run it simply calls `fn`. `fn` gets the
 * attempt's abort signal, which fires on cancellation and when the worker shuts down.
 *
 * @example
 * ```ts
 * const order = await step('create-order', () => db.orders.insert(draft));
 * ```
 */
export function step<T>(name: string, fn: (signal: AbortSignal) => Promise<T> | T): Promise<T> {
  const run = currentDurableRun();
  return run ? run.step('step', name, async () => fn(run.signal)) : Promise.resolve().then(() => fn(NEVER_ABORTED));
}

const NEVER_ABORTED = new AbortController().signal;
