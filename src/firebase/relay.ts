// Relays a durable run's chunks to a streaming callable caller, from an offset, and gives back the result.
import type { CallableResponse } from 'firebase-functions/v2/https';
import { streamFlowRun, type FlowRunOptions } from '../client/flow-runs';

/** A chunk as a streaming callable caller gets it: where it came from, so a reconnect resumes after it. */
export interface FlowStreamChunk<S = unknown> {
  workflowId: string;
  /** The chunk's position in the run's stream; resume with `offset + 1`. */
  offset: number;
  chunk: S;
}

/**
 * Sends the run's chunks from `fromOffset` with `response.sendChunk` and returns the result. A caller that goes
 * away stops the relay, not the run. A failed run throws its `FlowRunError` (a GenkitError) after its chunks.
 */
export async function relayChunks<O>(
  workflowId: string,
  fromOffset: number,
  response: CallableResponse<FlowStreamChunk>,
  options: FlowRunOptions,
): Promise<O | undefined> {
  const signal = response.signal;
  for await (const event of streamFlowRun<unknown, O>(workflowId, { ...options, fromOffset, signal })) {
    if (event.type === 'result') return event.result;
    await response.sendChunk({ workflowId, offset: event.offset, chunk: event.chunk } satisfies FlowStreamChunk);
  }
  return undefined; // the caller disconnected
}
