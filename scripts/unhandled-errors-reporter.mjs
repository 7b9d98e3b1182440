// A vitest reporter that writes the run's unhandled errors (an error thrown outside any test: a rejected promise
// nobody awaited, a timer firing after its test ended) to the file named by GENKITX_UNHANDLED_ERRORS, so `npm test`
// can name them beside its closing line. Vitest's JSON report has no room for them: a run that failed only by one
// read `1296 passed, 1 failed` with the error itself hundreds of lines up, out of a CI log's tail.
import { writeFileSync } from 'node:fs';

/** The lines of a stack kept per error: enough to find the code, short enough to print at the end. */
const STACK_LINES = 6;

export default class UnhandledErrorsReporter {
  /** @param {ReadonlyArray<unknown>} _modules @param {ReadonlyArray<Record<string, unknown>>} errors */
  onTestRunEnd(_modules, errors) {
    const file = process.env.GENKITX_UNHANDLED_ERRORS;
    if (!file) return;
    const described = errors.map((e) => ({
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(e),
      // Vitest tags an error caught during a test with the test's file and name.
      testFile: typeof e.VITEST_TEST_PATH === 'string' ? e.VITEST_TEST_PATH : undefined,
      testName: typeof e.VITEST_TEST_NAME === 'string' ? e.VITEST_TEST_NAME : undefined,
      stack:
        typeof e.stack === 'string'
          ? e.stack
              .split('\n')
              .slice(1, 1 + STACK_LINES)
              .join('\n')
          : undefined,
    }));
    writeFileSync(file, JSON.stringify(described));
  }
}
