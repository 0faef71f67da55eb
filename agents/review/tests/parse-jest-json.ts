/**
 * Parses the JSON report of jest (`--json --outputFile`) and vitest (`--reporter=json`), which share
 * one shape: `testResults[]` per file, each with `assertionResults[]` per test. A test file that
 * failed to run at all (a syntax error, a throwing import) has no assertion results but a
 * `message`: it becomes one failure too, so a broken file is never reported as green.
 */
import { z } from 'zod';
import { parseReportJson } from './parse-report-json.js';
import { firstLine, locateInStack, splitFailureText } from './stack-location.js';
import { clip, stripAnsi, type ParsedTestRun, type TestFailure } from './test-failure.js';

const locationSchema = z.object({ line: z.number().int().positive(), column: z.number().int().nonnegative() });

const assertionSchema = z.object({
  title: z.string(),
  fullName: z.string().nullish(),
  ancestorTitles: z.array(z.string()).nullish(),
  status: z.string(),
  failureMessages: z.array(z.string()).nullish(),
  location: locationSchema.nullish(),
});

/** The part of the jest/vitest JSON report this parser reads. */
export const jestReportSchema = z.object({
  numTotalTests: z.number().int().nonnegative(),
  testResults: z.array(
    z.object({
      name: z.string().min(1),
      status: z.string().nullish(),
      message: z.string().nullish(),
      assertionResults: z.array(assertionSchema),
    }),
  ),
});

/** A jest/vitest report as validated. */
export type JestReport = z.output<typeof jestReportSchema>;

const MAX_DETAILS = 4000;

/** Reads failures from a jest or vitest JSON report. `root` is the folder the run started in. */
export function parseJestJson(text: string, root: string, source = 'jest JSON report'): ParsedTestRun {
  const report = parseReportJson(text, jestReportSchema, source);
  const failures: TestFailure[] = [];
  for (const file of report.testResults) {
    let failedHere = 0;
    for (const test of file.assertionResults) {
      if (test.status !== 'failed') continue;
      failedHere++;
      const raw = stripAnsi((test.failureMessages ?? []).join('\n\n'));
      const { message, stack } = splitFailureText(raw);
      const at = locateInStack(stack, root, file.name);
      const name = [...(test.ancestorTitles ?? []), test.title].filter((t) => t !== '').join(' > ');
      failures.push({
        fullName: name || test.fullName || test.title,
        message: message || 'failed without a message',
        details: clip(message, MAX_DETAILS),
        ...(stack ? { stack: clip(stack, MAX_DETAILS) } : {}),
        file: at?.file ?? file.name,
        ...(at ? { line: at.line, column: at.column } : test.location ? { line: test.location.line, column: Math.max(1, test.location.column) } : {}),
      });
    }
    const suiteMessage = stripAnsi(file.message ?? '').trim();
    if (failedHere === 0 && file.status === 'failed' && suiteMessage !== '') {
      const { stack } = splitFailureText(suiteMessage);
      const at = locateInStack(stack || suiteMessage, root, file.name);
      failures.push({
        fullName: 'test file failed to run',
        message: firstLine(suiteMessage.replace(/^●\s*Test suite failed to run\s*/, '')) || 'test file failed to run',
        details: clip(suiteMessage, MAX_DETAILS),
        file: file.name,
        ...(at && at.file === file.name ? { line: at.line, column: at.column } : {}),
      });
    }
  }
  return { total: report.numTotalTests, failures };
}
