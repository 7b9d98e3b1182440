// `npx genkitx-temporal check-upgrade --flows <module>`: loads the new revision of the flows and replays the journal
// of every open run of each against it (checkUpgrade). For a build step before a rollout: exit 0 when every open
// run can resume on the new code, 1 when one cannot (or could not be checked), 2 on a usage or configuration error.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { UpgradeCheckReport } from '../worker/upgrade-check/check-upgrade';

export const CHECK_UPGRADE_USAGE = `Usage: genkitx-temporal check-upgrade --flows <module> [--namespace <ns>] [--address <host:port>]
                                      [--flow <name>]... [--max-runs <n>] [--json]

Replays the journal of every open run of your flows against the new code in <module>, in this process, with
nothing live: model calls, tools, ai.run, step() and waitForInput are answered from the journal, and the check
stops at the first call past it. Reads runs only (visibility, history, queries); never changes one. The workers
of the current revision must be running (they answer the journal queries).

Options:
  --flows <module>     the module that defines the new revision of your flows (e.g. dist/flows.js)
  --namespace <ns>     Temporal namespace (default: TEMPORAL_NAMESPACE, the envconfig profile, or "default")
  --address <addr>     Temporal frontend host:port (default: TEMPORAL_ADDRESS, the envconfig profile, or localhost:7233)
  --flow <name>        check only this flow (repeatable; default: every flow the module defines)
  --max-runs <n>       open runs checked per flow at most (default 1000)
  --json               print the report as JSON
  -h, --help           this text

Exit codes: 0 every open run is compatible; 1 a run is incompatible or could not be checked; 2 the check did
not run: usage or configuration error (no --flows, a module that does not load or defines no flow, an
unreachable server) or a failure while listing runs.
`;

/** A problem the user fixes before the check can run (exit code 2); `showUsage` for a wrong command line. */
class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

export async function checkUpgradeCli(argv: string[]): Promise<number> {
  try {
    const report = await run(argv);
    if (!report) return 0;
    return report.ok ? 0 : 1;
  } catch (err) {
    const { TemporalConnectionError, UpgradeCheckConfigError, FlowNotJournaledError } = await import('../index.js');
    if (
      err instanceof UsageError ||
      err instanceof UpgradeCheckConfigError ||
      err instanceof TemporalConnectionError ||
      err instanceof FlowNotJournaledError
    ) {
      process.stderr.write(`check-upgrade: ${err.message}\n`);
      if (err instanceof UsageError && err.showUsage) process.stderr.write(`\n${CHECK_UPGRADE_USAGE}`);
      return 2;
    }
    // Anything else (a server error while listing, a bug): the check did not run, which is not "incompatible".
    process.stderr.write(`check-upgrade: the check could not run: ${err instanceof Error ? err.stack : String(err)}\n`);
    return 2;
  }
}

async function run(argv: string[]): Promise<UpgradeCheckReport | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        flows: { type: 'string' },
        namespace: { type: 'string' },
        address: { type: 'string' },
        flow: { type: 'string', multiple: true },
        'max-runs': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(CHECK_UPGRADE_USAGE);
    return undefined;
  }
  if (!values.flows) throw new UsageError('--flows <module> is required: the module that defines your new flows');
  const maxRuns = values['max-runs'] === undefined ? undefined : Number(values['max-runs']);
  if (maxRuns !== undefined && !(Number.isInteger(maxRuns) && maxRuns > 0)) {
    throw new UsageError(`--max-runs must be a positive whole number, got "${values['max-runs']}"`);
  }
  const modulePath = resolve(values.flows);
  try {
    await import(pathToFileURL(modulePath).href);
  } catch (err) {
    throw new UsageError(`the flows module ${modulePath} did not load: ${(err as Error).message}`, false);
  }
  const { checkUpgrade } = await import('../index.js');
  const report = await checkUpgrade({
    address: values.address,
    namespace: values.namespace,
    flows: values.flow,
    maxRuns,
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
  return report;
}

/** The report for people: one line per flow, then each problem with its step and both requests. */
export function describeReport(report: UpgradeCheckReport): string {
  const lines = [
    `check-upgrade: namespace "${report.namespace}", open runs listed by ${report.listedBy === 'memo' ? 'memo (the GenkitFlow search attribute is not registered)' : 'the GenkitFlow search attribute'}, ${report.durationMs} ms`,
  ];
  for (const flow of report.flows) {
    if (flow.skipped) {
      lines.push(`  ${flow.flowName}: skipped (durable: false, no journal to check)`);
      continue;
    }
    const counts = `${flow.checked} open run(s): ${flow.compatible} compatible, ${flow.incompatible} incompatible`;
    const pinned = flow.pinned ? `, ${flow.pinned} pinned to their version (not replayed)` : '';
    lines.push(`  ${flow.flowName}: ${counts}${flow.unchecked ? `, ${flow.unchecked} not checked` : ''}${pinned}`);
    for (const p of flow.problems) {
      lines.push(`    ${p.workflowId} (${p.status}): ${p.message}`);
    }
    for (const c of flow.changes) {
      lines.push(`    changed("${c.id}"): ${c.oldBranch} run(s) on the old branch, ${c.newBranch} on the new one`);
    }
  }
  lines.push(report.ok ? 'every open run can resume on the new code' : 'NOT SAFE TO DEPLOY as is: see above');
  return `${lines.join('\n')}\n`;
}
