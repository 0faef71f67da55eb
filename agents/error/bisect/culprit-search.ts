/**
 * The search itself, inside the temporary worktree:
 *
 * 1. **Bad.** Run the command at `bad` (counted). Re-run it `flakeRetries` times (flake runs): a pass
 *    among failures means the test is flaky and nothing is blamed; passes only mean there is nothing to
 *    bisect (`passes-at-bad`). A timeout at `bad` makes timeouts the symptom from then on.
 * 2. **Good.** A given `good` is run once (counted); if it fails, re-runs tell a flaky test from a wrong
 *    `good` (`fails-at-good`). Without one, step back along first parents: bad~1, ~2, ~4, … (each a
 *    probe) until a run passes; the passing probe is the good run (counted), the failing ones are
 *    `discovery` runs, and the nearest failing one becomes the bad end of the bisection, so the probes
 *    are not wasted. The root (or a shallow clone's edge) is probed last; failing there ends the search
 *    (`no-good-ref` / `shallow`).
 * 3. **Bisect.** `git bisect start <bad> <good>`, then `git bisect run` in the worktree (bisect-run.ts):
 *    for each commit git checks out we build (if any; failure → skip), run (0 good, 125 skip, else bad)
 *    and answer git with that verdict. Git picks the commits, so merges and skips are handled by git.
 * 4. **Confirm.** Re-run `flakeRetries` times at the culprit (expect failures) and at its first parent
 *    (expect passes). Any contradiction anywhere → `flaky`.
 *
 * Counting (see `CulpritReport.runs`): `bounded` = 1 (bad) + 1 (good) + bisection runs ≤ ⌈log2 N⌉ + 2
 * for a linear history without skips; flake re-runs and failing probes are reported apart.
 * The budget is checked before every run and bounds each run's timeout; when it runs out the search
 * stops and reports what is left (`partial`).
 */
import { BugIndicatingError, InvalidInputError } from '../../../shared/errors/errors.js';
import { bisectRun } from './bisect-run.js';
import { bisectStart } from './bisect-session.js';
import type { CommandRunner, RunResult } from './command-runner.js';
import { git, gitText } from './git-command.js';
import type { BisectPhase, BisectStep, ImpossibleReason, RunEvidence } from './types.js';

/** Thrown inside the search when the budget ran out; turned into a `partial` report. */
class BudgetSpent extends Error {
  override readonly name = 'BudgetSpent';
}

/** How a run is counted. `probe` becomes `bounded` when it passes and `discovery` otherwise. */
type RunKind = 'bounded' | 'probe' | 'flake';

/** Tally of pass/fail runs at one commit (skips are not counted). */
interface Tally {
  passes: number;
  failures: number;
}

/** What the search ended with; culprit-report.ts turns it into a CulpritReport. */
export type SearchOutcome =
  | { kind: 'found'; culprit: string; confirmCut: boolean }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'flaky' }
  | { kind: 'partial' }
  | { kind: 'impossible'; reason: ImpossibleReason; detail: string };

/** Options of {@link CulpritSearch}. */
export interface CulpritSearchOptions {
  /** The worktree's top folder (git runs here). */
  worktree: string;
  runner: CommandRunner;
  bad: string;
  good?: string;
  flakeRetries: number;
  shallow: boolean;
  signal?: AbortSignal;
  onStep?: (step: BisectStep) => void;
  subjectOf: (sha: string) => Promise<string>;
}

/** One search; read its fields after {@link CulpritSearch.run} for the report. */
export class CulpritSearch {
  readonly tallies = new Map<string, Tally>();
  /** Evidence per commit: the latest failing and passing runs, and the latest run of any kind. */
  readonly evidence = new Map<string, { fail?: RunEvidence; pass?: RunEvidence; last: RunEvidence }>();
  readonly skipped: string[] = [];
  /** Known-good commits marked so far (the given or discovered good first). */
  readonly goods: string[] = [];
  /** The oldest known-bad commit: the bad end of what is left. */
  bad: string;
  /** The good end the bisection started from (for N), once known. */
  startGood: string | undefined;
  runs = { bounded: 0, discovery: 0, flake: 0 };
  private stepIndex = 0;
  private checkedOut: string;
  private lastRunEnd = Date.now();

  constructor(private readonly options: CulpritSearchOptions) {
    this.bad = options.bad;
    this.checkedOut = options.bad;
  }

  /** Commits that both passed and failed. */
  flakyCommits(): { sha: string; passes: number; failures: number }[] {
    return [...this.tallies].filter(([, t]) => t.passes > 0 && t.failures > 0).map(([sha, t]) => ({ sha, ...t }));
  }

  /** Runs the search; rejects only for cancellation, bad input, or git failing. */
  async run(): Promise<SearchOutcome> {
    try {
      return await this.search();
    } catch (error) {
      if (error instanceof BudgetSpent) return { kind: 'partial' };
      throw error;
    }
  }

  private async search(): Promise<SearchOutcome> {
    const { bad } = this.options;
    const atBad = await this.runAt(bad, 'verify-bad', 'bounded');
    if (atBad.spawnError) {
      throw new InvalidInputError(`The command could not be started at the bad commit: ${atBad.spawnError.message}`, { key: 'command' });
    }
    if (atBad.verdict === 'skip') {
      return { kind: 'impossible', reason: 'bad-untestable', detail: `the command cannot be tested at ${short(bad)} (${atBad.build === 'failed' ? 'the build failed' : 'it exited 125'})` };
    }
    await this.repeat(bad, 'verify-bad', this.options.flakeRetries);
    if (this.isFlaky()) return { kind: 'flaky' };
    if (atBad.verdict === 'good') {
      const t = this.tallies.get(bad);
      return { kind: 'impossible', reason: 'passes-at-bad', detail: `the command passes at ${short(bad)} (${t?.passes ?? 1} of ${t?.passes ?? 1} runs): there is no failure to bisect` };
    }

    if (this.options.good !== undefined) {
      const good = this.options.good;
      const atGood = await this.runAt(good, 'verify-good', 'bounded');
      if (atGood.verdict === 'bad') {
        await this.repeat(good, 'verify-good', Math.max(this.options.flakeRetries, 1));
        if (this.isFlaky()) return { kind: 'flaky' };
        return { kind: 'impossible', reason: 'fails-at-good', detail: `the command fails at the good commit ${short(good)} too: choose an older good commit, or leave it out to search for one` };
      }
      this.goods.push(good);
    } else {
      const found = await this.discoverGood();
      if (found.kind !== 'good') return found;
      this.goods.push(found.sha);
    }
    this.startGood = this.goods[0];

    const started = await bisectStart(this.options.worktree, this.bad, this.goods, this.options.signal);
    const state =
      started.kind !== 'test'
        ? started
        : await bisectRun({
            cwd: this.options.worktree,
            first: started,
            ...(this.options.signal && { signal: this.options.signal }),
            decide: async (step) => {
              // git checked the commit out itself.
              this.checkedOut = step.sha;
              let result: RunResult;
              try {
                result = await this.runAt(step.sha, 'bisect', 'bounded', step);
              } catch (error) {
                if (error instanceof BudgetSpent) return 'stop';
                throw error;
              }
              if (result.verdict === 'bad') this.bad = step.sha;
              else if (result.verdict === 'good') this.goods.push(step.sha);
              return result.verdict;
            },
          });
    if (state.kind === 'stopped') throw new BudgetSpent();
    if (state.kind === 'only-skipped') return { kind: 'ambiguous', candidates: state.candidates };
    if (state.kind === 'test') throw new BugIndicatingError('git bisect ended with a commit still to test');
    // Whatever git left checked out: a re-run checks its commit out first.
    this.checkedOut = '';

    const culprit = state.sha;
    this.bad = culprit;
    const confirmCut = await this.confirm(culprit);
    if (this.isFlaky()) return { kind: 'flaky' };
    return { kind: 'found', culprit, confirmCut };
  }

  /** Re-runs at the culprit and its first parent; true when the budget cut the confirmation short. */
  private async confirm(culprit: string): Promise<boolean> {
    const [, parent] = (await gitText(['rev-list', '--parents', '--max-count=1', culprit], { cwd: this.options.worktree, ...(this.options.signal && { signal: this.options.signal }) })).split(' ');
    try {
      await this.repeat(culprit, 'confirm-culprit', this.options.flakeRetries);
      if (this.isFlaky() || parent === undefined) return false;
      // The parent needs at least one run for its evidence (with merges it may never have been tested).
      const extra = this.evidence.has(parent) ? 0 : 1;
      await this.repeat(parent, 'confirm-parent', this.options.flakeRetries + extra);
      return false;
    } catch (error) {
      if (error instanceof BudgetSpent) return true;
      throw error;
    }
  }

  /** Steps back bad~1, ~2, ~4, … (first parents) until the command passes. */
  private async discoverGood(): Promise<{ kind: 'good'; sha: string } | Extract<SearchOutcome, { kind: 'impossible' }>> {
    const { bad, worktree, signal } = this.options;
    const depth = Number(await gitText(['rev-list', '--first-parent', '--count', bad], { cwd: worktree, ...(signal && { signal }) }));
    const edge = this.options.shallow ? 'shallow' : 'no-good-ref';
    const MAX_PROBES = 20; // 2^19 commits back at most
    let last = bad;
    for (let probe = 0, k = 1; probe < MAX_PROBES && depth > 1; probe++, k *= 2) {
      const atEdge = k >= depth - 1;
      const distance = atEdge ? depth - 1 : k;
      const found = await git(['log', '-1', '--format=%H%x00%s', '--end-of-options', `${bad}~${distance}`], { cwd: worktree, okCodes: [0, 128], ...(signal && { signal }) });
      const [sha, subject] = found.stdout.trim().split('\0');
      if (found.exitCode !== 0 || !sha) break;
      last = sha;
      const result = await this.runAt(sha, 'probe', 'probe', { subject: subject ?? '' });
      if (result.verdict === 'good') return { kind: 'good', sha };
      if (result.verdict === 'bad') this.bad = sha;
      if (atEdge) {
        const what = edge === 'shallow' ? 'the edge of this shallow clone' : 'the first commit';
        return { kind: 'impossible', reason: edge, detail: `stepping back to ${what} (${short(sha)}, ${distance} commits before ${short(bad)}) found no commit where the command passes` };
      }
    }
    if (depth <= 1) return { kind: 'impossible', reason: edge, detail: `${short(bad)} has no parent to compare with` };
    return { kind: 'impossible', reason: 'no-good-ref', detail: `no passing commit within ${MAX_PROBES} probes (back to ${short(last)}): give a good commit` };
  }

  /** Runs `times` more times at `sha`, stopping as soon as both outcomes were seen there. */
  private async repeat(sha: string, phase: BisectPhase, times: number): Promise<void> {
    for (let i = 0; i < times && !this.isMixed(sha); i++) await this.runAt(sha, phase, 'flake');
  }

  private isFlaky(): boolean {
    for (const t of this.tallies.values()) if (t.passes > 0 && t.failures > 0) return true;
    return false;
  }

  private isMixed(sha: string): boolean {
    const t = this.tallies.get(sha);
    return t !== undefined && t.passes > 0 && t.failures > 0;
  }

  private tally(sha: string, verdict: RunResult['verdict']): void {
    if (verdict === 'skip') return;
    const t = this.tallies.get(sha) ?? { passes: 0, failures: 0 };
    if (verdict === 'good') t.passes++;
    else t.failures++;
    this.tallies.set(sha, t);
  }

  /** Checks out `sha` if needed, runs build + command, records and reports the step. */
  private async runAt(sha: string, phase: BisectPhase, kind: RunKind, bisecting?: { remaining?: number; subject?: string }): Promise<RunResult> {
    const { worktree, runner, signal } = this.options;
    if (this.checkedOut !== sha) {
      await git(['checkout', '--quiet', '--detach', '--force', sha], { cwd: worktree, ...(signal && { signal }) });
      this.checkedOut = sha;
    }
    const overheadMs = Date.now() - this.lastRunEnd;
    let result = await runner.run(sha);
    this.lastRunEnd = Date.now();
    if (result.budgetExpired) throw new BudgetSpent();
    if (phase === 'verify-bad' && this.stepIndex === 0 && result.timedOut && result.ran) {
      // The symptom is a hang: from now on a timeout is a failure, not a skip.
      runner.timeoutIsFailure = true;
      result = { ...result, verdict: 'bad' };
    }
    const counted = kind === 'bounded' || (kind === 'probe' && result.verdict === 'good');
    if (result.ran) {
      if (kind === 'flake') this.runs.flake++;
      else if (counted) this.runs.bounded++;
      else this.runs.discovery++;
    }
    this.tally(sha, result.verdict);
    this.remember(sha, result);
    if (result.verdict === 'skip' && !this.skipped.includes(sha)) this.skipped.push(sha);
    this.stepIndex++;
    const step: BisectStep = {
      index: this.stepIndex,
      phase,
      sha,
      subject: bisecting?.subject ?? (await this.options.subjectOf(sha)),
      verdict: result.verdict,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      ...(result.build && { build: result.build }),
      counted: counted && result.ran,
      testMs: result.testMs,
      buildMs: result.buildMs,
      overheadMs,
      ...(bisecting?.remaining !== undefined && { remaining: bisecting.remaining }),
    };
    this.options.onStep?.(step);
    return result;
  }

  private remember(sha: string, result: RunResult): void {
    const entry = this.evidence.get(sha) ?? { last: result.evidence };
    entry.last = result.evidence;
    if (result.verdict === 'bad') entry.fail = result.evidence;
    if (result.verdict === 'good') entry.pass = result.evidence;
    this.evidence.set(sha, entry);
  }
}

/** The abbreviated sha for messages. */
export function short(sha: string): string {
  return sha.slice(0, 10);
}
