// The replay engine in-process: DurableRun over a real JournalWriter over the workflow's real journal state (the
// Update validators and handlers run as the workflow runs them). Each attempt claims the run and ends the way the
// activity ends one, so these are the guarantees "never pay twice, never a wrong answer" without a server.
import { GenkitError } from 'genkit';
import { describe, expect, it } from 'vitest';
import { DurableRun, NonDeterministicFlowError } from '../../../../src/worker/journal/durable-run';
import { AttemptSupersededError, JournalWriter } from '../../../../src/worker/journal/journal-writer';
import type { JournalEntry, JournalWrite, StepKind } from '../../../../src/common/types';
import { FlowJournalState } from '../../../../src/workflows/journal-state';
import { inProcessTransport } from '../../../helpers/in-process-journal';

const MODEL = 'googleai/gemini-2.5-flash';

/** One attempt of a flow, wired as the activity wires it. Attempt numbers double as lease attempts. */
class Attempt {
  /** What this attempt ran live, in order of start (a replayed step never appears here). */
  readonly live: string[] = [];
  readonly sent: JournalWrite[] = [];
  readonly writer: JournalWriter;
  run!: DurableRun;

  private constructor(
    readonly state: FlowJournalState,
    readonly number: number,
  ) {
    this.writer = new JournalWriter(inProcessTransport(state, this.sent), { execution: 1, attempt: number });
  }

  /** The run's first attempt claims with its first write; later ones claim and read the journal first. */
  static async start(state: FlowJournalState, number: number): Promise<Attempt> {
    const attempt = new Attempt(state, number);
    const { entries } = number === 1 ? attempt.writer.claimWithFirstWrite() : await attempt.writer.claim();
    attempt.run = new DurableRun(entries, attempt.writer, undefined, new AbortController().signal);
    return attempt;
  }

  /** Runs a whole attempt of `body` and ends it as the activity does: what it returned, or what it failed with. */
  static async run<T>(
    state: FlowJournalState,
    number: number,
    body: (a: Attempt) => Promise<T>,
  ): Promise<{ attempt: Attempt; value?: T; error?: unknown }> {
    const attempt = await Attempt.start(state, number);
    try {
      const value = await attempt.enter(body);
      await attempt.run.finish();
      return { attempt, value };
    } catch (err) {
      const error = attempt.run.abandon(err);
      await attempt.writer.flush().catch(() => undefined);
      return { attempt, error };
    } finally {
      attempt.run.close();
      attempt.writer.close();
    }
  }

  enter<T>(body: (a: Attempt) => Promise<T>): Promise<T> {
    return this.run.enter(() => body(this));
  }

  /** A model call: its request is fingerprinted; its answer names the attempt that paid for it. */
  model(prompt: string, fail?: GenkitError): Promise<{ text: string }> {
    const request = { messages: [{ role: 'user', content: [{ text: prompt }] }], config: { temperature: 0 } };
    return this.step('model', MODEL, prompt, fail, request);
  }

  /** A step of any kind; it fails with `fail` when given, else answers `<label>@<attempt>`. */
  step(
    kind: StepKind,
    name: string,
    label: string,
    fail?: GenkitError,
    request?: unknown,
    delayMs = 0,
  ): Promise<{ text: string }> {
    return this.run.step(
      kind,
      name,
      async () => {
        this.live.push(label);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        if (fail) throw fail;
        return { text: `${label}@${this.number}` };
      },
      request === undefined ? undefined : { value: request },
    );
  }
}

const unavailable = () => new GenkitError({ status: 'UNAVAILABLE', message: 'model overloaded' });
const keys = (state: FlowJournalState) => state.entries().map((e) => e.key);
const entryAt = (state: FlowJournalState, key: string): JournalEntry | undefined =>
  state.entries().find((e) => e.key === key);

/** What a promise did within `ms`: settled (either way) or still pending. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  const raced = await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise((r) => setTimeout(() => r(pending), ms)),
  ]);
  return raced !== pending;
}

describe('replay order', () => {
  it('hands each journaled result to its own call, in order, and runs live only past the journal’s end', async () => {
    const state = new FlowJournalState('f');
    // Attempt 1 pays for a and b; c fails retryably and ends the attempt, so c is not kept.
    const first = await Attempt.run(state, 1, async (a) => {
      await a.model('a');
      await a.model('b');
      return a.model('c', unavailable());
    });
    expect(first.error).toMatchObject({ status: 'UNAVAILABLE' });
    expect(keys(state)).toEqual(['0', '1']);

    const second = await Attempt.run(state, 2, async (a) => [
      await a.model('a'),
      await a.model('b'),
      await a.model('c'),
      await a.model('d'),
    ]);
    expect(second.value).toEqual([{ text: 'a@1' }, { text: 'b@1' }, { text: 'c@2' }, { text: 'd@2' }]);
    expect(second.attempt.live).toEqual(['c', 'd']);
    expect(state.entries().map((e) => [e.key, e.output])).toEqual([
      ['0', { text: 'a@1' }],
      ['1', { text: 'b@1' }],
      ['2', { text: 'c@2' }],
      ['3', { text: 'd@2' }],
    ]);
  });

  it('parallel steps keep the keys they took when they started, whatever order they finish in', async () => {
    const state = new FlowJournalState('f');
    const parallel = (a: Attempt) =>
      Promise.all([
        a.step('tool', 'slow', 'slow', undefined, { q: 1 }, 30),
        a.step('tool', 'fast', 'fast', undefined, { q: 2 }),
      ]);
    await Attempt.run(state, 1, async (a) => {
      await parallel(a);
      throw unavailable(); // the flow fails after both: the next attempt replays them
    });
    expect(state.entries().map((e) => [e.key, e.name])).toEqual([
      ['1', 'fast'],
      ['0', 'slow'],
    ]);
    const second = await Attempt.run(state, 2, parallel);
    expect(second.value).toEqual([{ text: 'slow@1' }, { text: 'fast@1' }]);
    expect(second.attempt.live).toEqual([]);
  });

  it('a replayed step returns its result without running its body, so its nested steps are never asked for', async () => {
    const state = new FlowJournalState('f');
    const body = (a: Attempt) =>
      a.run.step('step', 'outer', async () => {
        a.live.push('outer');
        const x = await a.model('inner x');
        const y = await a.model('inner y');
        return `${x.text}+${y.text}`;
      });
    await Attempt.run(state, 1, async (a) => {
      await body(a);
      throw unavailable();
    });
    expect(keys(state)).toEqual(['0.0', '0.1', '0']);
    const second = await Attempt.run(state, 2, async (a) => [await body(a), await a.model('after')]);
    expect(second.value).toEqual(['inner x@1+inner y@1', { text: 'after@2' }]);
    expect(second.attempt.live).toEqual(['after']);
    expect(keys(state)).toEqual(['0.0', '0.1', '0', '1']);
  });

  it('the first run returns the same JSON copy that replay returns', async () => {
    const state = new FlowJournalState('f');
    const body = (a: Attempt) =>
      a.run.step('step', 'clock', async () => ({ at: new Date(0), gone: undefined, n: 1 }) as unknown);
    const first = await Attempt.run(state, 1, async (a) => {
      const value = await body(a);
      throw Object.assign(unavailable(), { value });
    });
    const seen = (first.error as { value: unknown }).value;
    const second = await Attempt.run(state, 2, body);
    expect(seen).toEqual({ at: '1970-01-01T00:00:00.000Z', n: 1 });
    expect(second.value).toEqual(seen);
  });
});

describe('a changed request at a journaled position', () => {
  it('fails with NonDeterministicFlow naming the step, without running it or returning the recorded result', async () => {
    const state = new FlowJournalState('f');
    await Attempt.run(state, 1, async (a) => {
      await a.model('summarise the contract');
      throw unavailable();
    });
    let returned: unknown;
    const second = await Attempt.run(state, 2, async (a) => {
      returned = await a.model('summarise the invoice');
    });
    expect(returned).toBeUndefined();
    expect(second.attempt.live).toEqual([]);
    expect(second.error).toBeInstanceOf(NonDeterministicFlowError);
    const err = second.error as NonDeterministicFlowError;
    expect(err.status).toBe('FAILED_PRECONDITION');
    expect(err.detail).toEqual({
      step: '0',
      recorded: { kind: 'model', name: MODEL, about: 'user: "summarise the contract"' },
      asked: { kind: 'model', name: MODEL, about: 'user: "summarise the invoice"' },
    });
    expect(state.entries()).toEqual([
      expect.objectContaining({ key: '0', output: { text: 'summarise the contract@1' } }),
    ]);
  });

  it('names a nested step by its full key', async () => {
    const state = new FlowJournalState('f');
    const body = (a: Attempt, prompt: string, fail?: GenkitError) =>
      a.run.step('step', 'outer', async () => {
        await a.model(prompt);
        if (fail) throw fail; // the outer step fails after its nested model call was recorded
        return 'done';
      });
    await Attempt.run(state, 1, (a) => body(a, 'first wording', unavailable()));
    expect(keys(state)).toEqual(['0.0']);
    const second = await Attempt.run(state, 2, (a) => body(a, 'second wording'));
    expect(second.error).toBeInstanceOf(NonDeterministicFlowError);
    expect((second.error as NonDeterministicFlowError).detail).toMatchObject({ step: '0.0' });
  });

  it('fails the attempt even when the flow catches the divergence and goes on', async () => {
    const state = new FlowJournalState('f');
    await Attempt.run(state, 1, async (a) => {
      await a.model('a');
      throw unavailable();
    });
    const second = await Attempt.run(state, 2, async (a) => {
      await a.model('not a').catch(() => undefined);
      return 'carried on';
    });
    expect(second.value).toBeUndefined();
    expect(second.error).toBeInstanceOf(NonDeterministicFlowError);
  });

  it('a step of another kind or name at that position fails the same way', async () => {
    const state = new FlowJournalState('f');
    await Attempt.run(state, 1, async (a) => {
      await a.step('tool', 'search', 'search', undefined, { q: 'x' });
      throw unavailable();
    });
    for (const [kind, name] of [
      ['tool', 'lookup'],
      ['run', 'search'],
    ] as const) {
      const again = await Attempt.run(state, 2, (a) => a.step(kind, name, name, undefined, { q: 'x' }));
      expect(again.error).toBeInstanceOf(NonDeterministicFlowError);
      expect((again.error as NonDeterministicFlowError).detail).toMatchObject({ step: '0', asked: { kind, name } });
    }
  });

  it('the same request with its fields in another order replays', async () => {
    const state = new FlowJournalState('f');
    await Attempt.run(state, 1, async (a) => {
      await a.step('tool', 'search', 'search', undefined, { q: 'x', limit: 3 });
      throw unavailable();
    });
    const second = await Attempt.run(state, 2, (a) =>
      a.step('tool', 'search', 'search', undefined, { limit: 3, q: 'x' }),
    );
    expect(second.value).toEqual({ text: 'search@1' });
  });
});

describe('a retryable failure the flow caught', () => {
  it('is kept back until the flow goes on, written with the next step, and rethrown on replay', async () => {
    const state = new FlowJournalState('f');
    // The flow's own fallback: if the first model is unavailable, ask another (Genkit's fallback() does this).
    const caught: Array<{ status: unknown; journal: string[] }> = [];
    const body = (a: Attempt, failFirst: boolean, failLast: boolean) => async () => {
      let answer;
      try {
        answer = await a.model('primary', failFirst ? unavailable() : undefined);
      } catch (err) {
        caught.push({ status: (err as GenkitError).status, journal: keys(state) });
        answer = await a.step('model', 'fallback-model', 'fallback', undefined, { p: 'primary' });
      }
      await a.model('last', failLast ? unavailable() : undefined);
      return answer;
    };
    const first = await Attempt.run(state, 1, (a) => body(a, true, true)());
    expect(first.error).toMatchObject({ status: 'UNAVAILABLE' });
    // Kept back: when the flow caught it, nothing was written yet (it had not shown that it goes on).
    expect(caught).toEqual([{ status: 'UNAVAILABLE', journal: [] }]);
    expect(entryAt(state, '0')).toMatchObject({
      retryable: true,
      error: { status: 'UNAVAILABLE', message: 'model overloaded' },
    });
    expect(keys(state)).toEqual(['0', '1']);
    expect(first.attempt.sent[0].entries.map((e) => e.key)).toEqual(['0', '1']); // one write carried both

    // The next attempt meets the same failure at the same place (without paying for the call) and takes the
    // same path: the fallback's answer is replayed too.
    const second = await Attempt.run(state, 2, (a) => body(a, false, false)());
    expect(caught[1]).toEqual({ status: 'UNAVAILABLE', journal: ['0', '1'] });
    expect(second.value).toEqual({ text: 'fallback@1' });
    expect(second.attempt.live).toEqual(['last']);
  });

  it('is written when the attempt completes after it', async () => {
    const state = new FlowJournalState('f');
    const first = await Attempt.run(state, 1, async (a) => {
      await a.model('a', unavailable()).catch(() => undefined);
      return 'gave up politely';
    });
    expect(first.value).toBe('gave up politely');
    expect(state.entries()).toEqual([expect.objectContaining({ key: '0', retryable: true })]);
  });

  it('unlike a non-retryable failure, which is written as soon as the step fails and rethrown on replay', async () => {
    const state = new FlowJournalState('f');
    const invalid = new GenkitError({ status: 'INVALID_ARGUMENT', message: 'bad schema', detail: { field: 'x' } });
    const body = (a: Attempt) => async () => {
      const caught = await a.model('a', invalid).catch((err: unknown) => err);
      return { status: (caught as GenkitError).status, detail: (caught as GenkitError).detail, journal: keys(state) };
    };
    const first = await Attempt.run(state, 1, (a) => body(a)());
    expect(first.value).toEqual({ status: 'INVALID_ARGUMENT', detail: { field: 'x' }, journal: ['0'] });
    const second = await Attempt.run(state, 2, (a) => body(a)());
    expect(second.value).toMatchObject({ status: 'INVALID_ARGUMENT', detail: { field: 'x' } });
    expect(second.attempt.live).toEqual([]);
  });
});

describe('retraction: the failure that ends an attempt is not kept', () => {
  it('a caught failure the attempt then fails with is retracted after a later write carried it', async () => {
    const state = new FlowJournalState('f');
    const first = await Attempt.run(state, 1, async (a) => {
      const failure = await a.model('a', unavailable()).catch((err: unknown) => err);
      await a.model('b'); // this write carries step 0's failure
      expect(keys(state)).toEqual(['0', '1']);
      throw new Error('gave up', { cause: failure }); // ends the attempt with it (wrapped, cause kept)
    });
    expect(first.error).toMatchObject({ message: 'gave up' });
    expect(first.attempt.sent.at(-1)?.retract).toEqual(['0']);
    expect(keys(state)).toEqual(['1']);

    const second = await Attempt.run(state, 2, async (a) => [await a.model('a'), await a.model('b')]);
    expect(second.value).toEqual([{ text: 'a@2' }, { text: 'b@1' }]);
    expect(second.attempt.live).toEqual(['a']);
  });

  it('a failure that ends the attempt before anything after it was written is never written', async () => {
    const state = new FlowJournalState('f');
    const first = await Attempt.run(state, 1, async (a) => {
      await a.model('a');
      return a.model('b', unavailable());
    });
    expect(first.error).toMatchObject({ status: 'UNAVAILABLE' });
    expect(first.attempt.sent.flatMap((w) => [...w.entries.map((e) => e.key), ...(w.retract ?? [])])).toEqual(['0']);
    expect(keys(state)).toEqual(['0']);
  });

  it('caught failures still held back are dropped when the attempt fails with something else', async () => {
    const state = new FlowJournalState('f');
    const first = await Attempt.run(state, 1, async (a) => {
      await a.model('a', unavailable()).catch(() => undefined);
      throw unavailable(); // not step 0's failure, but nothing after step 0 was written either
    });
    expect(first.error).toMatchObject({ status: 'UNAVAILABLE' });
    expect(first.attempt.sent).toEqual([]);
    const second = await Attempt.run(state, 2, (a) => a.model('a'));
    expect(second.value).toEqual({ text: 'a@2' });
  });
});

describe('zombie attempts', () => {
  it('an attempt superseded by a newer one cannot write, and the newer attempt’s journal stands', async () => {
    const state = new FlowJournalState('f');
    const zombie = await Attempt.start(state, 1);
    await zombie.enter((a) => a.model('a'));
    // The zombie was lost (say, its worker froze); the next attempt claimed the run and replays.
    const current = await Attempt.start(state, 2);
    expect(await current.enter((a) => a.model('a'))).toEqual({ text: 'a@1' });

    // The zombie wakes up: its step runs (a lost attempt may pay again) but its result is refused.
    const zombieStep = zombie.enter((a) => a.model('b'));
    await expect(zombieStep).rejects.toBeInstanceOf(AttemptSupersededError);
    expect(zombie.live).toEqual(['a', 'b']);
    expect(keys(state)).toEqual(['0']);

    expect(await current.enter((a) => a.model('b'))).toEqual({ text: 'b@2' });
    expect(entryAt(state, '1')?.output).toEqual({ text: 'b@2' });
    expect(current.live).toEqual(['b']);
  });

  it('code of an attempt that has ended starts no new step', async () => {
    const state = new FlowJournalState('f');
    const ended = await Attempt.start(state, 1);
    ended.run.close();
    const late = ended.enter((a) => a.model('late'));
    expect(await settlesWithin(late, 50)).toBe(false);
    expect(ended.live).toEqual([]);
    expect(ended.sent).toEqual([]);
  });
});

describe('changed(): versioned flow code', () => {
  /** Revision 2 of a flow: the prompt of its first model call changed behind `changed('new-prompt')`. */
  const v2 = async (a: Attempt, fail?: GenkitError) => {
    const prompt = (await a.run.changed('new-prompt')) ? 'new prompt' : 'old prompt';
    return [await a.model(prompt), await a.model('after', fail)];
  };
  const kinds = (state: FlowJournalState) => state.entries().map((e) => `${e.key}:${e.kind}:${e.name}`);

  it('a new run records the change and takes the new branch, on this attempt and on every replay', async () => {
    const state = new FlowJournalState('f');
    const first = await Attempt.run(state, 1, (a) => v2(a, unavailable()));
    expect(first.error).toMatchObject({ status: 'UNAVAILABLE' });
    expect(first.attempt.live).toEqual(['new prompt', 'after']);
    expect(kinds(state)).toEqual(['0:change:new-prompt', `1:model:${MODEL}`]);
    expect(first.attempt.run.changes.get('new-prompt')).toBe('new');

    const second = await Attempt.run(state, 2, (a) => v2(a));
    expect(second.value).toEqual([{ text: 'new prompt@1' }, { text: 'after@2' }]);
    expect(second.attempt.live).toEqual(['after']);
    expect(kinds(state)).toEqual(['0:change:new-prompt', `1:model:${MODEL}`, `2:model:${MODEL}`]);
  });

  it('a run recorded by the old code takes the old branch and replays to completion without paying twice', async () => {
    const state = new FlowJournalState('f');
    // Revision 1 paid for its prompt, then the attempt failed: the journal holds the old step at position 0.
    await Attempt.run(state, 1, async (a) => {
      await a.model('old prompt');
      return a.model('after', unavailable());
    });
    expect(keys(state)).toEqual(['0']);

    const second = await Attempt.run(state, 2, (a) => v2(a));
    expect(second.error).toBeUndefined();
    expect(second.value).toEqual([{ text: 'old prompt@1' }, { text: 'after@2' }]);
    expect(second.attempt.live).toEqual(['after']);
    expect(second.attempt.run.changes.get('new-prompt')).toBe('old');
    expect(kinds(state)).toEqual([`0:model:${MODEL}`, `1:model:${MODEL}`]); // no marker for an old run
    // And again: the decision is the same on every later attempt.
    const third = await Attempt.run(state, 3, (a) => v2(a));
    expect(third.value).toEqual(second.value);
    expect(third.attempt.live).toEqual([]);
  });

  it('a run that had not come this far on the old code takes the new branch when it gets there', async () => {
    const state = new FlowJournalState('f');
    await Attempt.run(state, 1, async (a) => {
      await a.model('before');
      return a.model('old prompt', unavailable());
    });
    const body = async (a: Attempt) => [await a.model('before'), ...(await v2(a))];
    const second = await Attempt.run(state, 2, body);
    expect(second.value).toEqual([{ text: 'before@1' }, { text: 'new prompt@2' }, { text: 'after@2' }]);
    expect(kinds(state)).toEqual([`0:model:${MODEL}`, '1:change:new-prompt', `2:model:${MODEL}`, `3:model:${MODEL}`]);
  });

  it('sequential changes: each run keeps the branches it started with, whichever revision recorded it', async () => {
    // Revision 3 branches on two changes made in two releases.
    const v3 = async (a: Attempt) => {
      const x = (await a.run.changed('change-a')) ? await a.model('new a') : await a.model('old a');
      const y = (await a.run.changed('change-b')) ? await a.model('new b') : await a.model('old b');
      return [x.text, y.text, (await a.model('c')).text];
    };
    const recordedBy = async (rev: (a: Attempt) => Promise<unknown>) => {
      const state = new FlowJournalState('f');
      await Attempt.run(state, 1, async (a) => {
        await rev(a);
        return a.model('c', unavailable());
      });
      return state;
    };
    const rev1 = async (a: Attempt) => [await a.model('old a'), await a.model('old b')];
    const rev2 = async (a: Attempt) => [
      (await a.run.changed('change-a')) ? await a.model('new a') : await a.model('old a'),
      await a.model('old b'),
    ];
    const fromRev1 = await Attempt.run(await recordedBy(rev1), 2, v3);
    expect(fromRev1.value).toEqual(['old a@1', 'old b@1', 'c@2']);
    expect(fromRev1.attempt.live).toEqual(['c']);
    const fromRev2 = await Attempt.run(await recordedBy(rev2), 2, v3);
    expect(fromRev2.value).toEqual(['new a@1', 'old b@1', 'c@2']);
    expect(fromRev2.attempt.live).toEqual(['c']);
    expect(Object.fromEntries(fromRev2.attempt.run.changes)).toEqual({ 'change-a': 'new', 'change-b': 'old' });
    const fresh = new FlowJournalState('f');
    const fromRev3 = await Attempt.run(fresh, 1, v3);
    expect(fromRev3.value).toEqual(['new a@1', 'new b@1', 'c@1']);
    expect(kinds(fresh).filter((k) => k.includes(':change:'))).toEqual(['0:change:change-a', '2:change:change-b']);
  });

  it('inside a nested step: the change is keyed in the step’s scope, and an old child there keeps the old branch', async () => {
    const outer = (a: Attempt, rev: 1 | 2) =>
      a.run.step('step', 'outer', async () => {
        const isNew = rev === 2 && (await a.run.changed('inner-prompt'));
        const inner = await a.model(isNew ? 'new inner' : 'old inner');
        if (a.number === 1) throw unavailable(); // the outer step fails after its child was recorded
        return inner.text;
      });
    const old = new FlowJournalState('f');
    await Attempt.run(old, 1, (a) => outer(a, 1));
    expect(keys(old)).toEqual(['0.0']);
    const resumed = await Attempt.run(old, 2, (a) => outer(a, 2));
    expect(resumed.value).toBe('old inner@1');
    expect(resumed.attempt.live).toEqual([]);

    const fresh = new FlowJournalState('f');
    await Attempt.run(fresh, 1, (a) => outer(a, 2));
    expect(kinds(fresh)).toEqual(['0.0:change:inner-prompt', `0.1:model:${MODEL}`]);
    const replayed = await Attempt.run(fresh, 2, (a) => outer(a, 2));
    expect(replayed.value).toBe('new inner@1');
    expect(replayed.attempt.live).toEqual([]);
  });

  it('a position the old code passed (a later entry of the scope is recorded) keeps the old branch', async () => {
    const state = new FlowJournalState('f');
    // Revision 1 ran two calls in parallel; the fast one was recorded, the slow one lost with the attempt.
    await Attempt.run(state, 1, (a) =>
      Promise.all([a.step('model', MODEL, 'slow', unavailable(), undefined, 20), a.model('fast')]),
    );
    expect(keys(state)).toEqual(['1']);
    const second = await Attempt.run(state, 2, async (a) => {
      const isNew = await a.run.changed('slow-prompt');
      return Promise.all([isNew ? a.model('new slow') : a.step('model', MODEL, 'slow'), a.model('fast')]);
    });
    expect(second.error).toBeUndefined();
    expect(second.value).toEqual([{ text: 'slow@2' }, { text: 'fast@1' }]);
  });

  it('deprecated: new runs still record the marker, runs that took the new branch replay, old ones fail loudly', async () => {
    const v3 = async (a: Attempt) => {
      await a.run.changed('new-prompt'); // what changed.deprecated() does in a durable run
      return [await a.model('new prompt'), await a.model('after')];
    };
    const onNew = new FlowJournalState('f');
    await Attempt.run(onNew, 1, (a) => v2(a, unavailable()));
    const replayed = await Attempt.run(onNew, 2, v3);
    expect(replayed.value).toEqual([{ text: 'new prompt@1' }, { text: 'after@2' }]);
    const fresh = new FlowJournalState('f');
    await Attempt.run(fresh, 1, v3);
    expect(kinds(fresh)[0]).toBe('0:change:new-prompt');

    const onOld = new FlowJournalState('f');
    await Attempt.run(onOld, 1, (a) => a.model('old prompt').then(() => a.model('after', unavailable())));
    const broken = await Attempt.run(onOld, 2, v3);
    expect(broken.error).toBeInstanceOf(NonDeterministicFlowError);
    expect(broken.attempt.live).toEqual([]);
  });

  it('the marker is written before the new branch goes on, fenced like every write', async () => {
    const state = new FlowJournalState('f');
    const zombie = await Attempt.start(state, 1);
    await Attempt.run(state, 2, async (a) => a.model('newer attempt'));
    const decided = zombie.enter((a) => a.run.changed('new-prompt'));
    await expect(decided).rejects.toBeInstanceOf(AttemptSupersededError);
    expect(kinds(state)).toEqual([`0:model:${MODEL}`]);
  });
});
