// Browser-grade Server-Sent Events for a run: `event: chunk` with `id:` = the offset to resume from (so
// EventSource's automatic `Last-Event-ID` reconnect continues exactly after the last chunk it saw), then
// `event: result` or `event: error`, with `: ping` heartbeats meanwhile. Not for Genkit's `streamFlow`.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { streamFlowRun, type StreamFlowRunOptions } from '../flow-runs';
import { toHttpError } from './errors';

/** Streams the run's chunks from `fromOffset` as SSE. */
export function runEventsResponse(
  c: Context,
  workflowId: string,
  fromOffset: number,
  options: Omit<StreamFlowRunOptions, 'signal' | 'fromOffset'> & { heartbeatMs: number },
): Response {
  c.header('Cache-Control', 'no-cache');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (sse) => {
    const abort = new AbortController();
    sse.onAbort(() => abort.abort());
    const heartbeat = setInterval(() => void sse.write(': ping\n\n').catch(() => abort.abort()), options.heartbeatMs);
    try {
      for await (const event of streamFlowRun(workflowId, { ...options, fromOffset, signal: abort.signal })) {
        if (event.type === 'chunk') {
          await sse.writeSSE({ event: 'chunk', id: String(event.offset + 1), data: JSON.stringify(event.chunk) });
        } else {
          await sse.writeSSE({ event: 'result', data: JSON.stringify(event.result ?? null) });
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) await sse.writeSSE({ event: 'error', data: JSON.stringify(toHttpError(err).body) });
    } finally {
      clearInterval(heartbeat);
    }
  });
}
