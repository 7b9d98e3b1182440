// The Genkit flow-server stream format, which `streamFlow` from `genkit/beta/client` reads. Its parser is not
// a real SSE parser: only `data: {...}` / `error: {...}` frames, `\n\n`-delimited, no comments, `event:` or
// `id:` lines, and always a final result or error frame (without one the client spins at 100% CPU).
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import type { StreamingApi } from 'hono/utils/stream';
import { apiError, toHttpError } from '../errors';
import { onStopping } from './on-stopping';
import type { TemporalStreamManager } from './stream-manager';

const dataFrame = (value: { message: unknown } | { result: unknown }) => `data: ${JSON.stringify(value)}\n\n`;
// Genkit's express server sends errors as `error: {...}`; the client drops the first 6 characters either way.
const errorFrame = (err: unknown) => `error: ${JSON.stringify({ error: toHttpError(err).body })}\n\n`;

export interface GenkitStreamOptions {
  /** Runs if the client goes away first. */
  onDisconnect(): void;
  /** Runs once when the stream is over, however it ends. */
  onEnd?(): void;
  /** This process is stopping: end with an UNAVAILABLE frame that says how to re-attach (not a disconnect). */
  shutdownSignal?: AbortSignal;
}

/**
 * Streams the run `workflowId` from its first chunk in Genkit's format, with `x-genkit-stream-id` set to the
 * workflow ID so `streamFlow({ streamId })` can re-attach.
 */
export function genkitStreamResponse(
  c: Context,
  workflowId: string,
  streams: TemporalStreamManager,
  { onDisconnect, onEnd = () => {}, shutdownSignal }: GenkitStreamOptions,
): Response {
  c.header('Content-Type', 'text/plain; charset=utf-8');
  c.header('Cache-Control', 'no-cache');
  c.header('x-genkit-stream-id', workflowId);
  return stream(c, async (out) => {
    try {
      await streamRun(out);
    } finally {
      onEnd();
    }
  });

  async function streamRun(out: StreamingApi) {
    let writes = Promise.resolve();
    const write = (text: string) => (writes = writes.then(() => out.write(text).then(() => undefined)));
    let stopListening = () => {};
    await new Promise<void>((resolve) => {
      let unsubscribe = () => {};
      let ended = false;
      const end = (last: string) => {
        if (ended) return;
        ended = true;
        void write(last).finally(resolve);
      };
      out.onAbort(() => {
        if (ended) return;
        ended = true;
        unsubscribe();
        onDisconnect();
        resolve();
      });
      stopListening = onStopping(shutdownSignal, () => {
        unsubscribe();
        end(errorFrame(apiError('UNAVAILABLE', `this server is stopping: re-attach with stream ID ${workflowId}`)));
      });
      streams
        .subscribe(workflowId, {
          onChunk: (message) => void write(dataFrame({ message })),
          onDone: (result) => end(dataFrame({ result })),
          onError: (err) => end(errorFrame(err)),
        })
        .then(
          (sub) => {
            unsubscribe = sub.unsubscribe;
            if (ended) sub.unsubscribe();
          },
          (err) => end(errorFrame(err)),
        );
    });
    stopListening();
    await writes.catch(() => undefined);
  }
}
