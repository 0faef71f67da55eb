/**
 * Turns parsed test failures into findings: rule `tests/failing-test`, located at the failing
 * assertion (or the test, or line 1 of the test file), fingerprinted by the test's name so the
 * finding keeps its identity when lines move.
 */
import { isAbsolute, relative } from 'node:path';
import type { Finding } from '../../../shared/findings/finding.js';
import { fingerprint } from '../../../shared/findings/fingerprint.js';
import { firstLine } from './stack-location.js';
import { clip, type TestFailure } from './test-failure.js';

/** The rule id of every test-runner finding. */
export const FAILING_TEST_RULE = 'tests/failing-test';

/** The agent id findings and events carry. */
export const TEST_RUNNER_AGENT_ID = 'test-runner';

/** A failure's file as a root-relative path with forward slashes. */
export function relativeFile(root: string, file: string): string {
  const rel = isAbsolute(file) ? relative(root, file) : file;
  return rel.replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * One finding per failure. `fallbackFile` locates failures whose report gives no file (a single
 * test file was run); failures still without a file are returned in `unlocated`. `located[k]` is
 * the failure behind `findings[k]`.
 */
export function failuresToFindings(
  failures: readonly TestFailure[],
  options: { root: string; runner: string; agent?: string; fallbackFile?: string },
): { findings: Finding[]; located: TestFailure[]; unlocated: TestFailure[] } {
  const findings: Finding[] = [];
  const located: TestFailure[] = [];
  const unlocated: TestFailure[] = [];
  const occurrences = new Map<string, number>();
  for (const failure of failures) {
    const source = failure.file ?? options.fallbackFile;
    if (!source) {
      unlocated.push(failure);
      continue;
    }
    const file = relativeFile(options.root, source);
    const key = `${file}\0${failure.fullName}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    const line = failure.file && failure.line && failure.line > 0 ? failure.line : 1;
    const column = failure.file && failure.column && failure.column > 0 ? failure.column : 1;
    const help = failure.details?.trim();
    findings.push({
      ruleId: FAILING_TEST_RULE,
      agent: options.agent ?? TEST_RUNNER_AGENT_ID,
      severity: 'error',
      message: clip(`${failure.fullName}: ${firstLine(failure.message)}`, 500),
      file,
      range: { start: { line, column }, end: { line, column } },
      fingerprint: fingerprint({ ruleId: FAILING_TEST_RULE, file, snippet: failure.fullName, occurrence }),
      ...(help ? { help: clip(help, 2000) } : {}),
      tags: ['tests', options.runner],
    });
    located.push(failure);
  }
  return { findings, located, unlocated };
}
