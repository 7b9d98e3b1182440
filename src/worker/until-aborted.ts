/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it fires (at once if it already has).
 * The promise itself goes on; whatever it still does must be harmless (a journal write from an aborted attempt
 * is fenced out by the next attempt's claim).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
