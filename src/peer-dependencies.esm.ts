// The ESM build's peer-dependencies.ts: an ES module's imports are all resolved before its code runs, so a check
// here could never run first; Node's ERR_MODULE_NOT_FOUND ("Cannot find package 'genkit' imported from …") names
// the missing package instead.

/** No-op in the ESM build (see above). */
export function requirePeers(_entry: string, _names: readonly string[]): void {}
