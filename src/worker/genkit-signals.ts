// `import 'genkit'` installs SIGTERM/SIGINT handlers that call process.exit(0) after stopping Genkit's dev
// servers. In a worker that would cut the graceful drain short, so the worker removes them.
//
// How they are recognised. The handler is a module-private function (`shutdown`) of genkit's `lib/genkit.js`
// (CommonJS build) and `lib/genkit.mjs` (ESM build), installed with `process.on` when that module is first
// evaluated. It is not exported, so it cannot be matched by reference; and genkit is usually loaded before this
// package (the app imports it first), so a before/after snapshot of the listeners around loading genkit would see
// nothing. What is certain is *where* the handler is defined: V8's inspector reports for every function the script
// that defines it (`[[FunctionLocation]].scriptId`). Functions that module does export (`genkit()`, the `Genkit`
// class of every instance this process registered) name the scripts of both builds, so a listener is Genkit's
// exactly when it is defined in one of those scripts. Nothing depends on source text or function names: a user's
// own `async function shutdown()` on both signals stays. If genkit ever moves the handler to another module, the
// unit test that checks the real genkit fails.
import type * as inspector from 'node:inspector';
import { genkit } from 'genkit';
import { knownGenkitInstances } from './registry';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Listener = (...args: any[]) => void;

/**
 * Removes Genkit's own SIGTERM/SIGINT handlers (those defined in genkit's `lib/genkit` module, either build) and
 * leaves every other handler in place; returns how many were removed. `startTemporalWorker` calls it.
 *
 * @example
 * ```ts
 * import { genkit } from 'genkit';
 * const ai = genkit({ plugins: [temporal()] });
 * removeGenkitSignalHandlers(); // now SIGTERM no longer calls process.exit(0)
 * process.on('SIGTERM', () => drainAndExit());
 * ```
 */
export function removeGenkitSignalHandlers(): number {
  const installed = SIGNALS.flatMap((signal) => process.listeners(signal).map((listener) => ({ signal, listener })));
  if (installed.length === 0) return 0;
  const references = genkitModuleFunctions();
  const scripts = definingScripts([...references, ...installed.map((i) => i.listener)]);
  if (!scripts) return 0;
  const genkitScripts = new Set(scripts.slice(0, references.length).filter((id) => id !== undefined));
  let removed = 0;
  installed.forEach(({ signal, listener }, i) => {
    const script = scripts[references.length + i];
    if (script !== undefined && genkitScripts.has(script)) {
      process.off(signal, listener as Listener);
      removed++;
    }
  });
  return removed;
}

/** Functions defined in genkit's `lib/genkit` module: of the build this file got, of the CommonJS build when this
 * process has loaded it, and of the build each registered Genkit instance came from (an ESM app's). */
function genkitModuleFunctions(): Function[] {
  const functions = new Set<Function>([genkit]);
  const commonJs = loadedCommonJsGenkit();
  if (commonJs) functions.add(commonJs.genkit);
  for (const ai of knownGenkitInstances()) functions.add(ai.constructor);
  return [...functions];
}

/**
 * genkit's CommonJS build if something in this process loaded it (an ESM app can have both builds); never loads
 * it: loading it would install its own signal handlers. (In the ESM build, `require` is the banner's
 * `createRequire(import.meta.url)`, whose cache is the process's one.)
 */
function loadedCommonJsGenkit(): typeof import('genkit') | undefined {
  try {
    return require.cache[require.resolve('genkit')]?.exports as typeof import('genkit') | undefined;
  } catch {
    return undefined; // genkit not resolvable from here as CommonJS: the static import covers it
  }
}

const PROBE = Symbol.for('genkitx-temporal.genkit-signals.probe');

/**
 * The V8 script id that defines each function (undefined for bound or native functions), read through an
 * in-process inspector session. Undefined when the inspector is not available (Node built without it).
 */
function definingScripts(functions: Function[]): (string | undefined)[] | undefined {
  let session: inspector.Session;
  try {
    const { Session } = require('node:inspector') as typeof inspector;
    session = new Session();
    session.connect();
  } catch {
    return undefined;
  }
  const objectGroup = 'genkitx-temporal-signals';
  const globals = globalThis as Record<symbol, unknown>;
  globals[PROBE] = functions;
  try {
    const list = post(session, 'Runtime.evaluate', {
      expression: `globalThis[Symbol.for(${JSON.stringify(PROBE.description)})]`,
      objectGroup,
    }).result;
    const entries = post(session, 'Runtime.getProperties', { objectId: list.objectId!, ownProperties: true }).result;
    return functions.map((_, i) => {
      const objectId = entries.find((p) => p.name === String(i))?.value?.objectId;
      if (!objectId) return undefined;
      const { internalProperties } = post(session, 'Runtime.getProperties', { objectId, ownProperties: true });
      const location = internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as
        { scriptId?: string } | undefined;
      return location?.scriptId;
    });
  } catch {
    return undefined;
  } finally {
    delete globals[PROBE];
    try {
      post(session, 'Runtime.releaseObjectGroup', { objectGroup });
    } finally {
      session.disconnect();
    }
  }
}

/** `session.post` answers synchronously for an in-process session; this makes that explicit. */
function post<M extends keyof InspectorMethods>(
  session: inspector.Session,
  method: M,
  params: InspectorMethods[M][0],
): InspectorMethods[M][1] {
  let outcome: { error: Error | null; result?: unknown } | undefined;
  session.post(method as string, params as object, (error, result) => {
    outcome = { error, result };
  });
  if (!outcome) throw new Error(`inspector ${method} did not answer synchronously`);
  if (outcome.error) throw outcome.error;
  return outcome.result as InspectorMethods[M][1];
}

interface InspectorMethods {
  'Runtime.evaluate': [inspector.Runtime.EvaluateParameterType, inspector.Runtime.EvaluateReturnType];
  'Runtime.getProperties': [inspector.Runtime.GetPropertiesParameterType, inspector.Runtime.GetPropertiesReturnType];
  'Runtime.releaseObjectGroup': [inspector.Runtime.ReleaseObjectGroupParameterType, object];
}
