// The upgrade check's replay, in-process: journals recorded by one revision of a flow (a real DurableRun over the
// workflow's real journal state) replayed against another revision in a second Genkit instance. The guarantee
// under test besides the verdicts: nothing live runs during a check (no model call, no tool, no step function).
import { genkit, z, type Genkit } from 'genkit';
import { describe, expect, it } from 'vitest';
import { changed, temporal, waitForInput, step } from '../../../../src';
import { defineScriptedModel } from '../../../../src/testing/scripted-model';
import { DurableRun } from '../../../../src/worker/journal/durable-run';
import { JournalWriter } from '../../../../src/worker/journal/journal-writer';
import { replayAgainst } from '../../../../src/worker/upgrade-check/replay-check';
import type { JournalEntry } from '../../../../src/common/types';
import { FlowJournalState } from '../../../../src/workflows/journal-state';
import { inProcessTransport } from '../../../helpers/in-process-journal';

/** A revision of the flow: its own Genkit instance, model and ledger of what ran live. */
function revision(prompt: (item: string) => string, extra?: 'step-before-wait' | 'second-model-call') {
  const ai: Genkit = genkit({ plugins: [temporal()] });
  const live: string[] = [];
  const model = defineScriptedModel(ai, { name: 'upgrade/model', script: [{ text: 'quote: 42 EUR' }] });
  const flow = ai.defineFlow({ name: 'quoteFlow', inputSchema: z.string() }, async (item) => {
    const quote = await ai.generate({ model: 'upgrade/model', prompt: prompt(item) });
    if (extra === 'step-before-wait') await step('reserve', () => live.push('step:reserve'));
    if (extra === 'second-model-call') await ai.generate({ model: 'upgrade/model', prompt: 'again' });
    const decision = await waitForInput('approval', { schema: z.object({ approved: z.boolean() }) });
    await step('pay', () => live.push('step:pay'));
    return { quote: quote.text, ...decision };
  });
  return { ai, flow, model, live };
}

/** Runs the flow's first attempt as the activity does, until it parks at its wait; returns the journal. */
async function recordUntilParked(flow: ReturnType<typeof revision>['flow'], input: string): Promise<JournalEntry[]> {
  const state = new FlowJournalState('quoteFlow');
  const writer = new JournalWriter(inProcessTransport(state), { execution: 1, attempt: 1 });
  writer.claimWithFirstWrite();
  const run = new DurableRun([], writer, undefined, new AbortController().signal);
  const outcome = await Promise.race([run.enter(() => flow.run(input)), run.suspended]);
  expect(outcome).toMatchObject({ kind: 'suspended', input: { name: 'approval' } });
  await run.finish();
  run.close();
  writer.close();
  return state.page(0).entries;
}

const v1 = revision((item) => `quote ${item}`);
const parked = () => recordUntilParked(v1.flow, 'laptop');

describe('replayAgainst (the upgrade check, one run)', () => {
  it('the same code reaches the wait the run is parked at: compatible, nothing live', async () => {
    const entries = await parked();
    expect(entries.map((e) => e.kind)).toEqual(['model']);
    const same = revision((item) => `quote ${item}`);
    const verdict = await replayAgainst(same.flow, { input: 'laptop', entries, waitingFor: ['approval'] });
    expect(verdict).toMatchObject({ status: 'compatible', end: 'journal-end', step: '1', asked: { kind: 'input' } });
    expect(same.model.calls).toBe(0);
    expect(same.live).toEqual([]);
  });

  it('a changed prompt before the wait: incompatible at the model step, naming both prompts', async () => {
    const entries = await parked();
    const changed = revision((item) => `give a price for ${item}`);
    const verdict = await replayAgainst(changed.flow, { input: 'laptop', entries, waitingFor: ['approval'] });
    expect(verdict).toMatchObject({
      status: 'incompatible',
      end: 'changed-step',
      step: '0',
      recorded: { kind: 'model', name: 'upgrade/model', about: 'user: "quote laptop"' },
      asked: { kind: 'model', name: 'upgrade/model', about: 'user: "give a price for laptop"' },
    });
    expect(changed.model.calls).toBe(0);
  });

  it('a step added before the wait never runs, and the run waiting elsewhere is incompatible', async () => {
    const entries = await parked();
    const added = revision((item) => `quote ${item}`, 'step-before-wait');
    const verdict = await replayAgainst(added.flow, { input: 'laptop', entries, waitingFor: ['approval'] });
    expect(verdict).toMatchObject({
      status: 'incompatible',
      end: 'changed-input',
      step: '1',
      recorded: { kind: 'input', name: 'approval' },
      asked: { kind: 'step', name: 'reserve' },
    });
    expect(added.live).toEqual([]);
  });

  it('stops at the first call past the journal: a model call there is never made', async () => {
    const entries = await parked();
    const more = revision((item) => `quote ${item}`, 'second-model-call');
    // A run that is not waiting (its attempt is running): reaching the end of the journal is where it is now.
    const verdict = await replayAgainst(more.flow, { input: 'laptop', entries });
    expect(verdict).toMatchObject({ status: 'compatible', end: 'journal-end', step: '1', asked: { kind: 'model' } });
    expect(more.model.calls).toBe(0);
  });

  it('replays past an answered wait without running the steps the journal holds', async () => {
    const entries: JournalEntry[] = [
      ...(await parked()),
      { key: '1', kind: 'input', name: 'approval', output: { approved: true } },
      { key: '2', kind: 'step', name: 'pay', output: 1 },
    ];
    const same = revision((item) => `quote ${item}`);
    const verdict = await replayAgainst(same.flow, { input: 'laptop', entries });
    expect(verdict).toMatchObject({ status: 'compatible', end: 'completed' });
    expect(same.live).toEqual([]);
    expect(same.model.calls).toBe(0);
  });

  it('a divergence the flow catches still counts', async () => {
    const entries = await parked();
    const ai = genkit({ plugins: [temporal()] });
    defineScriptedModel(ai, { name: 'upgrade/model', script: [{ text: 'x' }] });
    const swallowing = ai.defineFlow('quoteFlow', async () => {
      await ai.generate({ model: 'upgrade/model', prompt: 'other' }).catch(() => undefined);
      return 'done';
    });
    expect(await replayAgainst(swallowing, { input: 'laptop', entries })).toMatchObject({
      status: 'incompatible',
      end: 'changed-step',
    });
  });

  it('new code that throws on replay is incompatible; code awaiting something unjournaled is unchecked', async () => {
    const entries = await parked();
    const ai = genkit({ plugins: [temporal()] });
    const throwing = ai.defineFlow('quoteFlow', async () => {
      throw new Error('boom');
    });
    expect(await replayAgainst(throwing, { input: 'laptop', entries })).toMatchObject({
      status: 'incompatible',
      end: 'failed',
      message: expect.stringContaining('boom'),
    });
    const hanging = ai.defineFlow('hangingFlow', () => new Promise<never>(() => undefined));
    expect(await replayAgainst(hanging, { input: 'laptop', entries }, { timeoutMs: 50 })).toMatchObject({
      status: 'unchecked',
      end: 'timed-out',
    });
  });

  it('a tool call and an ai.run past the journal never run', async () => {
    const ai = genkit({ plugins: [temporal()] });
    const live: string[] = [];
    defineScriptedModel(ai, { name: 'upgrade/model', script: [{ text: 'never called' }] });
    const lookup = ai.defineTool(
      { name: 'lookup', description: 'looks a price up', inputSchema: z.object({ item: z.string() }) },
      async () => live.push('tool:lookup'),
    );
    const toolFlow = ai.defineFlow('quoteFlow', async () => {
      await ai.generate({ model: 'upgrade/model', prompt: 'price?', tools: [lookup] });
      return 'done';
    });
    const runFlow = ai.defineFlow('quoteFlow2', async () => ai.run('fetch-rates', async () => live.push('run')));
    // The journal holds the model's answer asking for the tool (recorded without a fingerprint: not compared).
    const asksForTool: JournalEntry = {
      key: '0',
      kind: 'model',
      name: 'upgrade/model',
      output: {
        response: {
          message: { role: 'model', content: [{ toolRequest: { name: 'lookup', input: { item: 'x' }, ref: 'r1' } }] },
          finishReason: 'stop',
        },
      },
    };
    expect(await replayAgainst(toolFlow, { input: undefined, entries: [asksForTool] })).toMatchObject({
      status: 'compatible',
      end: 'journal-end',
      step: '1',
      asked: { kind: 'tool', name: 'lookup' },
    });
    expect(await replayAgainst(runFlow, { input: undefined, entries: [] })).toMatchObject({
      end: 'journal-end',
      step: '0',
      asked: { kind: 'run', name: 'fetch-rates' },
    });
    expect(live).toEqual([]);
  });
});

describe('replayAgainst with changed(): the branch each run takes', () => {
  /** The prompt change behind changed('eur-prompt'), before the wait; or a new step after the wait's position. */
  function versioned(where: 'before-model' | 'before-wait') {
    const ai: Genkit = genkit({ plugins: [temporal()] });
    const live: string[] = [];
    const model = defineScriptedModel(ai, { name: 'upgrade/model', script: [{ text: 'quote: 42 EUR' }] });
    const flow = ai.defineFlow({ name: 'quoteFlow', inputSchema: z.string() }, async (item) => {
      const eur = where === 'before-model' && (await changed('eur-prompt'));
      const quote = await ai.generate({
        model: 'upgrade/model',
        prompt: eur ? `price ${item} in EUR` : `quote ${item}`,
      });
      if (where === 'before-wait' && (await changed('reserve-first')))
        await step('reserve', () => live.push('reserve'));
      const decision = await waitForInput('approval', { schema: z.object({ approved: z.boolean() }) });
      return { quote: quote.text, ...decision };
    });
    return { flow, model, live };
  }

  it('a run parked by the old code: compatible on the old branch, and counted as such; nothing live', async () => {
    const entries = await parked();
    const v2 = versioned('before-model');
    const verdict = await replayAgainst(v2.flow, { input: 'laptop', entries, waitingFor: ['approval'] });
    expect(verdict).toMatchObject({ status: 'compatible', end: 'journal-end', changes: { 'eur-prompt': 'old' } });
    expect(v2.model.calls).toBe(0);
  });

  it('a run parked by the new code: compatible on the new branch', async () => {
    const entries = await recordUntilParked(versioned('before-model').flow, 'laptop');
    expect(entries.map((e) => e.kind)).toEqual(['change', 'model']);
    const verdict = await replayAgainst(versioned('before-model').flow, {
      input: 'laptop',
      entries,
      waitingFor: ['approval'],
    });
    expect(verdict).toMatchObject({ status: 'compatible', step: '2', changes: { 'eur-prompt': 'new' } });
  });

  it('a change at the position of the input the run waits for takes the old branch (the answer lands there)', async () => {
    const entries = await parked();
    const v2 = versioned('before-wait');
    const verdict = await replayAgainst(v2.flow, { input: 'laptop', entries, waitingFor: ['approval'] });
    expect(verdict).toMatchObject({ status: 'compatible', step: '1', changes: { 'reserve-first': 'old' } });
    expect(v2.live).toEqual([]);
    // A run that is not waiting (its attempt is running) takes the new branch there: nothing is recorded yet.
    const running = await replayAgainst(v2.flow, { input: 'laptop', entries });
    expect(running).toMatchObject({ status: 'compatible', changes: { 'reserve-first': 'new' } });
    expect(v2.live).toEqual([]);
  });
});
