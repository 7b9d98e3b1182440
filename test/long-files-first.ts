// The order vitest starts test files in: the files that take longest first, then vitest's own order. On a fresh
// clone vitest has no durations cached and starts the largest files first; a short file that drives a long run
// (user-paths-template-build: a few lines, most of a minute) then starts last and the whole run waits on it alone
// (fresh-clone CI: 55 s of one file at the end of a 600 s pass). Order only: a stale or missing entry costs time,
// never a result.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that took ≥ 20 s on fresh-clone CI (2 cores, three files at once), longest first. */
export const LONG_FILES = [
  'test/consumer/esm-entries.test.ts',
  'test/consumer/user-paths-template-build.test.ts',
  'test/integration/forged-journal.test.ts',
  'test/integration/worker-restarts.test.ts',
  'test/integration/demo.test.ts',
  'test/consumer/zod.test.ts',
  'test/integration/durability.test.ts',
  'test/integration/worker-versioning.test.ts',
  'test/integration/upgrade-check.test.ts',
  'test/integration/progress-heartbeat.test.ts',
  'test/integration/console-sign-in.browser.test.ts',
  'test/integration/connection.test.ts',
  'test/integration/demo-console.browser.test.ts',
  'test/integration/stream-fan-out.test.ts',
  'test/integration/webhooks.test.ts',
  'test/consumer/scaffold.test.ts',
];

/** Puts LONG_FILES first (in their order), the rest after them in vitest's order. */
export default class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = LONG_FILES.findIndex((f) => spec.moduleId.endsWith(`/${f}`));
      return i === -1 ? LONG_FILES.length : i;
    };
    // Array.prototype.sort is stable: files of equal rank keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
