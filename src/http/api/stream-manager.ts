// Genkit's StreamManager interface over a run's chunk journal: a stream ID is a workflow ID, subscribing
// replays the stored chunks and then tails the live ones until the result or error. No second store. Readers of
// one run share one poller (RunStreamHub).
import type { StreamManager } from 'genkit/beta';
import { WorkflowNotFoundError } from '@temporalio/client';
import { resolvedOnFirstUse, type FrontDoorTemporal } from '../../client/front-door';
import { streamFlowRun, type StreamFlowRunOptions } from '../../client/flow-runs';
import { GenkitError } from '../../client/genkit-error';
import { RunStreamHub } from './run-stream-hub';

/**
 * A read-only `StreamManager` whose streams are flow runs. `open` is not supported (a run's chunks are written
 * by the run itself); `subscribe` of an unknown workflow ID throws NOT_FOUND (what Genkit's StreamNotFoundError
 * carries), which flow servers answer with 204. All subscribers of one run share one poller.
 *
 * @example
 * ```ts
 * const streams = new TemporalStreamManager({ address });
 * const { unsubscribe } = await streams.subscribe(workflowId, { onChunk, onDone, onError });
 * ```
 */
export class TemporalStreamManager implements StreamManager {
  /** @internal The pollers this manager's subscribers share (the flow API's SSE route reads through it too). */
  readonly runs: RunStreamHub;

  /** The settings, resolved on first use (or the owner's) and kept: never once per stream. */
  private readonly temporal: () => FrontDoorTemporal;

  /** @param resolved @internal the settings of the front door that owns this manager */
  constructor(options: Omit<StreamFlowRunOptions, 'signal' | 'fromOffset'> = {}, resolved?: () => FrontDoorTemporal) {
    const temporal = (this.temporal = resolved ?? resolvedOnFirstUse(options));
    this.runs = new RunStreamHub(async function* (workflowId, fromOffset, signal) {
      const client = await temporal().client();
      yield* streamFlowRun(workflowId, { ...options, client, fromOffset, signal });
    });
  }

  async open(): Promise<never> {
    throw new GenkitError({ status: 'UNIMPLEMENTED', message: 'flow run streams are written by the run itself' });
  }

  async subscribe<S, O>(
    streamId: string,
    callbacks: { onChunk: (chunk: S) => void; onDone: (output: O) => void; onError: (error: unknown) => void },
  ): Promise<{ unsubscribe: () => void }> {
    const client = await this.temporal().client();
    try {
      await client.workflow.getHandle(streamId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new GenkitError({ status: 'NOT_FOUND', message: 'Stream not found.' });
      throw err;
    }
    const unsubscribe = this.runs.subscribe(streamId, 0, {
      onChunk: (_offset, chunk) => callbacks.onChunk(chunk as S),
      onResult: (result) => callbacks.onDone(result as O),
      onError: callbacks.onError,
    });
    return { unsubscribe };
  }
}
