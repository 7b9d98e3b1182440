// `npx genkitx-temporal set-current-version --deployment <name> --build-id <id>`: the rollout step after the new
// workers start. Waits until the version's workers poll, then makes it the deployment's current version
// (setCurrentWorkerVersion). Exit 0 done; 1 no worker of the version polled within the wait; 2 usage or
// configuration error, or the server refused the change.
import { parseArgs } from 'node:util';

export const SET_CURRENT_VERSION_USAGE = `Usage: genkitx-temporal set-current-version --deployment <name> --build-id <id>
                                            [--wait-for-pollers <duration>] [--namespace <ns>] [--address <host:port>]

Makes <id> the current version of Worker Deployment <name>, once its workers poll: new runs, and auto-upgrade
runs at their next workflow task, go to it; runs pinned to the version that was current finish there.

Options:
  --deployment <name>           the Worker Deployment (the worker service; TEMPORAL_WORKER_DEPLOYMENT on Cloud Run)
  --build-id <id>               the version to make current (the worker's build ID: its Cloud Run revision)
  --wait-for-pollers <duration> how long to wait for the version's workers to poll, e.g. 90s, 5m (default 60s)
  --namespace <ns>              Temporal namespace (default: TEMPORAL_NAMESPACE, the envconfig profile, or "default")
  --address <addr>              Temporal frontend host:port (default: TEMPORAL_ADDRESS, the envconfig profile, or localhost:7233)
  -h, --help                    this text

Exit codes: 0 the version is current; 1 no worker of the version polled within the wait (nothing changed);
2 usage or configuration error, an unreachable server, or the server refused the change.
`;

/** A wrong command line (exit code 2). */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

const DURATION = /^\d+(\.\d+)?\s*(ms|s|m|h)$/;

export async function setCurrentVersionCli(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        deployment: { type: 'string' },
        'build-id': { type: 'string' },
        'wait-for-pollers': { type: 'string' },
        namespace: { type: 'string' },
        address: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      process.stdout.write(SET_CURRENT_VERSION_USAGE);
      return 0;
    }
    if (!values.deployment?.trim()) throw new UsageError('--deployment <name> is required');
    if (!values['build-id']?.trim()) throw new UsageError('--build-id <id> is required');
    const wait = values['wait-for-pollers'];
    if (wait !== undefined && !DURATION.test(wait.trim())) {
      throw new UsageError(`--wait-for-pollers must be a duration such as 90s or 5m, got "${wait}"`);
    }
  } catch (err) {
    process.stderr.write(`set-current-version: ${(err as Error).message}\n\n${SET_CURRENT_VERSION_USAGE}`);
    return 2;
  }
  const { setCurrentWorkerVersion, WorkerVersionNotPolledError } = await import('../client/index.js');
  try {
    const wait = values['wait-for-pollers']?.trim().replace(/\s+/g, '');
    const result = await setCurrentWorkerVersion({
      address: values.address,
      namespace: values.namespace,
      deploymentName: values.deployment!.trim(),
      buildId: values['build-id']!.trim(),
      waitForPollers: wait as `${number}s` | undefined,
      identity: 'genkitx-temporal set-current-version',
    });
    process.stdout.write(
      `set-current-version: "${values['build-id']}" is the current version of "${values.deployment}"` +
        (result.previousBuildId ? ` (was "${result.previousBuildId}")` : '') +
        ` after ${Math.round(result.waitedMs / 100) / 10} s\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof WorkerVersionNotPolledError) {
      process.stderr.write(`set-current-version: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`set-current-version: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  } finally {
    const { closeTemporalClients } = await import('../client/index.js');
    await closeTemporalClients();
  }
}
