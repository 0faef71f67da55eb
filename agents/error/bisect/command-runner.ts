/**
 * Runs the build and the test command at the worktree's current commit and says what the run means
 * for bisection. Processes run through the test runner's `runProcess` (own process group; timeout and
 * abort kill the whole group). The build runs once per checkout; a failed build marks the commit
 * `skip` without running the command.
 *
 * Exit codes follow `git bisect run`: 0 good, 125 skip, other codes bad. Two differences: a command
 * killed by a signal or exiting ≥ 128 is bad too (a crash is a failure; there is no "abort the
 * bisection" code, the AbortSignal does that), and a command that cannot start at an old commit
 * (a script that did not exist yet) is a skip. A run that times out is a skip, unless the command
 * also timed out at the bad commit, in which case the timeout is the symptom and counts as bad.
 */
import { runProcess, type RunProcessResult } from '../../review/tests/run-process.js';
import { redactString } from '../../../shared/governance/redact.js';
import { gitFreeEnv } from './git-command.js';
import type { RunEvidence } from './types.js';

const EVIDENCE_CHARS = 2_000;
/** Redaction runs over more than is shown, so a secret cut at the window's edge is still whole when redacted. */
const REDACT_WINDOW = 16_000;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** One run's meaning and its costs. */
export interface RunResult {
  verdict: 'good' | 'bad' | 'skip';
  exitCode: number | null;
  timedOut: boolean;
  /** The run was cut by the search's budget, not by its own timeout: its verdict means nothing. */
  budgetExpired: boolean;
  /** The command ran (false when the build failed or the budget was already spent). */
  ran: boolean;
  build?: 'ok' | 'failed';
  testMs: number;
  buildMs: number;
  evidence: RunEvidence;
  /** Set when the command could not be started. */
  spawnError?: Error;
}

/** Options of {@link CommandRunner}. */
export interface CommandRunnerOptions {
  cwd: string;
  command: readonly string[];
  build?: readonly string[];
  env?: Record<string, string>;
  runTimeoutMs: number;
  /** Epoch ms after which no run may continue (the budget). */
  deadline: number;
  signal?: AbortSignal;
}

/** Runs build + command in one worktree. */
export class CommandRunner {
  /** Command runs so far. */
  testRuns = 0;
  /** Build runs so far. */
  buildRuns = 0;
  testMs = 0;
  buildMs = 0;
  /** Set once the bad commit's run timed out: from then on a timeout is the symptom (bad), not a skip. */
  timeoutIsFailure = false;
  private readonly env: NodeJS.ProcessEnv;
  private readonly built = new Map<string, boolean>();

  constructor(private readonly options: CommandRunnerOptions) {
    this.env = { ...gitFreeEnv(process.env), ...options.env };
  }

  /** Milliseconds left in the budget. */
  remainingMs(): number {
    return this.options.deadline - Date.now();
  }

  /** Runs the build (once per sha) and the command at `sha`, which must be checked out. */
  async run(sha: string): Promise<RunResult> {
    let build: RunResult['build'];
    let buildMs = 0;
    if (this.options.build && this.options.build.length > 0) {
      let ok = this.built.get(sha);
      if (ok === undefined) {
        const started = Date.now();
        const result = await this.exec(this.options.build);
        buildMs = Date.now() - started;
        this.buildRuns++;
        this.buildMs += buildMs;
        if (result.budgetExpired) return this.cut(sha, result, buildMs);
        ok = result.process?.exitCode === 0;
        this.built.set(sha, ok);
        if (!ok) {
          return {
            verdict: 'skip',
            exitCode: null,
            timedOut: result.process?.timedOut ?? false,
            budgetExpired: false,
            ran: false,
            build: 'failed',
            testMs: 0,
            buildMs,
            evidence: evidenceOf(sha, result.process),
          };
        }
      }
      build = ok ? 'ok' : 'failed';
      if (!ok) return { verdict: 'skip', exitCode: null, timedOut: false, budgetExpired: false, ran: false, build, testMs: 0, buildMs, evidence: evidenceOf(sha, undefined) };
    }
    const started = Date.now();
    const result = await this.exec(this.options.command);
    const testMs = Date.now() - started;
    if (result.process) {
      this.testRuns++;
      this.testMs += testMs;
    }
    if (result.budgetExpired) return this.cut(sha, result, buildMs, testMs);
    const run = result.process!;
    return {
      verdict: this.verdictOf(run),
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      budgetExpired: false,
      ran: true,
      ...(build && { build }),
      testMs,
      buildMs,
      evidence: evidenceOf(sha, run),
      ...(run.spawnError && { spawnError: run.spawnError }),
    };
  }

  private verdictOf(run: RunProcessResult): RunResult['verdict'] {
    if (run.spawnError) return 'skip';
    if (run.timedOut) return this.timeoutIsFailure ? 'bad' : 'skip';
    if (run.exitCode === 0) return 'good';
    if (run.exitCode === 125) return 'skip';
    return 'bad';
  }

  private cut(sha: string, result: { process?: RunProcessResult }, buildMs: number, testMs = 0): RunResult {
    return {
      verdict: 'skip',
      exitCode: null,
      timedOut: true,
      budgetExpired: true,
      ran: false,
      testMs,
      buildMs,
      evidence: evidenceOf(sha, result.process),
    };
  }

  /** Runs argv with the smaller of the run timeout and the budget left; says whether the budget cut it. */
  private async exec(argv: readonly string[]): Promise<{ process?: RunProcessResult; budgetExpired: boolean }> {
    const left = this.remainingMs();
    if (left <= 0) return { budgetExpired: true };
    const budgetBound = left < this.options.runTimeoutMs;
    const run = await runProcess({
      command: argv[0]!,
      args: argv.slice(1),
      cwd: this.options.cwd,
      env: this.env,
      timeoutMs: Math.max(1, Math.min(this.options.runTimeoutMs, left)),
      maxOutputBytes: MAX_OUTPUT_BYTES,
      ...(this.options.signal && { signal: this.options.signal }),
    });
    return { process: run, budgetExpired: run.timedOut && budgetBound };
  }
}

/** The redacted tails of a run's output. */
export function evidenceOf(sha: string, run: RunProcessResult | undefined): RunEvidence {
  if (!run) return { sha, exitCode: null, timedOut: false, stdoutTail: '', stderrTail: '', truncated: false };
  const stdout = tailOf(run.stdout);
  const stderr = tailOf(run.spawnError ? `${run.stderr}${run.spawnError.message}` : run.stderr);
  return {
    sha,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    stdoutTail: stdout.text,
    stderrTail: stderr.text,
    truncated: run.truncated || stdout.cut || stderr.cut,
  };
}

function tailOf(text: string): { text: string; cut: boolean } {
  const window = text.length > REDACT_WINDOW ? text.slice(-REDACT_WINDOW) : text;
  const redacted = redactString(window);
  const cut = text.length > REDACT_WINDOW || redacted.length > EVIDENCE_CHARS;
  return { text: redacted.length > EVIDENCE_CHARS ? redacted.slice(-EVIDENCE_CHARS) : redacted, cut };
}
