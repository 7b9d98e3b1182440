// One poller per run, shared by every reader of that run in this process: a hundred browser tabs on one waiting run
// cost Temporal what one does. A reader that joins behind the poller (from an older offset or Last-Event-ID) reads
// its backlog with a stream of its own until it has caught up, then takes the shared one's chunks.
import type { FlowStreamEvent } from '../../client/flow-runs';
import { GenkitError } from '../../client/genkit-error';

/** Reads one run's events from an offset until the signal aborts: `streamFlowRun` in production. */
export type RunEventSource = (
  workflowId: string,
  fromOffset: number,
  signal: AbortSignal,
) => AsyncIterable<FlowStreamEvent<unknown, unknown>>;

/** What a reader is told: each chunk once and in order from its offset, then the result or the error. */
export interface RunStreamListener {
  onChunk(offset: number, chunk: unknown): void;
  onResult(result: unknown): void;
  onError(error: unknown): void;
}

interface Reader {
  /** The offset of the next chunk this reader wants. */
  next: number;
  /** Fed by the shared poller (else still reading its backlog with a stream of its own). */
  attached: boolean;
  ended: boolean;
  listener: RunStreamListener;
  catchUp?: AbortController;
}

interface Poller {
  /** The offset of the next chunk the poller will see: everything before it has been handed out. */
  offset: number;
  readers: Set<Reader>;
  abort: AbortController;
  ended: boolean;
}

/**
 * Fans one run stream out to all its readers in this process. The poller starts with the first reader and stops
 * when the last one leaves; an error ends every reader with that error.
 *
 * @example
 * ```ts
 * const hub = new RunStreamHub((id, from, signal) => streamFlowRun(id, { fromOffset: from, signal }));
 * const leave = hub.subscribe(workflowId, 0, { onChunk, onResult, onError });
 * ```
 */
export class RunStreamHub {
  private readonly pollers = new Map<string, Poller>();

  constructor(private readonly source: RunEventSource) {}

  /** Runs polled right now (one per run however many read it); for tests and metrics. */
  get activePollers(): number {
    return this.pollers.size;
  }

  /** Readers of `workflowId` right now. */
  readersOf(workflowId: string): number {
    return this.pollers.get(workflowId)?.readers.size ?? 0;
  }

  /**
   * Delivers the run's chunks from `fromOffset`, then its result or error, to `listener`. Returns `leave`, which
   * stops delivery (and the run's poller, when it was the last reader).
   */
  subscribe(workflowId: string, fromOffset: number, listener: RunStreamListener): () => void {
    const poller = this.pollers.get(workflowId) ?? this.startPoller(workflowId, fromOffset);
    const reader: Reader = { next: fromOffset, attached: fromOffset >= poller.offset, ended: false, listener };
    poller.readers.add(reader);
    if (!reader.attached) void this.catchUp(workflowId, poller, reader);
    return () => {
      reader.ended = true;
      this.leave(workflowId, poller, reader);
    };
  }

  private startPoller(workflowId: string, fromOffset: number): Poller {
    const poller: Poller = { offset: fromOffset, readers: new Set(), abort: new AbortController(), ended: false };
    this.pollers.set(workflowId, poller);
    void (async () => {
      try {
        for await (const event of this.source(workflowId, fromOffset, poller.abort.signal)) {
          if (poller.abort.signal.aborted) return;
          if (event.type === 'chunk') {
            poller.offset = event.offset + 1;
            for (const reader of poller.readers) {
              if (reader.attached && event.offset === reader.next) deliverChunk(reader, event.offset, event.chunk);
            }
          } else {
            this.end(workflowId, poller, (r) => r.listener.onResult(event.result));
            return;
          }
        }
        // A source ends with the result or an error: anything else must still end every reader with a last frame.
        if (!poller.abort.signal.aborted) this.end(workflowId, poller, (r) => r.listener.onError(endedEarly()));
      } catch (err) {
        if (!poller.abort.signal.aborted) this.end(workflowId, poller, (r) => r.listener.onError(err));
      }
    })();
    return poller;
  }

  /** The run ended: every reader the poller feeds gets the outcome; readers still catching up get it themselves. */
  private end(workflowId: string, poller: Poller, tell: (reader: Reader) => void): void {
    poller.ended = true;
    if (this.pollers.get(workflowId) === poller) this.pollers.delete(workflowId);
    for (const reader of poller.readers) {
      if (!reader.attached) continue;
      poller.readers.delete(reader);
      finish(reader, tell);
    }
  }

  /** Reads the reader's backlog with a stream of its own until it reaches the poller, then hands it over. */
  private async catchUp(workflowId: string, poller: Poller, reader: Reader): Promise<void> {
    const own = new AbortController();
    reader.catchUp = own;
    try {
      for await (const event of this.source(workflowId, reader.next, own.signal)) {
        if (reader.ended) return;
        if (event.type === 'result') {
          poller.readers.delete(reader);
          return finish(reader, (r) => r.listener.onResult(event.result));
        }
        if (event.offset === reader.next) deliverChunk(reader, event.offset, event.chunk);
        // Caught up (and no await between this check and the hand-over): the poller's next chunk is this reader's.
        if (!poller.ended && reader.next >= poller.offset) {
          reader.attached = true;
          return;
        }
      }
      if (!reader.ended) {
        poller.readers.delete(reader);
        finish(reader, (r) => r.listener.onError(endedEarly()));
      }
    } catch (err) {
      if (reader.ended) return;
      poller.readers.delete(reader);
      finish(reader, (r) => r.listener.onError(err));
    } finally {
      own.abort();
      reader.catchUp = undefined;
      if (!reader.attached) this.leave(workflowId, poller, reader);
    }
  }

  private leave(workflowId: string, poller: Poller, reader: Reader): void {
    reader.catchUp?.abort();
    poller.readers.delete(reader);
    if (poller.readers.size || poller.ended) return;
    poller.abort.abort();
    if (this.pollers.get(workflowId) === poller) this.pollers.delete(workflowId);
  }
}

/** The run's stream stopped without its result or an error (it never should): readers still get a last frame. */
function endedEarly(): GenkitError {
  return new GenkitError({ status: 'UNAVAILABLE', message: "the run's stream ended before its result; re-attach" });
}

function deliverChunk(reader: Reader, offset: number, chunk: unknown): void {
  reader.next = offset + 1;
  try {
    reader.listener.onChunk(offset, chunk);
  } catch {
    // One reader's failing write must not stop the others; its own stream notices and leaves.
  }
}

function finish(reader: Reader, tell: (reader: Reader) => void): void {
  if (reader.ended) return;
  reader.ended = true;
  try {
    tell(reader);
  } catch {
    // as above
  }
}
