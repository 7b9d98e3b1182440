// A prebuilt workflow bundle carries its failure converter: workflow failures are converted inside the sandbox by
// the one it was built with, activity failures by the worker's data converter. Built without the encrypting
// converter while the worker encrypts, every workflow failure message (which often quotes the input) would reach
// history in plaintext beside encrypted payloads. The worker plugin checks the pair before the worker starts.
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { WorkerOptions } from '@temporalio/worker';
import { encryptedFailureConverterPath } from '../codec/data-converter';
import { ENCRYPTED_FAILURE_CONVERTER_MARK } from '../codec/failure-converter';

/** The prebuilt workflow bundle's failure converter is not the worker's: refused before the worker starts. */
export class WorkflowBundleConverterError extends Error {
  override readonly name = 'GenkitWorkflowBundleConverterMismatch';
}

/**
 * The worker options with a failure converter that matches the prebuilt bundle's; throws
 * `WorkflowBundleConverterError` when they cannot match. A bundle built with the encrypting failure converter
 * (which needs no keys) and a worker without a failure converter: the worker takes the bundle's, so one bundle
 * serves workers with and without encryption (failures are then encoded, in plaintext without a payload codec).
 */
export async function withBundleFailureConverter(options: WorkerOptions): Promise<WorkerOptions> {
  const bundle = options.workflowBundle;
  if (!bundle) return options; // bundled at start with the worker's own converter
  const source = 'code' in bundle ? 'workflowBundle' : bundle.codePath;
  const code = 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8');
  const bundleEncrypts = code.includes(ENCRYPTED_FAILURE_CONVERTER_MARK);
  const encrypting = encryptedFailureConverterPath();
  const workerPath = options.dataConverter?.failureConverterPath;
  if (!workerPath) {
    if (!bundleEncrypts) return options;
    return { ...options, dataConverter: { ...options.dataConverter, failureConverterPath: encrypting } };
  }
  const workerEncrypts = sameFile(workerPath, encrypting);
  if (workerEncrypts && !bundleEncrypts) {
    throw new WorkflowBundleConverterError(
      `genkitx-temporal: the workflow bundle (${source}) was built without the encrypting failure converter, but ` +
        'this worker encrypts (GENKITX_ENCRYPTION_KEYS, or a dataConverter from createDataConverter): workflow ' +
        'failure messages, which often quote the input, would be stored in history in plaintext. Rebuild the ' +
        'bundle with bundleFlowWorkflows({ dataConverter }), where dataConverter is the worker’s or, when the ' +
        'keys are not available at build time, createDataConverter({ encryptFailures: true }) (the failure ' +
        'converter needs no keys); with bundleWorkflowCode, pass failureConverterPath: encryptedFailureConverterPath().',
    );
  }
  if (!workerEncrypts && bundleEncrypts) {
    throw new WorkflowBundleConverterError(
      `genkitx-temporal: the workflow bundle (${source}) was built with the encrypting failure converter, but this ` +
        `worker's dataConverter has another one (${workerPath}): workflow and activity failures would be converted ` +
        'differently. Build the bundle with the failureConverterPath of the dataConverter the worker gets.',
    );
  }
  return options;
}

function sameFile(a: string, b: string): boolean {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  return real(a) === real(b);
}
