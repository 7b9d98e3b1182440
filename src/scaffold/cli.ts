#!/usr/bin/env node
// The package's command: `npx genkitx-temporal init [dir] [--flows src/flows.ts] [--force]` writes the serverless
// kit (Firebase functions, the Cloud Run worker and API, Terraform) into a project. Non-interactive: every choice
// is a flag, so it can run in scripts and tests. Exit codes: 0 done, 1 nothing written (files in the way),
// 2 bad usage. `check-upgrade` (check-upgrade-cli.ts) checks a new revision of the flows against the open runs;
// `set-current-version` (set-current-version-cli.ts) makes a worker version current once its workers poll.
import { parseArgs } from 'node:util';
import { checkUpgradeCli } from './check-upgrade-cli';
import { setCurrentVersionCli } from './set-current-version-cli';
import { initProject, ScaffoldConflictError, ScaffoldUsageError, type InitResult } from './init';

const USAGE = `Usage: genkitx-temporal init [dir] [--flows <module>] [--force]
       genkitx-temporal check-upgrade --flows <module> [options]   (check-upgrade --help)
       genkitx-temporal set-current-version --deployment <name> --build-id <id> [options]   (set-current-version --help)

Writes the genkitx-temporal serverless kit into <dir> (default: the current folder):
  functions/         Firebase functions: a callable per flow, the runs callable, the HTTP API
  cloudrun/worker/   the Cloud Run worker that serves your flows (bundles --flows)
  cloudrun/api/      the Cloud Run front-door API (Hono, Genkit's client protocol, webhooks, run console)
  infra/             Terraform for the Cloud Run side (worker pool, API, autoscaler, secrets, registry)
  firebase.json      when the project has none

Options:
  --flows <module>   your flows module, relative to <dir> (default src/flows.ts; written from an example if missing)
  --force            overwrite files that exist with other content (default: refuse, write nothing)
  -h, --help         this text
`;

function nextSteps(result: InitResult): string {
  const flows = result.flows.created
    ? `${result.flows.path} (an example flow: replace it with yours)`
    : `${result.flows.path} (your flows, left as they are)`;
  return `
Flows module: ${flows}

Next (the genkitx-temporal README, "Quick start"; a Temporal dev server: temporal server start-dev):
  cd cloudrun/worker && npm install && npm run build && npm run manifest   # flows.json for the API and functions
  TEMPORAL_ADDRESS=localhost:7233 FLOWS_MODULE=dist/flows.js WORKFLOW_BUNDLE_PATH=dist/workflow-bundle.js npm start
  cd cloudrun/api && npm install && npm run build
  TEMPORAL_ADDRESS=localhost:7233 FLOWS_MODULE=dist/flows.js API_AUTH=bearer API_BEARER_TOKEN=<16+ characters> npm start
  cd functions && npm install                                              # then: firebase deploy --only functions
Deploy: infra/ (Terraform), firebase deploy; steps in the genkitx-temporal README, "Deploy".
`;
}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { flows: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, dir = '.', ...rest] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'init' || rest.length) {
    process.stderr.write(
      `${command ? `unknown command or argument: ${[command, ...rest].join(' ')}\n\n` : ''}${USAGE}`,
    );
    return 2;
  }
  try {
    const result = initProject({ dir, flows: parsed.values.flows, force: parsed.values.force });
    process.stdout.write(
      `genkitx-temporal init: ${result.written.length} file(s) written into ${result.dir}` +
        (result.unchanged.length ? `, ${result.unchanged.length} already up to date` : '') +
        (result.kept.length ? `; kept your ${result.kept.join(', ')}` : '') +
        '\n' +
        nextSteps(result),
    );
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldConflictError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if (err instanceof ScaffoldUsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'check-upgrade') {
  // Exits when done: the flows module may hold the event loop open (clients, timers), and a CI step must end.
  void checkUpgradeCli(args).then((code) => process.stdout.write('', () => process.exit(code)));
} else if (command === 'set-current-version') {
  void setCurrentVersionCli(args).then((code) => process.stdout.write('', () => process.exit(code)));
} else {
  process.exitCode = main(process.argv.slice(2));
}
