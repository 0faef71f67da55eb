/**
 * The command line for each runner, with machine-readable output: jest and vitest write JSON to a
 * file, mocha prints JSON on stdout, node:test and pytest write JUnit XML to a file. Paths are
 * passed absolute so a file name starting with `-` can never be read as an option.
 */
import { resolve } from 'node:path';
import type { DetectedRunner } from './detect-test-runner.js';
import { parseJestJson } from './parse-jest-json.js';
import { parseJunitXml } from './parse-junit-xml.js';
import { parseMochaJson } from './parse-mocha-json.js';
import type { ParsedTestRun } from './test-failure.js';

/** A runnable command and where its results land. */
export interface TestCommand {
  command: string;
  args: string[];
  /** `file`: read `outputFile` after the run; `stdout`: parse the captured stdout. */
  resultsIn: 'file' | 'stdout';
}

/**
 * Builds the command. `targets` are root-relative: the changed files for jest and vitest (which
 * find related tests themselves), the related test files for the others.
 */
export function buildTestCommand(detected: DetectedRunner, root: string, targets: readonly string[], outputFile: string): TestCommand {
  const files = targets.map((t) => resolve(root, t));
  const pre = [...detected.args];
  switch (detected.runner) {
    case 'jest':
      return {
        command: detected.command,
        args: [...pre, '--ci', '--json', `--outputFile=${outputFile}`, '--testLocationInResults', '--watchman=false', '--passWithNoTests', '--findRelatedTests', ...files],
        resultsIn: 'file',
      };
    case 'vitest':
      return {
        command: detected.command,
        args: [...pre, 'related', ...files, '--run', '--reporter=json', `--outputFile=${outputFile}`, '--passWithNoTests'],
        resultsIn: 'file',
      };
    case 'mocha':
      return { command: detected.command, args: [...pre, '--reporter', 'json', '--no-color', ...files], resultsIn: 'stdout' };
    case 'node-test':
      return {
        command: detected.command,
        args: [...pre, '--test', '--test-reporter=junit', `--test-reporter-destination=${outputFile}`, ...files],
        resultsIn: 'file',
      };
    case 'pytest':
      return {
        command: detected.command,
        args: [...pre, `--junitxml=${outputFile}`, '-o', 'junit_family=xunit1', `--rootdir=${root}`, '-q', '-p', 'no:cacheprovider', ...files],
        resultsIn: 'file',
      };
  }
}

/** Parses a run's results with the runner's parser. Throws InvalidInputError for a bad report. */
export function parseTestResults(detected: DetectedRunner, text: string, root: string, testFiles: readonly string[], source: string): ParsedTestRun {
  switch (detected.runner) {
    case 'jest':
    case 'vitest':
      return parseJestJson(text, root, source);
    case 'mocha':
      return parseMochaJson(text, root, source);
    case 'node-test':
      return parseJunitXml(text, { dialect: 'node-test', root, testFiles, source });
    case 'pytest':
      return parseJunitXml(text, { dialect: 'pytest', root, testFiles, source });
  }
}
