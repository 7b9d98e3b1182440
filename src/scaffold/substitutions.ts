// The scaffolder's substitutions: the only ways a file it writes differs from this package's template of it
// (test/unit/scaffold/init.test.ts proves the rest is byte for byte the repository's own file).
//   1. Each template's `genkitx-temporal` dependency becomes `^<this package's version>`, from the npm registry.
//   2. The worker's package.json "config.flows" points at the user's flows module (relative to cloudrun/worker).
//   3. The worker's example flows module (cloudrun/worker/src/flows.ts) is not copied into the worker unless the
//      user's flows live there; it becomes the user's flows module when none exists yet (see init.ts).

/** The worker's example flows module in the templates. */
export const WORKER_EXAMPLE_FLOWS = 'cloudrun/worker/src/flows.ts';
/** Where the worker's package.json points at the flows module by default: its own example. */
export const WORKER_DEFAULT_FLOWS = 'src/flows.ts';

export interface SubstitutionContext {
  /** This package's version: the templates depend on `^version`. */
  version: string;
  /** The user's flows module relative to cloudrun/worker, POSIX (`../../src/flows.ts`). */
  flowsFromWorker: string;
}

/**
 * The content `path` (a template file, relative to the package root) gets in the user's project, or `undefined`
 * when it is not written there.
 */
export function substitute(path: string, content: string, context: SubstitutionContext): string | undefined {
  if (path === WORKER_EXAMPLE_FLOWS) return context.flowsFromWorker === WORKER_DEFAULT_FLOWS ? content : undefined;
  if (!path.endsWith('/package.json')) return content;
  const pkg = JSON.parse(content) as { dependencies?: Record<string, string>; config?: { flows?: string } };
  let out = content;
  if (pkg.dependencies?.['genkitx-temporal'] !== undefined) {
    out = replaceJsonString(out, 'genkitx-temporal', `^${context.version}`);
  }
  if (path === 'cloudrun/worker/package.json') {
    if (pkg.config?.flows === undefined) throw new Error(`${path}: the template has no "config": { "flows" } to set`);
    out = replaceJsonString(out, 'flows', context.flowsFromWorker);
  }
  return out;
}

/** Replaces the string value of the one `"key": "…"` in a JSON text, leaving its formatting alone. */
function replaceJsonString(json: string, key: string, value: string): string {
  const pattern = new RegExp(`("${key.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&')}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'g');
  const matches = json.match(pattern)?.length ?? 0;
  if (matches !== 1) throw new Error(`expected one "${key}" string in the template, found ${matches}`);
  return json.replace(pattern, (_, head: string) => `${head}${JSON.stringify(value)}`);
}
