// Module state shared by every copy of this package loaded in one process. The package ships a CJS and an ESM
// build; an app can load both (its ESM code imports one, a CJS dependency requires the other). Flows registered
// through one copy must be found by a worker started through the other, so such state lives on globalThis.

/**
 * The process-wide value under `key`, created on first use.
 * @example const flows = processState('flows', () => new Map<string, Flow>());
 */
export function processState<T>(key: string, create: () => T): T {
  const slot = Symbol.for(`genkitx-temporal.${key}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  return (store[slot] ??= create());
}
