/**
 * The runner-neutral shape every results parser produces: one {@link TestFailure} per failing test,
 * plus counts. Turning failures into findings (failure-to-finding.ts) is the same for all runners.
 */

/** One failing test, as a parser read it from a runner's machine-readable report. */
export interface TestFailure {
  /** The test's full name: suites and title (`sum > adds`, `tests/test_calc.py::TestK::test_m`). */
  fullName: string;
  /** The assertion message (may span lines; the finding shows the first). */
  message: string;
  /** Longer detail: the assertion diff or the failure text. */
  details?: string;
  /** A stack trace, when the runner gives one. */
  stack?: string;
  /** The test file (absolute or relative to the run's folder), when known. */
  file?: string;
  /** 1-based line and column of the test or assertion, when the report says. */
  line?: number;
  column?: number;
}

/** What a parser read from one report. */
export interface ParsedTestRun {
  /** Tests the report counts (passed, failed, skipped). */
  total: number;
  failures: TestFailure[];
}

/** Names of the supported runners. */
export type TestRunnerName = 'jest' | 'vitest' | 'mocha' | 'node-test' | 'pytest';

/** Keeps at most `max` characters of a string, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Removes ANSI colour and cursor sequences that runners print even with NO_COLOR on occasion. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
