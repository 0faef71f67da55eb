/**
 * Turns a finished {@link CulpritSearch} into a {@link CulpritReport}: commit details, the range
 * left, the evidence and a confidence with its reason.
 *
 * Confidence of a `found` culprit: the chance that a test failing half the time at random would NOT
 * have looked this consistent, `1 − 0.5^(failures at the culprit + passes at its parent)`, capped
 * at 0.99 (one run each: 0.75; with the default two re-runs each: 0.98). A merge commit as culprit is
 * scaled by 0.85 (the regression may come from how its parents combine, not from one change).
 */
import { readCommits, toCommitInfo, type CommitWithParents } from './commit-info.js';
import { short, type CulpritSearch, type SearchOutcome } from './culprit-search.js';
import { git, gitText } from './git-command.js';
import type { CommitInfo, CulpritReport, RunEvidence } from './types.js';

/** What the report needs besides the search. */
export interface ReportContext {
  cwd: string;
  /** The bad commit the caller named (resolved). */
  bad: string;
  flakeRetries: number;
  runner: { testRuns: number; buildRuns: number; testMs: number; buildMs: number; timeoutIsFailure: boolean };
  startedAt: number;
  signal?: AbortSignal;
}

/** Builds the report. */
export async function buildReport(search: CulpritSearch, outcome: SearchOutcome, context: ReportContext): Promise<CulpritReport> {
  const { cwd, signal } = context;
  const found = outcome.kind === 'found';
  const wanted = [...search.skipped, ...(found ? [outcome.culprit] : []), ...(outcome.kind === 'ambiguous' ? outcome.candidates : [])];
  const commits = await readCommits(cwd, wanted, signal);
  const info = (sha: string): CommitInfo => {
    const commit = commits.get(sha);
    return commit ? toCommitInfo(commit) : { sha, short: short(sha), subject: '', author: { name: '', email: '' }, date: '' };
  };
  const commitsInRange = await countCommits(cwd, context.bad, search.startGood === undefined ? [] : [search.startGood], signal);
  // For a culprit, what is left is the culprit itself, between its parents and it.
  const nearestGoods = found ? (commits.get(outcome.culprit)?.parents ?? []) : await independent(cwd, search.goods, signal);
  const remaining = found ? 1 : await countCommits(cwd, search.bad, nearestGoods, signal);

  const totalMs = Date.now() - context.startedAt;
  const { runner } = context;
  const target = Math.ceil(Math.log2(Math.max(1, commitsInRange))) + 2;
  const base = {
    candidates: [] as CommitInfo[],
    evidence: {} as CulpritReport['evidence'],
    runs: { total: runner.testRuns, bounded: search.runs.bounded, discovery: search.runs.discovery, flake: search.runs.flake, build: runner.buildRuns, target },
    range: {
      good: nearestGoods,
      bad: search.bad,
      commits: commitsInRange,
      remaining,
      text: rangeText(nearestGoods, search.bad, remaining),
    },
    skipped: search.skipped.map(info),
    timing: { totalMs, testMs: runner.testMs, buildMs: runner.buildMs, overheadMs: Math.max(0, totalMs - runner.testMs - runner.buildMs) },
  };
  const badEvidence = pick(search, context.bad, 'fail');
  const runsText = `${runner.testRuns} run${runner.testRuns === 1 ? '' : 's'}`;

  switch (outcome.kind) {
    case 'found': {
      const culprit = info(outcome.culprit);
      const commit = commits.get(outcome.culprit)!;
      const parent = commit.parents[0];
      const confidence = confidenceOf(search, commit, parent, context, outcome.confirmCut);
      return {
        ...base,
        status: 'found',
        summary: `${culprit.short} "${culprit.subject}" by ${culprit.author.name} is the first commit where the command fails (${runsText}).`,
        culprit,
        candidates: [culprit],
        confidence,
        evidence: {
          culprit: pick(search, outcome.culprit, 'fail'),
          ...(parent !== undefined && { parent: pick(search, parent, 'pass') }),
          ...(badEvidence && { bad: badEvidence }),
        },
      };
    }
    case 'ambiguous': {
      const candidates = outcome.candidates.map(info);
      return {
        ...base,
        status: 'ambiguous',
        summary: `The first failing commit is one of ${candidates.length} that could not all be tested: ${candidates.map((c) => c.short).join(', ')}.`,
        candidates,
        confidence: { value: round(1 / Math.max(1, candidates.length)), reason: `${candidates.length} candidates remain because commits around them were skipped (exit 125 or a failed build)` },
        evidence: { ...(badEvidence && { bad: badEvidence }) },
      };
    }
    case 'flaky': {
      const flaky = search.flakyCommits();
      const passes = flaky.reduce((n, c) => n + c.passes, 0);
      const failures = flaky.reduce((n, c) => n + c.failures, 0);
      const where = flaky.map((c) => `${short(c.sha)} passed ${c.passes} and failed ${c.failures} times`).join('; ');
      const failing = flaky[0] ? pick(search, flaky[0].sha, 'fail') : undefined;
      return {
        ...base,
        status: 'flaky',
        summary: `The command is flaky: ${where}. No commit is blamed.`,
        confidence: { value: 0.95, reason: `the same code gave both results (${where}), so the failure is intermittent rather than introduced by a commit` },
        flaky: { passes, failures, commits: flaky },
        evidence: { ...(failing && { bad: failing }) },
      };
    }
    case 'partial':
      return {
        ...base,
        status: 'partial',
        summary: `The time budget ran out after ${runsText}: the first failing commit lies ${base.range.text}.`,
        confidence: { value: 0, reason: `the budget ran out; ${remaining} commit${remaining === 1 ? '' : 's'} still in question` },
        evidence: { ...(badEvidence && { bad: badEvidence }) },
      };
    case 'impossible': {
      const evidence = badEvidence ?? pick(search, context.bad, 'any');
      return {
        ...base,
        status: 'impossible',
        summary: `Cannot bisect: ${outcome.detail}. Rank suspects by blame of the faulting lines instead (rankSuspects).`,
        confidence: { value: 0, reason: outcome.detail },
        impossible: { reason: outcome.reason, detail: outcome.detail },
        evidence: { ...(evidence && { bad: evidence }) },
      };
    }
  }
}

function confidenceOf(
  search: CulpritSearch,
  commit: CommitWithParents,
  parent: string | undefined,
  context: ReportContext,
  confirmCut: boolean,
): { value: number; reason: string } {
  const failures = search.tallies.get(commit.sha)?.failures ?? 0;
  const passes = parent === undefined ? 0 : (search.tallies.get(parent)?.passes ?? 0);
  let value = Math.min(0.99, 1 - 0.5 ** (failures + passes));
  const reasons = [`failed ${failures} of ${failures} runs at ${commit.short}`];
  if (parent !== undefined) reasons.push(passes > 0 ? `passed ${passes} of ${passes} at its parent ${short(parent)}` : `its parent ${short(parent)} could not be tested`);
  if (context.flakeRetries === 0) reasons.push('not re-run (flakeRetries is 0)');
  if (confirmCut) reasons.push('the re-runs were cut short by the budget');
  if (commit.parents.length > 1) {
    value *= 0.85;
    reasons.push('it is a merge: the regression may come from how its parents combine');
  }
  if (context.runner.timeoutIsFailure) reasons.push('the failure is a timeout');
  return { value: round(value), reason: reasons.join('; ') };
}

/** The evidence of a run at `sha`: the wanted kind if there is one, else the latest. */
function pick(search: CulpritSearch, sha: string, kind: 'fail' | 'pass' | 'any'): RunEvidence | undefined {
  const entry = search.evidence.get(sha);
  if (!entry) return undefined;
  if (kind === 'fail') return entry.fail ?? entry.last;
  if (kind === 'pass') return entry.pass ?? entry.last;
  return entry.last;
}

function rangeText(goods: readonly string[], bad: string, remaining: number): string {
  const left = `${remaining} commit${remaining === 1 ? '' : 's'} in question`;
  if (goods.length === 0) return `at or before ${short(bad)} (no passing commit found yet; ${left})`;
  return `between ${goods.map(short).join(', ')} (good) and ${short(bad)} (bad): ${left}`;
}

/** The goods that are not ancestors of other goods: the good edge of what is left. */
async function independent(cwd: string, goods: readonly string[], signal?: AbortSignal): Promise<string[]> {
  if (goods.length <= 1) return [...goods];
  return (await gitText(['merge-base', '--independent', ...goods], { cwd, ...(signal && { signal }) })).split('\n').filter(Boolean);
}

async function countCommits(cwd: string, bad: string, goods: readonly string[], signal?: AbortSignal): Promise<number> {
  const result = await git(['rev-list', '--count', bad, ...(goods.length > 0 ? ['--not', ...goods] : [])], { cwd, ...(signal && { signal }) });
  return Number(result.stdout.trim());
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
