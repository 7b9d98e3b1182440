// Genkit errors <-> Temporal failures: which failures are retried, how long to wait, and the error callers get.
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_NON_RETRYABLE_STATUSES } from './defaults';
import { isGenkitStatus } from './genkit-status';
import { backoffMs } from './retry-math';
import { FailureTypes, type FlowFailureDetails } from './failures';
import type { FlowRetryPolicy, SerializedFlowError } from './types';

export { backoffMs } from './retry-math';

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
  return !!e && typeof e === 'object' && typeof e.message === 'string' && isGenkitStatus(e.status);
}

/** The Genkit status of any thrown value that carries a valid one (a GenkitError, or a plain `{ status }` object). */
export function genkitStatusOf(err: unknown): GenkitErrorLike['status'] | undefined {
  const status = (err as { status?: unknown } | null | undefined)?.status;
  return isGenkitStatus(status) ? status : undefined;
}

/** How much of a thrown non-Error object's JSON becomes the message. */
export const MAX_THROWN_VALUE_JSON_CHARS = 4096;

/**
 * An error as JSON: its name, Genkit status, message (without the status prefix), detail and retry hint. Values
 * thrown that are not Errors (strings, numbers, plain objects, `null`) get a readable message, never
 * `[object Object]`; an object's valid Genkit `status` is kept.
 */
export function serializeError(err: unknown): SerializedFlowError {
  if (isGenkitError(err)) {
    return {
      name: errorName(err),
      status: err.status,
      message: err.originalMessage ?? withoutStatusPrefix(err.message, err.status),
      detail: jsonSafe(err.detail),
      retryAfterMs: err.responseMetadata?.retryAfterMs,
    };
  }
  if (err instanceof Error) return { name: errorName(err), message: err.message };
  return serializeThrownValue(err);
}

/** Names a subclass inherits when it does not set its own `name`. */
const INHERITED_NAMES = new Set(['Error', 'GenkitError', 'Object']);

/**
 * The name that identifies an error: its own `name`, or its class name when a subclass left `name` at the
 * inherited 'Error'/'GenkitError' (a common omission in user subclasses).
 */
function errorName(err: { name?: unknown }): string {
  const name = typeof err.name === 'string' && err.name ? err.name : 'Error';
  if (!INHERITED_NAMES.has(name)) return name;
  const className: unknown = (err as object).constructor?.name;
  return typeof className === 'string' && className && !INHERITED_NAMES.has(className) ? className : name;
}

/** Describes an object whose JSON cannot be had (a throwing `toJSON` or getter) by its class and keys. */
function unrenderable(value: object): string {
  let keys: string[] = [];
  try {
    keys = Object.keys(value);
  } catch {
    // a Proxy may refuse even this
  }
  const className: unknown = value.constructor?.name;
  const shown = keys.slice(0, 20).join(', ') + (keys.length > 20 ? ', …' : '');
  return `a thrown ${typeof className === 'string' && className ? className : 'object'} that cannot be shown as JSON (keys: ${shown})`;
}

function withoutStatusPrefix(message: string, status: string): string {
  return message.startsWith(`${status}: `) ? message.slice(status.length + 2) : message;
}

function serializeThrownValue(value: unknown): SerializedFlowError {
  if (typeof value === 'string') return { name: 'Error', message: value };
  if (value === null || value === undefined)
    return { name: 'Error', message: `${value} was thrown instead of an Error` };
  if (typeof value === 'function')
    return { name: 'Error', message: `a function (${value.name || 'anonymous'}) was thrown` };
  if (typeof value !== 'object') return { name: 'Error', message: String(value) };
  const obj = value as { name?: unknown; message?: unknown; detail?: unknown };
  const status = genkitStatusOf(value);
  return {
    name: typeof obj.name === 'string' && obj.name ? obj.name : 'Error',
    message: typeof obj.message === 'string' ? obj.message : boundedJson(value),
    ...(status ? { status } : {}),
    ...(obj.detail !== undefined ? { detail: jsonSafe(obj.detail) } : {}),
  };
}

/** JSON of a thrown object for a message: cycles and BigInts do not throw, and it is cut at a few KiB. */
function boundedJson(value: unknown): string {
  const seen = new WeakSet<object>();
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    json = undefined; // a throwing toJSON or getter
  }
  if (json === undefined) json = unrenderable(value as object);
  return json.length > MAX_THROWN_VALUE_JSON_CHARS ? `${json.slice(0, MAX_THROWN_VALUE_JSON_CHARS)}…` : json;
}

/**
 * Whether a failed attempt may succeed if tried again. Anything carrying a Genkit status (a GenkitError, or a thrown
 * plain object with a valid `status`) is judged by it; anything else (network errors, plain `Error`s) is
 * retryable, since the retry policy is bounded anyway.
 */
export function isRetryable(err: unknown, nonRetryableStatuses: readonly string[] = DEFAULT_NON_RETRYABLE_STATUSES) {
  const status = genkitStatusOf(err);
  return status === undefined || !nonRetryableStatuses.includes(status);
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
  const nonRetryable = !isRetryable(err, ctx.nonRetryableStatuses);
  const retryAfterMs = error.retryAfterMs;
  const retryDelayMs = nonRetryable ? undefined : Math.max(retryAfterMs ?? 0, backoffMs(ctx.retry, ctx.attempt));
  const details: FlowFailureDetails = { error, attempt: ctx.attempt, retryDelayMs };
  return ApplicationFailure.create({
    type: error.status ? FailureTypes.genkitError : error.name,
    message: error.status ? `${error.status}: ${error.message}` : error.message,
    nonRetryable,
    details: [details],
    nextRetryDelay: retryAfterMs !== undefined ? retryDelayMs : undefined,
    cause: err instanceof Error ? err : undefined,
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
