// How many streams (SSE readers and Genkit streams) one caller, and the whole process, may hold open at once.
// Readers of one run share one poller, but each still holds a connection and a slot in the run's fan-out.
import { DEFAULT_MAX_STREAMS, DEFAULT_MAX_STREAMS_PER_CALLER } from '../../common/defaults';

/** The stream limits of `createFlowApi`. */
export interface StreamLimitOptions {
  /** Streams one caller (principal) may hold open at once; without auth only `maxStreams` applies. @default 20 */
  maxStreamsPerCaller?: number;
  /** Streams the API may hold open at once in this process. @default 500 */
  maxStreams?: number;
}

/** A stream's slot (`release` it when the stream ends; twice is harmless), or why there is none. */
export type StreamSlot = { release: () => void } | { refused: string };

/**
 * Counts open streams per caller and in total.
 *
 * @example
 * ```ts
 * const limits = new StreamLimits({ maxStreamsPerCaller: 5 });
 * const slot = limits.take(principal?.id);
 * if ('refused' in slot) return c.json({ status: 'RESOURCE_EXHAUSTED', message: slot.refused }, 429);
 * ```
 */
export class StreamLimits {
  private readonly perCaller: number;
  private readonly total: number;
  private open = 0;
  private readonly byCaller = new Map<string, number>();

  constructor(options: StreamLimitOptions = {}) {
    this.perCaller = limitOf('maxStreamsPerCaller', options.maxStreamsPerCaller, DEFAULT_MAX_STREAMS_PER_CALLER);
    this.total = limitOf('maxStreams', options.maxStreams, DEFAULT_MAX_STREAMS);
  }

  /** A slot for one more stream of `callerId` (undefined: no auth, so only the process limit counts). */
  take(callerId: string | undefined): StreamSlot {
    if (this.open >= this.total) {
      return {
        refused: `this API has ${this.total} streams open, the most it serves at once (maxStreams); retry later`,
      };
    }
    const mine = callerId === undefined ? 0 : (this.byCaller.get(callerId) ?? 0);
    if (callerId !== undefined && mine >= this.perCaller) {
      return {
        refused: `you have ${this.perCaller} streams open, the most one caller may (maxStreamsPerCaller): close one or retry later`,
      };
    }
    this.open++;
    if (callerId !== undefined) this.byCaller.set(callerId, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.open--;
        if (callerId === undefined) return;
        const left = (this.byCaller.get(callerId) ?? 1) - 1;
        if (left > 0) this.byCaller.set(callerId, left);
        else this.byCaller.delete(callerId);
      },
    };
  }
}

function limitOf(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`createFlowApi: ${name} must be a whole number of streams, at least 1, got ${value}`);
  }
  return value;
}
