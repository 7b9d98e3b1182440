// Genkit's StreamManager interface over a run's chunk journal: a stream ID is a workflow ID, subscribing
// replays the stored chunks and then tails the live ones until the result or error. No second store.
import type { StreamManager } from 'genkit/beta';
import { WorkflowNotFoundError } from '@temporalio/client';
import { getTemporalClient } from '../connection';
import { streamFlowRun, type StreamFlowRunOptions } from '../flow-runs';
import { GenkitError } from '../genkit-error';

/**
 * A read-only `StreamManager` whose streams are flow runs. `open` is not supported (a run's chunks are written
 * by the run itself); `subscribe` of an unknown workflow ID throws NOT_FOUND (what Genkit's StreamNotFoundError
 * carries), which flow servers answer with 204.
 *
 * @example
 * ```ts
 * const streams = new TemporalStreamManager({ address });
 * const { unsubscribe } = await streams.subscribe(workflowId, { onChunk, onDone, onError });
 * ```
 */
export class TemporalStreamManager implements StreamManager {
  constructor(private readonly options: Omit<StreamFlowRunOptions, 'signal' | 'fromOffset'> = {}) {}

  async open(): Promise<never> {
    throw new GenkitError({ status: 'UNIMPLEMENTED', message: 'flow run streams are written by the run itself' });
  }

  async subscribe<S, O>(
    streamId: string,
    callbacks: { onChunk: (chunk: S) => void; onDone: (output: O) => void; onError: (error: unknown) => void },
  ): Promise<{ unsubscribe: () => void }> {
    const client = this.options.client ?? (await getTemporalClient(this.options));
    try {
      await client.workflow.getHandle(streamId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new GenkitError({ status: 'NOT_FOUND', message: 'Stream not found.' });
      throw err;
    }
    const abort = new AbortController();
    void (async () => {
      try {
        for await (const event of streamFlowRun<S, O>(streamId, { ...this.options, client, signal: abort.signal })) {
          if (event.type === 'chunk') callbacks.onChunk(event.chunk);
          else callbacks.onDone(event.result);
        }
      } catch (err) {
        if (!abort.signal.aborted) callbacks.onError(err);
      }
    })();
    return { unsubscribe: () => abort.abort() };
  }
}
