/**
 * Runs `fn` once when `signal` aborts (at once if it already has); returns what removes the listener, for a stream
 * that ends first. Without a signal it does nothing.
 */
export function onStopping(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}
