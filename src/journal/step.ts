// step(): the explicit durable step for side effects Genkit does not see.
import { currentDurableRun } from './durable-run';

/**
 * Runs `fn` at most once per flow run: its (JSON-serialisable) result is journaled, and a retried attempt
 * returns the recorded result without calling `fn`. Outside a durable run it simply calls `fn`.
 *
 * @example
 * ```ts
 * const order = await step('create-order', () => db.orders.insert(draft));
 * ```
 */
export function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const run = currentDurableRun();
  return run ? run.step('step', name, async () => fn()) : Promise.resolve().then(fn);
}
