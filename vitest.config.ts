// Three projects, each runnable alone (`npx vitest run --project unit`); `npm test` runs all three.
// - unit (test/unit): our code in-process; no global setup, no child process, no server, nothing started.
// - integration (test/integration): a real Temporal dev server (test/global-setup.ts), workers and child
//   processes, emulators, browsers.
// - package (test/package, test/consumer, test/infra): what ships, checked as a user gets it: the built entries
//   and the bin, the packed tarball installed in consumer projects, the API docs, the lint rules, the Terraform
//   templates.
// Minutes-long runs have their own command: npm run test:long (vitest.long.config.ts).
import { defineConfig } from 'vitest/config';

/** Every project's limits (vitest.long.config.ts's too). */
export const shared = {
  // Integration tests run real workers against a real dev server; give them room on a 2-core machine.
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

/** What a project that runs Temporal workers adds: one dev server and workflow bundle for the whole run, shared. */
export const devServer = { globalSetup: ['test/global-setup.ts'], setupFiles: ['test/setup-runtime.ts'] };

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    // Only the unit project runs in threads: one thread (with more, vitest's recycling of non-isolated threads
    // terminated one mid-run: "Terminating worker thread").
    poolOptions: { threads: { isolate: false, maxThreads: 1, minThreads: 1 } },
    // Test files at once: vitest's default (cores - 1). Four on a loaded 2-core machine cut the run but broke the
    // time bounds of failover tests (a failover bound of 7.5 s took 9.2 s); `npm test -- --maxWorkers=N` to try more.
    projects: [
      // Threads that keep their modules between files (poolOptions.threads above): unit files import the same
      // src/ modules, and re-importing them per file took most of the project's time.
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads' } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          ...devServer,
        },
      },
      {
        test: {
          ...shared,
          name: 'package',
          include: ['test/package/**/*.test.ts', 'test/consumer/**/*.test.ts', 'test/infra/**/*.test.ts'],
          ...devServer,
        },
      },
    ],
  },
});
