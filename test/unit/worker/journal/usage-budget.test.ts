// Usage and budgets in-process: a real Genkit instance with the journal hooks, the scripted model reporting usage,
// DurableRun over a real JournalWriter over the workflow's real journal state. Each attempt is wired as the activity
// wires one (claim, prices, budget with what the claim says was paid) and ends as the activity ends one.
import { genkit } from 'genkit';
import { describe, expect, it } from 'vitest';
import { BUDGET_INPUT_NAME, type FlowBudget } from '../../../../src/common/usage';
import type { FlowAttemptOutcome } from '../../../../src/common/types';
import { defineScriptedModel } from '../../../../src/testing/scripted-model';
import { BudgetExceededError, DurableRun } from '../../../../src/worker/journal/durable-run';
import { journalGenkitInstance } from '../../../../src/worker/journal/genkit-hooks';
import { JournalWriter } from '../../../../src/worker/journal/journal-writer';
import { FlowJournalState } from '../../../../src/workflows/journal-state';
import { inProcessTransport } from '../../../helpers/in-process-journal';

const PRICES = { 'scripted/usage': { input: 1, output: 2 } };

/** A Genkit instance whose scripted model answers every call with 30 input and 20 output tokens (50 a call). */
function setup() {
  const ai = genkit({});
  journalGenkitInstance(ai);
  const model = defineScriptedModel(ai, {
    name: 'scripted/usage',
    script: (_request, call) => ({ text: `answer ${call}`, usage: { inputTokens: 30, outputTokens: 20 } }),
  });
  /** Three model calls in a row. */
  const flow = async () => {
    const texts: string[] = [];
    for (const prompt of ['one', 'two', 'three'])
      texts.push((await ai.generate({ model: 'scripted/usage', prompt })).text);
    return texts;
  };
  return { model, flow };
}

type Ended = FlowAttemptOutcome | { kind: 'failed'; error: unknown };

/** One attempt, as runGenkitFlowActivity runs it. */
async function attempt(
  state: FlowJournalState,
  number: number,
  body: () => Promise<unknown>,
  budget?: FlowBudget,
): Promise<Ended> {
  const writer = new JournalWriter(inProcessTransport(state), { execution: number, attempt: 1 });
  const claim = number === 1 ? { ...writer.claimWithFirstWrite(), claimed: undefined } : await writer.claim();
  const run = new DurableRun(claim.entries, writer, undefined, new AbortController().signal);
  run.prices = PRICES;
  run.setBudget(budget, claim.claimed?.paid);
  try {
    const completed = run.enter(body).then((result): FlowAttemptOutcome => ({ kind: 'completed', result }));
    const outcome = await Promise.race([completed, run.suspended]);
    await run.finish();
    return outcome;
  } catch (err) {
    const error = run.abandon(err);
    await writer.flush().catch(() => undefined);
    return { kind: 'failed', error };
  } finally {
    run.close();
    writer.close();
  }
}

/** The workflow's side of a suspension: it waits for the input and receives the answer. */
function answer(state: FlowJournalState, outcome: Ended, value: unknown): void {
  if (outcome.kind !== 'suspended') throw new Error(`expected a suspension, got ${outcome.kind}`);
  state.awaitInput(outcome.input, new Date());
  state.receive(outcome.input.name, value, new Date());
}

describe('usage in the journal', () => {
  it("records each call's usage and cost with its entry; paid once, replayed when a later attempt replays it", async () => {
    const { model, flow } = setup();
    const state = new FlowJournalState('f');
    let failOnce = true;
    const failing = async () => {
      const texts = await flow();
      if (failOnce) throw Object.assign(new Error('flaky'), { status: 'UNAVAILABLE' }, (failOnce = false));
      return texts;
    };
    const first = await attempt(state, 1, failing);
    expect(first.kind).toBe('failed');
    expect(state.entries().map((e) => e.usage)).toEqual([
      { inputTokens: 30, outputTokens: 20, cost: 70 / 1e6 },
      { inputTokens: 30, outputTokens: 20, cost: 70 / 1e6 },
      { inputTokens: 30, outputTokens: 20, cost: 70 / 1e6 },
    ]);
    const second = await attempt(state, 2, failing);
    expect(second).toEqual({ kind: 'completed', result: ['answer 0', 'answer 1', 'answer 2'] });
    expect(model.calls).toBe(3); // the second attempt paid for nothing
    const { paid, replayed } = state.progress().usage!;
    expect(paid).toMatchObject({ calls: 3, inputTokens: 90, outputTokens: 60, cost: 210 / 1e6 });
    expect(replayed).toMatchObject({ calls: 3, inputTokens: 90, outputTokens: 60, cost: 210 / 1e6 });
    expect(paid.byModel['scripted/usage'].calls).toBe(3);
  });

  it('counts a call again each time it is paid again: a retracted step that ran twice is two paid calls', async () => {
    const state = new FlowJournalState('f');
    const entry = {
      key: '0',
      kind: 'model' as const,
      name: 'm',
      output: {},
      usage: { inputTokens: 1, outputTokens: 1 },
    };
    state.write({ entries: [{ ...entry, output: undefined, error: { message: 'x' }, retryable: true }], chunks: null });
    state.write({ entries: [entry], chunks: null, retract: ['0'] });
    state.write({ entries: [entry], chunks: null, retract: ['0'] });
    expect(state.progress().usage!.paid).toMatchObject({ calls: 2, inputTokens: 2, outputTokens: 2 });
    // Carried into the next execution with continue-as-new.
    const next = new FlowJournalState('f', state.continued('run-1'), state.entries());
    expect(next.progress().usage!.paid.calls).toBe(2);
  });
});

describe('budgets', () => {
  const budget: FlowBudget = { tokens: 100 };

  it('asks before the call that would pass the budget, with no call made, and goes on when approved', async () => {
    const { model, flow } = setup();
    const state = new FlowJournalState('f');
    const first = await attempt(state, 1, flow, budget);
    expect(model.calls).toBe(2); // 100 tokens spent: the third call waits
    expect(first).toMatchObject({ kind: 'suspended', input: { name: BUDGET_INPUT_NAME, key: '2', hasDefault: false } });
    if (first.kind === 'suspended') expect(first.input.description).toContain('100 tokens');
    answer(state, first, { approved: true });
    const second = await attempt(state, 2, flow, budget);
    expect(second).toEqual({ kind: 'completed', result: ['answer 0', 'answer 1', 'answer 2'] });
    expect(model.calls).toBe(3);
    expect(state.entries().map((e) => `${e.key}:${e.kind}`)).toEqual(['0:model', '1:model', '2:input', '3:model']);
    // A later attempt replays the approval and asks nothing.
    expect(await attempt(state, 3, flow, budget)).toMatchObject({ kind: 'completed' });
    expect(model.calls).toBe(3);
  });

  it('asks again once the raised limit is spent; an answer may name the amount', async () => {
    const { model, flow } = setup();
    const state = new FlowJournalState('f');
    const more = async () => [...(await flow()), ...(await flow())]; // six calls, 300 tokens
    const first = await attempt(state, 1, more, { tokens: 50 });
    answer(state, first, { approved: true, tokens: 150 }); // limit 200 after 50 spent
    const second = await attempt(state, 2, more, { tokens: 50 });
    expect(model.calls).toBe(4);
    expect(second).toMatchObject({ kind: 'suspended', input: { name: BUDGET_INPUT_NAME } });
  });

  it('fails with RESOURCE_EXHAUSTED when the approval is refused', async () => {
    const { model, flow } = setup();
    const state = new FlowJournalState('f');
    answer(state, await attempt(state, 1, flow, budget), { approved: false });
    const second = await attempt(state, 2, flow, budget);
    expect(second.kind).toBe('failed');
    const error = (second as { error: unknown }).error;
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', detail: { reason: 'denied', over: 'tokens' } });
    expect(model.calls).toBe(2);
  });

  it("fails with RESOURCE_EXHAUSTED without asking on the 'fail' policy", async () => {
    const { model, flow } = setup();
    const state = new FlowJournalState('f');
    const first = await attempt(state, 1, flow, { tokens: 100, onExceed: 'fail' });
    expect(first.kind).toBe('failed');
    expect((first as { error: unknown }).error).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      detail: { reason: 'policy' },
    });
    expect(model.calls).toBe(2);
    expect(state.entries().some((e) => e.kind === 'input')).toBe(false);
  });

  it('counts what earlier attempts paid: a retried run does not start its budget afresh', async () => {
    const { model, flow } = setup();
    const state = new FlowJournalState('f');
    let fail = true;
    const twoThenFail = async () => {
      const texts = await flow();
      if (fail) throw Object.assign(new Error('flaky'), { status: 'UNAVAILABLE' }, (fail = false));
      return texts;
    };
    await attempt(state, 1, twoThenFail, { tokens: 1_000 });
    // 150 paid: a budget of 160 lets one more call through, then asks.
    const second = await attempt(state, 2, async () => [...(await flow()), ...(await flow())], { tokens: 160 });
    expect(model.calls).toBe(4);
    expect(second).toMatchObject({ kind: 'suspended', input: { key: '4' } });
  });

  it('a cost budget counts priced cost', async () => {
    const { model, flow } = setup();
    const state = new FlowJournalState('f');
    const first = await attempt(state, 1, flow, { cost: 140 / 1e6, onExceed: 'fail' });
    expect(model.calls).toBe(2);
    expect((first as { error: unknown }).error).toMatchObject({ detail: { over: 'cost' } });
  });
});
