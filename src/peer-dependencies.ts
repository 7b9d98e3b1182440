// Peer dependencies an entry point needs, checked when the entry loads: a missing one fails at once with an error
// that names every missing package and the command that installs it, instead of Node's "Cannot find module" from
// deep inside the package. Most peers are optional (package.json `peerDependenciesMeta`), so that a thin caller —
// a Firebase functions codebase, a front door — installs only `@temporalio/client`; the worker's packages
// (`@temporalio/worker` and its native core, `genkit`) are then checked here, by the entries that need them.
// The ESM build has a no-op variant (peer-dependencies.esm.ts): an ES module's imports are resolved before any of
// its code runs, and Node's own ERR_MODULE_NOT_FOUND there already names the missing package.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An entry point was loaded without peer dependencies it needs. */
export class MissingPeerDependencyError extends Error {
  override readonly name = 'MissingPeerDependencyError';
  /** The missing packages with the version ranges to install (`name@range`). */
  readonly missing: string[];

  constructor(entry: string, missing: string[]) {
    super(
      `${entry} needs ${missing.length === 1 ? 'a peer dependency that is' : 'peer dependencies that are'} not ` +
        `installed: ${missing.map((m) => m.replace(/@[^@]*$/, '')).join(', ')}. Install ` +
        `${missing.length === 1 ? 'it' : 'them'} in your project: npm install ${missing.join(' ')}` +
        (entry === 'genkitx-temporal'
          ? ' (code that only starts and reads runs can use genkitx-temporal/client, /http or /firebase instead, which need neither genkit nor the worker)'
          : ''),
    );
    this.missing = missing;
  }
}

let peerRanges: Record<string, string> | undefined;

/** This package's declared range of a peer dependency (`package.json` `peerDependencies`). */
function rangeOf(name: string): string {
  try {
    peerRanges ??= (
      JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
        peerDependencies?: Record<string, string>;
      }
    ).peerDependencies;
  } catch {
    peerRanges = {}; // bundled into an app: the package.json is not beside it; name the package without a range
  }
  return peerRanges?.[name] ?? 'latest';
}

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch (err) {
    // Present, but its root is not an export of it: installed all the same.
    return (err as { code?: string }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
}

/**
 * Throws {@link MissingPeerDependencyError} when any of `names` is not installed where this package can load it.
 * @param entry the entry point, as users import it (`genkitx-temporal/firebase`)
 */
export function requirePeers(entry: string, names: readonly string[]): void {
  const missing = names.filter((name) => !installed(name));
  if (missing.length)
    throw new MissingPeerDependencyError(
      entry,
      missing.map((n) => `${n}@${rangeOf(n)}`),
    );
}
