// Makes a Genkit instance journal its model calls, tool executions and ai.run steps while a durable flow
// attempt runs. Every generate path (ai.generate, generateStream, prompts, .prompt files, plugin calls) resolves
// models and tools through the instance registry's lookupAction, so wrapping what it returns covers them all;
// Generate middleware would need a `use` on every call and misses prompts.
import type { Genkit } from 'genkit';
import { processState } from '../../common/process-state';
import { callUsageOf } from '../../common/usage';
import { currentDurableRun, type DurableRun } from './durable-run';
import { resolveInterruptsOn } from './interrupts';

type AnyActionFn = ((input: unknown, options?: ActionCallOptions) => Promise<unknown>) & {
  __action?: { name: string; actionType?: string };
};
interface ActionCallOptions {
  onChunk?: (chunk: unknown) => void;
  [key: string]: unknown;
}

/** What a model step journals: the response, and the chunks it streamed so a replay streams them again. */
interface RecordedModelCall {
  response: unknown;
  chunks?: unknown[];
}

const JOURNALED_TYPES = new Set(['model', 'tool', 'tool.v2']);
const instrumented = processState('instrumentedGenkitInstances', () => new WeakSet<Genkit>());

/** Instruments `ai` once; a no-op for calls made outside a durable flow attempt. */
export function journalGenkitInstance(ai: Genkit): void {
  if (instrumented.has(ai)) return;
  instrumented.add(ai);
  wrapRegistryLookups(ai);
  wrapRun(ai);
  wrapDynamicTool(ai);
  resolveInterruptsOn(ai);
}

function wrapRegistryLookups(ai: Genkit): void {
  const registry = ai.registry as unknown as { lookupAction(key: string): Promise<AnyActionFn | undefined> };
  const lookup = registry.lookupAction.bind(registry);
  const wrappers = new WeakMap<AnyActionFn, AnyActionFn>();
  registry.lookupAction = async (key: string) => {
    const action = await lookup(key);
    const type = action?.__action?.actionType;
    if (!action || !type || !JOURNALED_TYPES.has(type) || !currentDurableRun()) return action;
    let wrapper = wrappers.get(action);
    if (!wrapper) {
      wrapper = journaledAction(action, type === 'model' ? 'model' : 'tool');
      wrappers.set(action, wrapper);
    }
    return wrapper;
  };
}

/** A stand-in for `action` (same metadata) whose calls go through the current run's journal. */
function journaledAction(action: AnyActionFn, kind: 'model' | 'tool'): AnyActionFn {
  const name = action.__action?.name ?? 'unknown';
  const call = (input: unknown, options: ActionCallOptions = {}) => {
    const run = currentDurableRun();
    if (!run) return action(input, options);
    return kind === 'model'
      ? modelStep(run, name, action, input, options)
      : run.step('tool', name, () => action(input, options), { value: input });
  };
  const wrapper = Object.assign(call, action) as AnyActionFn & { run?: unknown };
  wrapper.run = async (input: unknown, options?: ActionCallOptions) => ({ result: await call(input, options) });
  return wrapper;
}

async function modelStep(
  run: DurableRun,
  name: string,
  model: AnyActionFn,
  request: unknown,
  options: ActionCallOptions,
): Promise<unknown> {
  const { onChunk } = options;
  // Same tick as the step's position below: a budget approval recorded before the call is replayed (or asked for).
  const waitsForBudget = run.budgetGate(name);
  if (waitsForBudget) return waitsForBudget;
  let replaying = true;
  const price = run.prices[name];
  const recorded = await run.step<RecordedModelCall>(
    'model',
    name,
    async () => {
      replaying = false;
      const chunks: unknown[] = [];
      // Leave onChunk undefined when the caller is not streaming: models treat its presence as a streaming request.
      const tee = onChunk && ((chunk: unknown) => (chunks.push(chunk), onChunk(chunk)));
      const response = await model(request, { ...options, onChunk: tee });
      return chunks.length ? { response, chunks } : { response };
    },
    { value: request, usageOf: (output) => callUsageOf((output as RecordedModelCall).response, price) },
  );
  // A replayed call streams its recorded chunks again, so the flow sees the same chunk sequence on every
  // attempt; chunks an earlier attempt already delivered are dropped where the flow's chunks leave the run.
  if (replaying && onChunk) recorded.chunks?.forEach((chunk) => onChunk(chunk));
  return recorded.response;
}

function wrapRun(ai: Genkit): void {
  const original = ai.run.bind(ai) as (...args: unknown[]) => Promise<unknown>;
  (ai as unknown as { run: unknown }).run = (name: string, inputOrFn: unknown, fn?: unknown) => {
    const withInput = typeof fn === 'function';
    const call = () => (withInput ? original(name, inputOrFn, fn) : original(name, inputOrFn));
    const run = currentDurableRun();
    return run ? run.step('run', name, call, withInput ? { value: inputOrFn } : undefined) : call();
  };
}

/** Dynamic tools live in a per-call child registry that the lookup wrapper never sees. */
function wrapDynamicTool(ai: Genkit): void {
  const original = ai.dynamicTool.bind(ai) as (config: { name: string }, fn?: (...a: unknown[]) => unknown) => unknown;
  (ai as unknown as { dynamicTool: unknown }).dynamicTool = (
    config: { name: string },
    fn?: (...a: unknown[]) => unknown,
  ) =>
    original(
      config,
      fn &&
        ((input: unknown, ctx: unknown) => {
          const run = currentDurableRun();
          return run ? run.step('tool', config.name, async () => fn(input, ctx), { value: input }) : fn(input, ctx);
        }),
    );
}
