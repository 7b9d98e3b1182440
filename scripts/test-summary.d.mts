/** Whether this run is CI (`CI=true`, as GitHub Actions and most CI services set it). */
export declare function isCi(env?: NodeJS.ProcessEnv): boolean;

/** The parts of vitest's JSON report the summary reads. */
export interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{
      fullName: string;
      status: string;
      duration?: number | null;
      failureMessages?: string[] | null;
    }>;
  }>;
}

export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** `N passed, N failed, N skipped` */
  line: string;
  /** Lines printed before it: what failed (tests, files, unhandled errors), empty when nothing did. */
  failures: string[];
  /** Lines printed after it (why CI=true failed the run). */
  notes: string[];
  exitCode: number;
}

/** An error thrown outside any test, as scripts/unhandled-errors-reporter.mjs writes it. */
export interface UnhandledTestError {
  name: string;
  message: string;
  testFile?: string;
  testName?: string;
  stack?: string;
}

/** The closing line and exit status of `npm test` from vitest's JSON report (undefined when none was written). */
export declare function summarize(
  report: VitestJsonReport | undefined,
  options: {
    runStatus: number | null;
    ci: boolean;
    nameFilter?: boolean;
    root?: string;
    unhandledErrors?: UnhandledTestError[];
  },
): TestSummary;

/** One JSON report from several vitest runs' reports: counts added, files in run order; undefined if none. */
export declare function mergeReports(reports: Array<VitestJsonReport | undefined>): VitestJsonReport | undefined;
