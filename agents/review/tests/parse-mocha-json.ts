/**
 * Parses mocha's `--reporter json` output. Mocha writes it to stdout, where a test's own
 * `console.log` lines may come first, so the report is taken from its `{"stats"` opening on.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { parseReportJson } from './parse-report-json.js';
import { locateInStack, splitFailureText } from './stack-location.js';
import { clip, stripAnsi, type ParsedTestRun, type TestFailure } from './test-failure.js';

/** The part of mocha's JSON report this parser reads. */
export const mochaReportSchema = z.object({
  stats: z.object({ tests: z.number().int().nonnegative(), failures: z.number().int().nonnegative() }),
  failures: z.array(
    z.object({
      title: z.string(),
      fullTitle: z.string(),
      file: z.string().nullish(),
      err: z.object({
        message: z.string().nullish(),
        stack: z.string().nullish(),
        actual: z.unknown().optional(),
        expected: z.unknown().optional(),
        showDiff: z.boolean().nullish(),
      }),
    }),
  ),
});

const MAX_DETAILS = 4000;

/** Renders an actual/expected value for the help text. */
function show(value: unknown): string {
  return clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)), 1000);
}

/** Reads failures from mocha's JSON reporter output (stdout of the run). */
export function parseMochaJson(stdout: string, root: string, source = 'mocha JSON output'): ParsedTestRun {
  const start = stdout.search(/\{\s*"stats"\s*:/);
  if (start < 0) {
    throw new InvalidInputError(`The ${source} has no JSON report (no '{"stats": …}' found): was mocha run with --reporter json?`, { file: source });
  }
  const end = stdout.lastIndexOf('}');
  const report = parseReportJson(stdout.slice(start, end + 1), mochaReportSchema, source);
  const failures: TestFailure[] = report.failures.map((f) => {
    const err = f.err;
    const stackText = stripAnsi(err.stack ?? '');
    const { message: fromStack, stack } = splitFailureText(stackText);
    const message = stripAnsi(err.message ?? '').trim() || fromStack || 'failed without a message';
    const at = locateInStack(stack, root, f.file ?? undefined);
    const diff = err.showDiff !== false && (err.actual !== undefined || err.expected !== undefined) ? `\n\nexpected: ${show(err.expected)}\nactual:   ${show(err.actual)}` : '';
    const file = at?.file ?? f.file ?? undefined;
    return {
      fullName: f.fullTitle || f.title,
      message,
      details: clip(`${message}${diff}`, MAX_DETAILS),
      ...(stack ? { stack: clip(stack, MAX_DETAILS) } : {}),
      ...(file ? { file } : {}),
      ...(at ? { line: at.line, column: at.column } : {}),
    };
  });
  return { total: report.stats.tests, failures };
}
