// The shared poller of run streams, with a run kept in memory instead of Temporal: readers of one run share one
// stream, a late reader gets its backlog from its own offset and then the live chunks exactly once, the poller
// stops when the last reader leaves, and an error ends every reader. Plus the backoff schedule and the limits.
import { describe, expect, it } from 'vitest';
import type { FlowStreamEvent } from '../../../../src/client/flow-runs';
import { RunStreamHub, type RunEventSource } from '../../../../src/http/api/run-stream-hub';
import { StreamLimits } from '../../../../src/http/api/stream-limits';
import { nextPollInterval } from '../../../../src/client/poll-backoff';

/** A run in memory, read the way `streamFlowRun` reads one: chunks from an offset, then the result or error. */
class MemoryRun {
  chunks: unknown[] = [];
  outcome?: { result: unknown } | { error: Error };
  /** Streams opened in all, and open now. */
  opened = 0;
  open = 0;
  readonly source: RunEventSource = (_id, fromOffset, signal) => this.read(fromOffset, signal);

  private async *read(fromOffset: number, signal: AbortSignal): AsyncGenerator<FlowStreamEvent> {
    this.opened++;
    this.open++;
    try {
      let offset = fromOffset;
      while (!signal.aborted) {
        while (offset < this.chunks.length) yield { type: 'chunk', offset, chunk: this.chunks[offset++] };
        if (this.outcome && 'error' in this.outcome) throw this.outcome.error;
        if (this.outcome) {
          yield { type: 'result', result: this.outcome.result };
          return;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    } finally {
      this.open--;
    }
  }
}

/** A reader's view: the chunks it got with their offsets, and how it ended. */
function reader() {
  const got: Array<[number, unknown]> = [];
  const ended: { result?: unknown; error?: unknown; count: number } = { count: 0 };
  return {
    got,
    ended,
    listener: {
      onChunk: (offset: number, chunk: unknown) => void got.push([offset, chunk]),
      onResult: (result: unknown) => {
        ended.result = result;
        ended.count++;
      },
      onError: (error: unknown) => {
        ended.error = error;
        ended.count++;
      },
    },
  };
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!check()) throw new Error(`never: ${what}`);
};
const settle = () => new Promise((r) => setTimeout(r, 20));
const offsets = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('RunStreamHub', () => {
  it('fans one stream out to every reader of the run', async () => {
    const run = new MemoryRun();
    const hub = new RunStreamHub(run.source);
    const readers = Array.from({ length: 50 }, () => reader());
    for (const r of readers) hub.subscribe('run-1', 0, r.listener);
    run.chunks.push('a', 'b', 'c');
    await settle();
    run.outcome = { result: 'done' };
    await until(() => readers.every((r) => r.ended.count === 1), 'every reader ends');
    expect(run.opened).toBe(1);
    for (const r of readers) {
      expect(r.got).toEqual([
        [0, 'a'],
        [1, 'b'],
        [2, 'c'],
      ]);
      expect(r.ended).toEqual({ result: 'done', count: 1 });
    }
    expect(hub.activePollers).toBe(0);
    expect(run.open).toBe(0);
  });

  it('gives a late reader its backlog from its own offset, then the live chunks, each exactly once', async () => {
    const run = new MemoryRun();
    const hub = new RunStreamHub(run.source);
    const first = reader();
    hub.subscribe('run-1', 0, first.listener);
    run.chunks.push(...offsets(0, 5));
    await until(() => first.got.length === 5, 'the first reader has 5 chunks');
    const fromTwo = reader();
    const fromZero = reader();
    const ahead = reader();
    hub.subscribe('run-1', 2, fromTwo.listener);
    hub.subscribe('run-1', 0, fromZero.listener);
    hub.subscribe('run-1', 7, ahead.listener); // a Last-Event-ID beyond what this process has read yet
    run.chunks.push(5, 6);
    await until(() => fromZero.got.length === 7 && fromTwo.got.length === 5, 'the late readers catch up');
    // Caught up, their own backlog streams are closed: one stream polls the run again.
    await until(() => run.open === 1, 'the backlog streams close');
    run.chunks.push(7, 8);
    run.outcome = { result: 'done' };
    await until(() => [first, fromTwo, fromZero, ahead].every((r) => r.ended.count === 1), 'all end');
    expect(first.got.map(([o]) => o)).toEqual(offsets(0, 9));
    expect(fromTwo.got.map(([o]) => o)).toEqual(offsets(2, 9));
    expect(fromZero.got.map(([o]) => o)).toEqual(offsets(0, 9));
    expect(ahead.got.map(([o]) => o)).toEqual(offsets(7, 9));
    for (const r of [first, fromTwo, fromZero, ahead]) {
      expect(r.got.every(([o, chunk]) => o === chunk)).toBe(true);
      expect(r.ended.result).toBe('done');
    }
  });

  it('stops polling when the last reader leaves, and starts again for the next one', async () => {
    const run = new MemoryRun();
    const hub = new RunStreamHub(run.source);
    const a = reader();
    const b = reader();
    const leaveA = hub.subscribe('run-1', 0, a.listener);
    const leaveB = hub.subscribe('run-1', 0, b.listener);
    run.chunks.push('x');
    await until(() => b.got.length === 1, 'b reads');
    leaveA();
    await settle();
    expect(run.open).toBe(1);
    expect(hub.readersOf('run-1')).toBe(1);
    run.chunks.push('y');
    await until(() => b.got.length === 2, 'b reads on alone');
    expect(a.got).toHaveLength(1); // nothing after leaving
    leaveB();
    await until(() => run.open === 0, 'the poller stops');
    expect(hub.activePollers).toBe(0);
    const c = reader();
    hub.subscribe('run-1', 1, c.listener);
    run.outcome = { result: 'done' };
    await until(() => c.ended.count === 1, 'c ends');
    expect(c.got).toEqual([[1, 'y']]);
    expect(run.opened).toBe(2);
    expect(a.ended.count + b.ended.count).toBe(0);
  });

  it('a reader that leaves while reading its backlog stops that stream too', async () => {
    const run = new MemoryRun();
    run.chunks.push(...offsets(0, 3));
    const hub = new RunStreamHub(run.source);
    const first = reader();
    hub.subscribe('run-1', 3, first.listener);
    const late = reader();
    const leave = hub.subscribe('run-1', 0, late.listener);
    leave();
    await settle();
    expect(run.open).toBe(1);
    expect(hub.readersOf('run-1')).toBe(1);
  });

  it('ends every reader with the error of the run stream, and stops polling', async () => {
    const run = new MemoryRun();
    const hub = new RunStreamHub(run.source);
    const readers = [reader(), reader(), reader()];
    hub.subscribe('run-1', 0, readers[0]!.listener);
    hub.subscribe('run-1', 0, readers[1]!.listener);
    run.chunks.push('a');
    await until(() => readers[1]!.got.length === 1, 'a chunk');
    hub.subscribe('run-1', 0, readers[2]!.listener); // late: reads its backlog with its own stream
    const failure = new Error('the run failed');
    run.outcome = { error: failure };
    await until(() => readers.every((r) => r.ended.count === 1), 'all end');
    for (const r of readers) {
      expect(r.ended.error).toBe(failure);
      expect(r.got).toEqual([[0, 'a']]);
    }
    await until(() => run.open === 0, 'no stream left');
    expect(hub.activePollers).toBe(0);
  });

  it('ends every reader with an error frame when the source stops without a result', async () => {
    let opened = 0;
    const hub = new RunStreamHub(async function* (_id, from) {
      opened++;
      if (from === 0) yield { type: 'chunk', offset: 0, chunk: 'a' };
      await new Promise((r) => setTimeout(r, 10));
    });
    const early = reader();
    hub.subscribe('run-1', 0, early.listener);
    await until(() => early.got.length === 1, 'a chunk');
    const late = reader();
    hub.subscribe('run-1', 0, late.listener);
    await until(() => early.ended.count === 1 && late.ended.count === 1, 'both end');
    for (const r of [early, late]) expect(r.ended.error).toMatchObject({ status: 'UNAVAILABLE' });
    expect(opened).toBe(2);
    expect(hub.activePollers).toBe(0);
  });

  it("one reader's failing listener does not stop the others", async () => {
    const run = new MemoryRun();
    const hub = new RunStreamHub(run.source);
    const good = reader();
    hub.subscribe('run-1', 0, {
      onChunk: () => {
        throw new Error('write failed');
      },
      onResult: () => undefined,
      onError: () => undefined,
    });
    hub.subscribe('run-1', 0, good.listener);
    run.chunks.push(1, 2);
    run.outcome = { result: 'ok' };
    await until(() => good.ended.count === 1, 'the good reader ends');
    expect(good.got).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('keeps runs apart: one poller per run', async () => {
    const runs = { a: new MemoryRun(), b: new MemoryRun() };
    const hub = new RunStreamHub((id, from, signal) => runs[id as 'a' | 'b'].source(id, from, signal));
    const ra = reader();
    const rb = reader();
    hub.subscribe('a', 0, ra.listener);
    hub.subscribe('a', 0, reader().listener);
    hub.subscribe('b', 0, rb.listener);
    runs.a.chunks.push('from a');
    runs.b.chunks.push('from b');
    await until(() => ra.got.length === 1 && rb.got.length === 1, 'both read');
    expect(hub.activePollers).toBe(2);
    expect([runs.a.opened, runs.b.opened]).toEqual([1, 1]);
    expect(ra.got).toEqual([[0, 'from a']]);
    expect(rb.got).toEqual([[0, 'from b']]);
  });
});

describe('nextPollInterval', () => {
  it('backs off by half per empty look, from 100 ms to 2 s, and is fast again after a change', () => {
    const schedule: number[] = [];
    let wait = nextPollInterval(undefined, true);
    for (let i = 0; i < 11; i++) {
      schedule.push(wait);
      wait = nextPollInterval(wait, false);
    }
    expect(schedule).toEqual([100, 150, 225, 338, 507, 761, 1142, 1713, 2000, 2000, 2000]);
    expect(nextPollInterval(2000, true)).toBe(100);
    // Ten seconds of waiting cost 13 looks instead of 100.
    let elapsed = 0;
    let looks = 0;
    for (let w = nextPollInterval(undefined, true); elapsed < 10_000; w = nextPollInterval(w, false)) {
      elapsed += w;
      looks++;
    }
    expect(looks).toBeLessThanOrEqual(13);
  });

  it('takes its bounds: a fixed rate when min equals max', () => {
    expect(nextPollInterval(500, false, { minMs: 500, maxMs: 500 })).toBe(500);
    expect(nextPollInterval(50, false, { minMs: 50, maxMs: 60 })).toBe(60);
    expect(nextPollInterval(undefined, false, { minMs: 20 })).toBe(20);
    expect(nextPollInterval(100, false, { minMs: 300, maxMs: 100 })).toBe(300); // max below min: min wins
  });
});

describe('StreamLimits', () => {
  it('refuses a caller over its limit and the process over its own, naming the limit; released slots return', () => {
    const limits = new StreamLimits({ maxStreamsPerCaller: 2, maxStreams: 3 });
    const a1 = limits.take('alice');
    const a2 = limits.take('alice');
    const a3 = limits.take('alice');
    expect('release' in a1 && 'release' in a2).toBe(true);
    expect('refused' in a3 && a3.refused).toMatch(/maxStreamsPerCaller/);
    const b1 = limits.take('bob');
    expect('release' in b1).toBe(true);
    const b2 = limits.take('bob');
    expect('refused' in b2 && b2.refused).toMatch(/3 streams open.*maxStreams\)/);
    const anonymous = limits.take(undefined);
    expect('refused' in anonymous).toBe(true);
    if (!('release' in a1)) throw new Error('unreachable');
    a1.release();
    a1.release(); // twice is harmless
    expect('release' in limits.take('bob')).toBe(true);
    expect('refused' in limits.take('carol')).toBe(true); // full again: 3
  });

  it('counts no caller for requests without auth: only the process limit applies', () => {
    const limits = new StreamLimits({ maxStreamsPerCaller: 1, maxStreams: 3 });
    expect([1, 2, 3].map(() => 'release' in limits.take(undefined))).toEqual([true, true, true]);
    expect('refused' in limits.take(undefined)).toBe(true);
  });

  it('refuses a limit that is not a whole number of at least 1, naming the option', () => {
    expect(() => new StreamLimits({ maxStreams: 0 })).toThrow(/maxStreams must be a whole number/);
    expect(() => new StreamLimits({ maxStreamsPerCaller: 2.5 })).toThrow(/maxStreamsPerCaller/);
  });
});
