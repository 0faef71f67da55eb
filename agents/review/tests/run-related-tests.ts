/**
 * Runs the tests related to a set of changed files and reports failing tests as findings. This is
 * what `orchestra review --agents tests` calls. It executes project code: callers that go through
 * the agent host get the `execute` permission check (test-runner-agent.ts); direct callers (the
 * CLI on the user's own repository) decide themselves.
 *
 * Per runner: detect → pick targets → run in its own process group (timeout, AbortSignal, bounded
 * output) → parse the machine-readable report → findings, and `error.detected` on the bus.
 * Everything that is not a failing test (no runner, no related tests, a timeout, a runner that
 * crashed or wrote garbage) becomes a notice, never an exception; only cancellation throws.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { EventBus } from '../../../shared/bus/event-bus.js';
import { errorMessage, isCancellation, isErrorNamed, throwIfAborted } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import { buildTestCommand, parseTestResults } from './build-test-command.js';
import { detectTestRunners, type DetectedRunner } from './detect-test-runner.js';
import { TEST_RUNNER_AGENT_ID, failuresToFindings } from './failure-to-finding.js';
import { findRelatedTests, languageOf, listTestFiles } from './find-related-tests.js';
import { MAX_REPORT_LENGTH } from './parse-report-json.js';
import { runProcess } from './run-process.js';
import { clip, type TestFailure } from './test-failure.js';

/** Options of {@link runRelatedTests}. */
export interface RunRelatedTestsOptions {
  /** The project folder (where package.json / pytest.ini live). */
  root: string;
  /** Changed files, relative to `root` or absolute inside it. */
  changedFiles: readonly string[];
  /** Cancels the run: the runner's process group is killed and the promise rejects with CancelledError. */
  signal?: AbortSignal;
  /** Milliseconds each runner may take before its process group is killed. Default 120,000. */
  timeoutMs?: number;
  /** When given, each failure is published as `error.detected`. */
  bus?: EventBus;
  /** Bytes of stdout/stderr kept per stream. Default 8 MiB. */
  maxOutputBytes?: number;
  /** Agent id on findings and the event source. Default `test-runner`. */
  agent?: string;
}

/** What {@link runRelatedTests} found. */
export interface RunRelatedTestsResult {
  findings: Finding[];
  /** Human-readable notes: why nothing ran, a timeout, a runner that crashed. */
  notices: string[];
  /** The runner(s) used, e.g. `jest` or `jest+pytest`. */
  runner?: string;
  /** Tests the runners report as run. */
  ran: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** The child's environment: the user's, marked as CI and colourless, minus our own test-harness markers. */
function childEnv(runner: DetectedRunner): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
  // Set when Orchestra itself runs under node:test or jest: the child would report to the parent
  // harness instead of its own reporter.
  delete env.NODE_TEST_CONTEXT;
  delete env.JEST_WORKER_ID;
  if (runner.runner === 'pytest') env.PYTHONDONTWRITEBYTECODE = '1';
  return env;
}

/** Normalises changed files to root-relative paths; those outside the root are reported. */
function normaliseChanged(root: string, files: readonly string[], notices: string[]): string[] {
  const out = new Set<string>();
  for (const file of files) {
    const rel = relative(root, resolve(root, file)).replace(/\\/g, '/');
    if (rel === '' || rel.startsWith('../') || rel === '..' || isAbsolute(rel)) notices.push(`Skipped ${file}: it is outside ${root}`);
    else out.add(rel);
  }
  return [...out].sort();
}

function tail(text: string, lines = 15): string {
  return clip(text.trim().split('\n').slice(-lines).join('\n'), 2000);
}

/** Reads a report file: undefined when absent, its size when over the limit. */
async function readReport(path: string): Promise<{ text: string } | { tooLarge: number } | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  if (info.size > MAX_REPORT_LENGTH) return { tooLarge: info.size };
  return { text: await readFile(path, 'utf8') };
}

/** Runs one runner on its targets; appends to `result`. */
async function runOne(detected: DetectedRunner, root: string, targets: string[], options: RunRelatedTestsOptions, result: RunRelatedTestsResult): Promise<TestFailure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'orchestra-tests-'));
  try {
    const outputFile = join(dir, detected.runner === 'jest' || detected.runner === 'vitest' ? 'results.json' : 'results.xml');
    const command = buildTestCommand(detected, root, targets, outputFile);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const run = await runProcess({ ...command, cwd: root, env: childEnv(detected), timeoutMs, ...(options.signal ? { signal: options.signal } : {}), ...(options.maxOutputBytes ? { maxOutputBytes: options.maxOutputBytes } : {}) });
    if (run.spawnError) {
      result.notices.push(`Could not start ${detected.runner} (${command.command}): ${errorMessage(run.spawnError)}. Is it installed?`);
      return [];
    }
    if (run.timedOut) {
      result.notices.push(`${detected.runner} timed out after ${timeoutMs} ms; its process group was killed and its results were not read`);
      return [];
    }
    const source = command.resultsIn === 'stdout' ? `${detected.runner} JSON output` : `${detected.runner} report ${outputFile}`;
    const report = command.resultsIn === 'stdout' ? { text: run.stdout } : await readReport(outputFile);
    if (report === undefined) {
      result.notices.push(`${detected.runner} exited with code ${run.exitCode ?? run.exitSignal} and wrote no report: ${tail(run.stderr || run.stdout) || '(no output)'}`);
      return [];
    }
    if ('tooLarge' in report) {
      result.notices.push(`${detected.runner} wrote a report of ${report.tooLarge} bytes, over the ${MAX_REPORT_LENGTH}-byte limit; it was not read`);
      return [];
    }
    try {
      const parsed = parseTestResults(detected, report.text, root, targets, source);
      result.ran += parsed.total;
      if (parsed.failures.length === 0 && run.exitCode !== 0) {
        result.notices.push(`${detected.runner} exited with code ${run.exitCode ?? run.exitSignal} but reported no failing test: ${tail(run.stderr || run.stdout) || '(no output)'}`);
      }
      if (parsed.total === 0) result.notices.push(`${detected.runner} found no tests to run for: ${targets.join(', ')}`);
      return parsed.failures;
    } catch (error) {
      if (!isErrorNamed(error, 'InvalidInputError')) throw error;
      result.notices.push(`Could not read ${detected.runner}'s results (exit code ${run.exitCode ?? run.exitSignal}${run.truncated ? ', output truncated' : ''}): ${errorMessage(error)}`);
      return [];
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the tests related to `changedFiles` and returns failing tests as findings. Rejects only on cancellation. */
export async function runRelatedTests(options: RunRelatedTestsOptions): Promise<RunRelatedTestsResult> {
  throwIfAborted(options.signal);
  const root = resolve(options.root);
  const agent = options.agent ?? TEST_RUNNER_AGENT_ID;
  const result: RunRelatedTestsResult = { findings: [], notices: [], ran: 0 };
  let runners: DetectedRunner[];
  try {
    runners = await detectTestRunners(root);
  } catch (error) {
    if (isCancellation(error) || !isErrorNamed(error, 'InvalidInputError')) throw error;
    result.notices.push(errorMessage(error));
    return result;
  }
  if (runners.length === 0) {
    result.notices.push(`No test runner found in ${root} (looked at package.json, jest/vitest/mocha configs, "node --test" scripts, pytest.ini, pyproject.toml, conftest.py, test_*.py)`);
    return result;
  }
  const changed = normaliseChanged(root, options.changedFiles, result.notices);
  const used: string[] = [];
  for (const detected of runners) {
    const mine = changed.filter((f) => languageOf(f) === detected.language || (detected.language === 'js' && f.endsWith('.json')));
    if (mine.length === 0) continue;
    let targets = mine;
    if (detected.runner !== 'jest' && detected.runner !== 'vitest') {
      const testFiles = await listTestFiles(root, detected.language, options.signal ? { signal: options.signal } : {});
      targets = await findRelatedTests(root, mine, testFiles, detected.language, options.signal ? { signal: options.signal } : {});
      if (targets.length === 0) {
        result.notices.push(`No ${detected.runner} tests are related to the changed files (none is named after them or imports them): ${mine.join(', ')}`);
        continue;
      }
    }
    used.push(detected.runner);
    const failures = await runOne(detected, root, targets, options, result);
    const fallbackFile = targets.length === 1 && detected.runner !== 'jest' && detected.runner !== 'vitest' ? targets[0] : undefined;
    const { findings, located, unlocated } = failuresToFindings(failures, { root, runner: detected.runner, agent, ...(fallbackFile ? { fallbackFile } : {}) });
    for (const f of unlocated) result.notices.push(`${detected.runner}: ${f.fullName} failed (no location in the report): ${f.message.split('\n')[0]}`);
    result.findings.push(...findings);
    if (options.bus) {
      for (const [k, finding] of findings.entries()) {
        const failure = located[k];
        await options.bus.publish(
          'error.detected',
          { source: agent, message: finding.message, file: finding.file, line: finding.range.start.line, ...(failure?.stack ? { stack: failure.stack } : {}), fingerprint: finding.fingerprint },
          { source: agent },
        );
      }
    }
  }
  if (used.length > 0) result.runner = used.join('+');
  else if (changed.length > 0 && result.notices.length === 0) result.notices.push(`None of the changed files is a file the detected runner (${runners.map((r) => r.runner).join(', ')}) tests: ${changed.join(', ')}`);
  return result;
}
