// `import 'genkit'` installs SIGTERM/SIGINT handlers that call process.exit(0) after stopping Genkit's dev
// servers. In a worker that would cut the graceful drain short, so the worker removes them.

/** Removes Genkit's own SIGTERM/SIGINT handlers (recognised by what they do); returns how many were removed. */
export function removeGenkitSignalHandlers(): number {
  let removed = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) {
      const source = Function.prototype.toString.call(listener);
      if (source.includes('ReflectionServer') && source.includes('process.exit')) {
        process.off(signal, listener);
        removed++;
      }
    }
  }
  return removed;
}
