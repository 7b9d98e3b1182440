// changed(): versioned flow code. Runs that started before a change keep the old branch; new runs take the new one.
import { currentDurableRun } from './durable-run';

/**
 * Whether this run takes the new branch of the change `id` (in the spirit of Temporal's `patched()`, for journaled
 * flow code). A run that got past this point on the old code (its journal holds the old branch's step here) gets
 * `false` and replays the old branch; a new run — or one that had not come this far — records the change in its
 * journal and gets `true`, on this attempt and every later one. Outside a durable run it returns `true`.
 *
 * IDs are kebab-case, named after the change, and unique within the flow. Once the upgrade check reports no open
 * run on the old branch of `id` (`changes` of its report), drop the old branch with `changed.deprecated(id)`.
 *
 * @example
 * ```ts
 * const prompt = (await changed('eur-prompt')) ? `give a price in EUR for ${item}` : `quote ${item}`;
 * const quote = await ai.generate({ model, prompt });
 * ```
 */
export function changed(id: string): Promise<boolean> {
  const run = currentDurableRun();
  return run ? run.changed(id) : Promise.resolve(true);
}

/**
 * The change `id` with its old branch removed: new runs still record its marker (so a rollback to code that
 * branches on `changed(id)` keeps them on the new branch), and a run that took the new branch replays it. Use it
 * once no open run takes the old branch; a run that still would fails with `NonDeterministicFlow` at its next
 * old step (the upgrade check reports it as incompatible before the deploy).
 *
 * @example
 * ```ts
 * await changed.deprecated('eur-prompt');
 * const quote = await ai.generate({ model, prompt: `give a price in EUR for ${item}` });
 * ```
 */
changed.deprecated = async (id: string): Promise<void> => {
  await changed(id);
};
