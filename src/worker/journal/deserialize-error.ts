// A recorded step's error thrown again on replay: a real GenkitError when it carried a Genkit status. The worker
// side of the journal owns this because it needs genkit's class; common/ serializes and stays genkit-free.
import { GenkitError } from 'genkit';
import { isGenkitStatus } from '../../common/genkit-status';
import type { SerializedFlowError } from '../../common/types';

/**
 * Rebuilds an error from its serialized form. With a Genkit status it is a real `GenkitError` (status, message,
 * detail and Retry-After intact) whose `name` is the original's, e.g. `ToolDeniedError`; the class itself cannot be
 * rebuilt, so match on `name`/`status`, not `instanceof`.
 */
export function deserializeError(s: SerializedFlowError): Error {
  let error: Error;
  if (isGenkitStatus(s.status)) {
    error = new GenkitError({
      status: s.status,
      message: s.message,
      detail: s.detail,
      ...(s.retryAfterMs !== undefined ? { responseMetadata: { retryAfterMs: s.retryAfterMs } } : {}),
    });
  } else {
    error = new Error(s.message);
  }
  if (s.name && s.name !== error.name) {
    // The stack's first line was written with the constructor's name; say the replayed error's name there too.
    if (error.stack?.startsWith(error.name)) error.stack = s.name + error.stack.slice(error.name.length);
    error.name = s.name;
  }
  return error;
}
