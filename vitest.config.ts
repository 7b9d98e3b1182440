// Four projects, each runnable alone (`npx vitest run --project unit`); `npm test` runs them all.
// - unit (test/unit): our code in-process; no global setup, no child process, no server, nothing started.
// - integration (test/integration): a real Temporal dev server (test/global-setup.ts), workers and child
//   processes, emulators, browsers.
// - package (test/package, test/consumer, test/infra): what ships, checked as a user gets it: the built entries
//   and the bin, the packed tarball installed in consumer projects, the API docs, the lint rules, the Terraform
//   templates.
// - integration-alone: the integration files whose assertions are wall-clock bounds the product promises (failover
//   within the heartbeat timeout + 4.5 s, a status read without a worker within 1 s, …). `npm test` runs them after
//   the other projects, one file at a time with nothing else running, so the bounds measure the product, not the
//   other test files competing for the CPU.
// Minutes-long runs have their own command: npm run test:long (vitest.long.config.ts).
import { configDefaults, defineConfig } from 'vitest/config';
import LongFilesFirst from './test/long-files-first';

/** Every project's limits (vitest.long.config.ts's too). */
export const shared = {
  // Integration tests run real workers against a real dev server; give them room on a 2-core machine.
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

/**
 * Integration and consumer files whose assertions are wall-clock bounds the product promises; they run alone
 * (integration-alone above). A file that only waits on generous timeouts stays in its project, and so do a bound's
 * untimed neighbours (they get a file of their own: `npm test` runs this list one file at a time, so every second here
 * is a second of the whole run).
 */
const aloneFiles = [
  'test/integration/failover-by-name.test.ts', // next step within the heartbeat timeout + 4.5 s
  'test/integration/failover-timing.test.ts', // the same, SIGKILL and SIGTERM at random moments
  'test/integration/status-without-worker.test.ts', // status reads without a worker within 1 s
  'test/integration/worker-failover.test.ts', // SIGTERM: last step within 2 s of the signal
  'test/integration/worker-plugin-failover.test.ts', // the same through the plugin
  'test/integration/connect-timeout.test.ts', // an unreachable server fails within 2.5 s
  'test/integration/front-door-limits.test.ts', // the API answers 503 within 5 s while Temporal is down
  'test/integration/firebase-emulator.test.ts', // a callable's status read within 1 s
  'test/integration/foundation-cancel.test.ts', // a cancel reaches the step within 2 s
  'test/integration/tracing-failover.test.ts', // exactly one failover: no heartbeat (3 s) missed by a busy worker
  // SIGTERM -> next attempt on the other worker within 1.5 s, in the user's own script and the kit's templates
  'test/consumer/user-paths-script.test.ts',
  'test/consumer/user-paths-template-esm.test.ts',
  'test/consumer/user-paths-template-cjs.test.ts',
];

/** What a project that runs Temporal workers adds: one dev server and workflow bundle for the whole run, shared. */
export const devServer = { globalSetup: ['test/global-setup.ts'], setupFiles: ['test/setup-runtime.ts'] };

export default defineConfig({
  test: {
    // The third names the run's unhandled errors for npm test's closing lines (scripts/run-tests.mjs).
    reporters: ['default', 'json', './scripts/unhandled-errors-reporter.mjs'],
    sequence: { sequencer: LongFilesFirst },
    outputFile: { json: 'test-results.json' },
    // Only the unit project runs in threads: one thread (with more, vitest's recycling of non-isolated threads
    // terminated one mid-run: "Terminating worker thread").
    poolOptions: { threads: { isolate: false, maxThreads: 1, minThreads: 1 } },
    // Test files at once: vitest's default (cores - 1). `npm test` runs more (scripts/run-tests.mjs): integration
    // and package files mostly wait (on the dev server, timeouts, child processes, npm), and it runs
    // integration-alone after the rest, one file at a time (four files at once on a loaded 2-core machine made a
    // failover bound of 7.5 s take 9.2 s).
    projects: [
      // Threads that keep their modules between files (poolOptions.threads above): unit files import the same
      // src/ modules, and re-importing them per file took most of the project's time.
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads' } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...aloneFiles],
          ...devServer,
        },
      },
      {
        test: {
          ...shared,
          name: 'integration-alone',
          include: aloneFiles,
          ...devServer,
          // After the other projects when run with them; npm test runs it in a vitest run of its own.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'package',
          include: ['test/package/**/*.test.ts', 'test/consumer/**/*.test.ts', 'test/infra/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...aloneFiles],
          ...devServer,
        },
      },
    ],
  },
});
