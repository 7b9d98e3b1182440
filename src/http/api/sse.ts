// Browser-grade Server-Sent Events for a run: `event: chunk` with `id:` = the offset to resume from (so
// EventSource's automatic `Last-Event-ID` reconnect continues exactly after the last chunk it saw), then
// `event: result` or `event: error`, with `: ping` heartbeats meanwhile. Not for Genkit's `streamFlow`.
// Every reader of one run in this process reads through the same poller (RunStreamHub).
import type { Context } from 'hono';
import { streamSSE, type SSEMessage } from 'hono/streaming';
import { toHttpError } from '../errors';
import { onStopping } from './on-stopping';
import type { RunStreamHub } from './run-stream-hub';

/** Streams the run's chunks from `fromOffset` as SSE; `onEnd` runs once when the stream is over, however it ends. */
export function runEventsResponse(
  c: Context,
  workflowId: string,
  fromOffset: number,
  options: { runs: RunStreamHub; heartbeatMs: number; onEnd?: () => void; shutdownSignal?: AbortSignal },
): Response {
  c.header('Cache-Control', 'no-cache');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (sse) => {
    let heartbeat: NodeJS.Timeout | undefined;
    let writes = Promise.resolve();
    let stopListening = () => {};
    try {
      await new Promise<void>((resolve) => {
        let ended = false;
        let leave = () => {};
        const stop = () => {
          if (ended) return;
          ended = true;
          leave();
          resolve();
        };
        // In order, one at a time; a failed write means the reader is gone.
        const write = (message: SSEMessage | string) => {
          writes = writes
            .then(async () => {
              if (typeof message === 'string') await sse.write(message);
              else await sse.writeSSE(message);
            })
            .catch(stop);
        };
        // The result or error frame: always the last one written.
        const last = (message: SSEMessage) => {
          if (ended) return;
          ended = true;
          write(message);
          void writes.finally(resolve);
        };
        sse.onAbort(stop);
        // This process is stopping: close without a last frame, and EventSource reconnects (to another instance)
        // from its Last-Event-ID, a second from now. A last frame would tell it the run had ended.
        stopListening = onStopping(options.shutdownSignal, () => {
          write('retry: 1000\n\n');
          void writes.finally(stop);
        });
        heartbeat = setInterval(() => ended || write(': ping\n\n'), options.heartbeatMs);
        leave = options.runs.subscribe(workflowId, fromOffset, {
          onChunk: (offset, chunk) => write({ event: 'chunk', id: String(offset + 1), data: JSON.stringify(chunk) }),
          onResult: (result) => last({ event: 'result', data: JSON.stringify(result ?? null) }),
          onError: (err) => last({ event: 'error', data: JSON.stringify(toHttpError(err).body) }),
        });
      });
      await writes;
    } finally {
      stopListening();
      clearInterval(heartbeat);
      options.onEnd?.();
    }
  });
}
