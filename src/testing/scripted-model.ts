// A deterministic Genkit model for tests and demos: it plays a script of responses, chunks, tool requests and
// errors through Genkit's own model interface, exactly as a provider plugin would.
import { GenkitError, type Genkit, type GenerateRequest } from 'genkit';
import type { ModelAction } from 'genkit/model';

/** One scripted model turn. */
export interface ScriptedTurn {
  /** Final text of the turn. */
  text?: string;
  /** Streamed (when the caller streams) before the response, in order. */
  chunks?: string[];
  /** Tool calls the model asks for; the tool loop runs them and calls the model again. */
  toolRequests?: Array<{ name: string; input?: unknown; ref?: string }>;
  /** Throw a GenkitError with this status (and Retry-After) instead of answering. */
  error?: { status: GenkitError['status']; message: string; retryAfterMs?: number };
  /** Wait this long first (aborted by the call's abortSignal). */
  delayMs?: number;
  /** Token usage the response reports (`response.usage`, as a provider's would); none when unset. */
  usage?: { inputTokens: number; outputTokens: number; cachedContentTokens?: number };
}

/** Decides the turn for the n-th call (0-based) of the model. */
export type Script = ScriptedTurn[] | ((request: GenerateRequest, call: number) => ScriptedTurn);

/** A scripted model and what it has seen. */
export interface ScriptedModel {
  model: ModelAction;
  name: string;
  /** Calls so far (each tool-loop turn is one call). */
  readonly calls: number;
  readonly requests: GenerateRequest[];
  /** Times a call's abortSignal fired while the model was working. */
  readonly aborts: number;
}

/**
 * Defines a scripted model on `ai`. With an array script, call n plays turn n and the last turn repeats.
 * `onCall` runs at the start of every call (e.g. to count calls in a ledger shared across processes); `onAnswer`
 * runs when a call answers (not when it fails or is aborted), with the usage it reports: what a provider bills.
 */
export function defineScriptedModel(
  ai: Genkit,
  options: {
    name: string;
    script: Script;
    onCall?: (request: GenerateRequest, call: number) => void | Promise<void>;
    onAnswer?: (request: GenerateRequest, turn: ScriptedTurn, call: number) => void | Promise<void>;
  },
): ScriptedModel {
  const state = { calls: 0, aborts: 0, requests: [] as GenerateRequest[] };
  const model = ai.defineModel(
    { apiVersion: 'v2', name: options.name, supports: { multiturn: true, tools: true, systemRole: true } },
    async (request, { sendChunk, abortSignal }) => {
      const call = state.calls++;
      state.requests.push(request);
      await options.onCall?.(request, call);
      const turn = Array.isArray(options.script)
        ? options.script[Math.min(call, options.script.length - 1)]
        : options.script(request, call);
      if (turn.delayMs) {
        await abortableDelay(turn.delayMs, abortSignal).catch((err) => {
          state.aborts++;
          throw err;
        });
      }
      if (turn.error) {
        throw new GenkitError({
          status: turn.error.status,
          message: turn.error.message,
          ...(turn.error.retryAfterMs !== undefined
            ? { responseMetadata: { retryAfterMs: turn.error.retryAfterMs } }
            : {}),
        });
      }
      for (const chunk of turn.chunks ?? []) sendChunk({ content: [{ text: chunk }] });
      const content = [
        ...(turn.text !== undefined ? [{ text: turn.text }] : []),
        ...(turn.toolRequests ?? []).map((t, i) => ({
          toolRequest: { name: t.name, input: t.input, ref: t.ref ?? `${call}-${i}` },
        })),
      ];
      await options.onAnswer?.(request, turn, call);
      return {
        message: { role: 'model' as const, content },
        finishReason: 'stop' as const,
        ...(turn.usage ? { usage: { ...turn.usage } } : {}),
      };
    },
  );
  return {
    model,
    name: options.name,
    get calls() {
      return state.calls;
    },
    get requests() {
      return state.requests;
    },
    get aborts() {
      return state.aborts;
    },
  };
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new GenkitError({ status: 'CANCELLED', message: 'model call aborted' }));
      },
      { once: true },
    );
  });
}
