// A worker whose workflow code does not export `runGenkitFlow` would accept runs and never start them (every
// run waits forever; only the worker log says why). The worker plugin checks the exports before the worker starts.
import { readFile } from 'node:fs/promises';
import vm from 'node:vm';
import { bundleWorkflowCode, Runtime, type WorkerOptions } from '@temporalio/worker';
import { WORKFLOW_TYPE } from '../common/defaults';
import { sealedWorkflowNames } from './workflow-bundle-seal';

/** The worker's workflow code lacks `runGenkitFlow`: Genkit flow runs on its task queue could never start. */
export class WorkflowNotExportedError extends Error {
  override readonly name = 'GenkitWorkflowNotExported';
  constructor(
    readonly source: string,
    readonly exported: string[],
  ) {
    super(
      `genkitx-temporal: the worker's workflow code (${source}) does not export "${WORKFLOW_TYPE}", so every ` +
        `Genkit flow run on its task queue would wait forever. Add \`export { ${WORKFLOW_TYPE} } from ` +
        `'genkitx-temporal/workflows';\` to it, or leave workflowsPath unset to use the package's own workflows. ` +
        `It exports: ${exported.length ? exported.join(', ') : '(nothing)'}.`,
    );
  }
}

/**
 * Names a workflow bundle exports, by loading it in a bare V8 context the way Temporal's sandbox does
 * (`__TEMPORAL__.importWorkflows()`); `undefined` when the module cannot load outside a running workflow
 * (e.g. it calls `workflowInfo()` at import time), in which case nothing can be said.
 */
export function exportedWorkflowNames(bundleCode: string): string[] | undefined {
  try {
    const context = vm.createContext({ __webpack_module_cache__: {} });
    vm.runInContext(bundleCode, context, { timeout: 5_000 });
    const names = vm.runInContext('Object.keys(__TEMPORAL__.importWorkflows())', context, { timeout: 5_000 });
    return Array.from(names as string[]);
  } catch {
    return undefined;
  }
}

/**
 * Throws `WorkflowNotExportedError` when the bundle certainly lacks `runGenkitFlow`. A bundle sealed by
 * `bundleFlowWorkflows` (see workflow-bundle-seal.ts) is judged by its seal, without loading it again.
 */
export function assertExportsRunGenkitFlow(bundleCode: string, source: string): void {
  const names = sealedWorkflowNames(bundleCode) ?? exportedWorkflowNames(bundleCode);
  if (names === undefined) {
    console.warn(
      `[genkitx-temporal] could not load the workflow code (${source}) outside a workflow to check that it ` +
        `exports "${WORKFLOW_TYPE}"; make sure it does, or Genkit flow runs on this worker will never start.`,
    );
    return;
  }
  if (!names.includes(WORKFLOW_TYPE)) throw new WorkflowNotExportedError(source, names);
}

/**
 * Checks that the worker's own workflow code exports `runGenkitFlow`. A `workflowsPath` is bundled here, with
 * the options the worker would use, and handed to the worker as `workflowBundle`, so it is bundled only once.
 * @param ownWorkflowsPath this package's workflows, which need no check
 */
export async function withCheckedWorkflows(options: WorkerOptions, ownWorkflowsPath: string): Promise<WorkerOptions> {
  const bundle = options.workflowBundle;
  if (bundle) {
    const code = 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8');
    assertExportsRunGenkitFlow(code, 'code' in bundle ? 'workflowBundle' : bundle.codePath);
    return options;
  }
  if (!options.workflowsPath || options.workflowsPath === ownWorkflowsPath) return options;
  const { code } = await bundleWorkflowCode({
    workflowsPath: options.workflowsPath,
    logger: Runtime.instance().logger,
    workflowInterceptorModules: options.interceptors?.workflowModules,
    payloadConverterPath: options.dataConverter?.payloadConverterPath,
    failureConverterPath: options.dataConverter?.failureConverterPath,
    ignoreModules: options.bundlerOptions?.ignoreModules,
    preloadModules: options.bundlerOptions?.preloadModules,
    webpackConfigHook: options.bundlerOptions?.webpackConfigHook,
    plugins: options.plugins,
  });
  assertExportsRunGenkitFlow(code, options.workflowsPath);
  // The bundle already holds the workflow interceptor modules; the worker would warn that it ignores them.
  const interceptors = options.interceptors && { ...options.interceptors, workflowModules: undefined };
  return {
    ...options,
    workflowsPath: undefined,
    bundlerOptions: undefined,
    interceptors,
    workflowBundle: { code },
  };
}
