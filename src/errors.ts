// Genkit errors <-> Temporal failures: which failures are retried, how long to wait, and the error callers get.
import { ApplicationFailure } from '@temporalio/common';
import { durationToMs } from './duration';
import { GenkitError } from 'genkit';
import { DEFAULT_NON_RETRYABLE_STATUSES } from './defaults';
import { FailureTypes, type FlowRetryPolicy, type SerializedFlowError } from './types';

/** Genkit's status names (`StatusName`), used to recognise Genkit errors without `instanceof`. */
const GENKIT_STATUSES = new Set([
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
]);

/** The fields of a `GenkitError` we rely on. */
export interface GenkitErrorLike {
  name: string;
  message: string;
  status: string;
  originalMessage?: string;
  detail?: unknown;
  responseMetadata?: { retryAfterMs?: number };
}

/**
 * True for any GenkitError, from either of Genkit's builds (CommonJS and ESM define different classes, so
 * `instanceof` is not reliable) and for its subclasses such as `ValidationError`.
 */
export function isGenkitError(err: unknown): err is GenkitErrorLike {
  const e = err as Partial<GenkitErrorLike> | null;
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.message === 'string' &&
    typeof e.status === 'string' &&
    GENKIT_STATUSES.has(e.status)
  );
}

/** An error as JSON: Genkit's status, message (without the status prefix), detail and retry hint. */
export function serializeError(err: unknown): SerializedFlowError {
  if (isGenkitError(err)) {
    return {
      name: err.name,
      status: err.status,
      message: err.originalMessage ?? err.message,
      detail: jsonSafe(err.detail),
      retryAfterMs: err.responseMetadata?.retryAfterMs,
    };
  }
  const e = err as Error | undefined;
  return { name: e?.name ?? 'Error', message: e?.message ?? String(err) };
}

/** Rebuilds a GenkitError (status, message and detail intact) from its serialized form. */
export function deserializeError(s: SerializedFlowError): Error {
  if (s.status && GENKIT_STATUSES.has(s.status)) {
    return new GenkitError({
      status: s.status as GenkitError['status'],
      message: s.message,
      detail: s.detail,
      ...(s.retryAfterMs !== undefined ? { responseMetadata: { retryAfterMs: s.retryAfterMs } } : {}),
    });
  }
  const e = new Error(s.message);
  if (s.name) e.name = s.name;
  return e;
}

/**
 * Whether a failed attempt may succeed if tried again. Genkit errors are judged by status; anything else
 * (network errors, plain `Error`s) is retryable, since the retry policy is bounded anyway.
 */
export function isRetryable(err: unknown, nonRetryableStatuses: readonly string[] = DEFAULT_NON_RETRYABLE_STATUSES) {
  if (!isGenkitError(err)) return true;
  return !nonRetryableStatuses.includes(err.status);
}

/** Details attached to every failure the activity raises (read back by `FlowRunError`). */
export interface FlowFailureDetails {
  error: SerializedFlowError;
  /** The attempt that raised it (1-based): on a final failure, how many attempts were made. */
  attempt: number;
}

/** The backoff Temporal would apply after `attempt` fails, in ms. */
export function backoffMs(policy: Required<FlowRetryPolicy>, attempt: number): number {
  const delay = durationToMs(policy.initialInterval) * policy.backoffCoefficient ** (attempt - 1);
  return Math.min(delay, durationToMs(policy.maximumInterval));
}

/**
 * Turns an error thrown by a flow attempt into the ApplicationFailure Temporal sees: non-retryable when no retry
 * can fix it; with `nextRetryDelay` at least the provider's Retry-After when one was given.
 */
export function toApplicationFailure(
  err: unknown,
  ctx: { attempt: number; retry: Required<FlowRetryPolicy>; nonRetryableStatuses?: readonly string[] },
): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const error = serializeError(err);
  const details: FlowFailureDetails = { error, attempt: ctx.attempt };
  const nonRetryable = !isRetryable(err, ctx.nonRetryableStatuses);
  const retryAfterMs = error.retryAfterMs;
  return ApplicationFailure.create({
    type: isGenkitError(err) ? FailureTypes.genkitError : error.name,
    message: error.status ? `${error.status}: ${error.message}` : error.message,
    nonRetryable,
    details: [details],
    nextRetryDelay:
      !nonRetryable && retryAfterMs !== undefined
        ? Math.max(retryAfterMs, backoffMs(ctx.retry, ctx.attempt))
        : undefined,
    cause: err instanceof Error ? err : undefined,
  });
}

/** A failure the library itself raises (flow not found, non-deterministic replay, …), with its details. */
export function libraryFailure(
  type: string,
  message: string,
  opts: { attempt: number; status?: string; detail?: unknown; nonRetryable?: boolean; nextRetryDelayMs?: number },
): ApplicationFailure {
  const details: FlowFailureDetails = {
    error: { name: type, message, status: opts.status, detail: opts.detail },
    attempt: opts.attempt,
  };
  return ApplicationFailure.create({
    type,
    message: opts.status ? `${opts.status}: ${message}` : message,
    nonRetryable: opts.nonRetryable ?? true,
    details: [details],
    nextRetryDelay: opts.nextRetryDelayMs,
  });
}

function jsonSafe(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return String(value);
  }
}
