/**
 * One triage job, as a worker runs it: a failed workflow run attempt → the pull requests whose head
 * it ran on → its failed jobs (jobs API) → each job's log (bounded) → the error swarm's `triage()`
 * with files read through the API at the run's commit → a suspect commit per pull request → one
 * comment per pull request and workflow, edited in place. The app never checks out or runs the
 * repository's code. Safe to repeat: the comment is found again by its marker, and a comment that
 * already shows a later run or attempt is left alone.
 */
import { triage } from '../../agents/error/triage.js';
import type { TriageReport } from '../../agents/error/types.js';
import { CancelledError, errorMessage } from '../../shared/errors/errors.js';
import { findMarkedComment, upsertMarkedComment } from '../github/marked-comment.js';
import { statusOf, type Octokit, type RepoRef } from '../github/octokit.js';
import { downloadJobLog, RunLogArchive } from './job-logs.js';
import { createRepoReader, detectWorkspaceRoot, fetchTree, type RepoTree } from './repo-files.js';
import { CommitReader, findSuspect, type SuspectSearch, type TrackedLine } from './suspect-commit.js';
import { isLaterRun, parseTriageMarker, redactReport, renderTriageComment, workflowMarker, type JobTriage, type TriageMark } from './triage-comment.js';
import type { TriageJobData } from './workflow-run-event.js';

/** Failed jobs triaged per run at most (a matrix can fail dozens of times the same way). */
export const MAX_JOBS_TRIAGED = 5;
/** Error groups triaged per job. */
const ITEMS_PER_JOB = 3;
/** Pull requests commented on per run at most. */
const MAX_PULLS = 5;

/** What a finished triage job reports (small: it may be stored in Redis and published on the bus). */
export interface TriageJobResult {
  pullRequests: number[];
  /** Comments created or edited. */
  comments: number;
  jobsTriaged: number;
  /** Why nothing was posted, when nothing was. */
  skipped?: string;
}

/** What a job needs besides its data. */
export interface TriageJobDeps {
  octokit: Octokit;
  /** The app's bot login, `slug[bot]`: only its comments are trusted as the app's. */
  botLogin: string;
  signal?: AbortSignal;
}

/** Open pull requests of this repository whose head is the run's commit. */
async function targetPulls(octokit: Octokit, repo: RepoRef, data: TriageJobData): Promise<number[]> {
  const out: number[] = [];
  if (data.pullNumbers.length > 0) {
    for (const number of data.pullNumbers.slice(0, MAX_PULLS)) {
      try {
        const pull = (await octokit.rest.pulls.get({ ...repo, pull_number: number })).data;
        // A newer push has its own run: a comment about an older commit would be stale.
        if (pull.state === 'open' && pull.head.sha === data.headSha) out.push(number);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    return out;
  }
  // Runs of pull requests from forks list no pull request: find them by the head commit.
  const associated = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: data.headSha, per_page: 100 });
  const fullName = `${data.owner}/${data.repo}`.toLowerCase();
  for (const pull of associated.data) {
    if (pull.state === 'open' && pull.head.sha === data.headSha && pull.base.repo.full_name.toLowerCase() === fullName) out.push(pull.number);
  }
  return out.slice(0, MAX_PULLS);
}

/** True when the pull request's triage comment of this workflow shows a later run or attempt than `mark`. */
async function showsLaterRun(octokit: Octokit, repo: RepoRef, number: number, botLogin: string, mark: TriageMark): Promise<boolean> {
  const existing = await findMarkedComment(octokit, repo, number, botLogin, workflowMarker(mark.workflowId));
  const shown = existing ? parseTriageMarker(existing.body) : undefined;
  return shown !== undefined && isLaterRun(shown, mark);
}

type WorkflowJob = Awaited<ReturnType<Octokit['rest']['actions']['listJobsForWorkflowRun']>>['data']['jobs'][number];

function failingStep(job: WorkflowJob): string | undefined {
  const steps = job.steps ?? [];
  return (steps.find((s) => s.conclusion === 'failure' || s.conclusion === 'timed_out') ?? steps.find((s) => s.conclusion === 'cancelled'))?.name;
}

/** Lines to follow through the pull request's commits: the failing line, then callers in the repository's code. */
function trackedLines(report: TriageReport | undefined): TrackedLine[] {
  const item = report?.items.find((i) => i.fault);
  if (!item?.fault) return [];
  const lines: TrackedLine[] = [{ file: item.fault.file, line: item.fault.line, role: 'fault' }];
  for (const c of item.candidates) {
    if (lines.length >= 4) break;
    if (!lines.some((l) => l.file === c.file && l.line === c.line)) lines.push({ file: c.file, line: c.line, role: 'caller' });
  }
  return lines;
}

/** Runs one triage job. */
export async function runTriageJob(data: TriageJobData, deps: TriageJobDeps): Promise<TriageJobResult> {
  const { octokit, signal } = deps;
  const repo: RepoRef = { owner: data.owner, repo: data.repo };
  const result: TriageJobResult = { pullRequests: [], comments: 0, jobsTriaged: 0 };

  // Whom to tell first: a run no open pull request points at (a push to main), or one whose pull
  // requests already show a later run of the workflow, costs no log download.
  const mark = { workflowId: data.workflowId, runId: data.runId, attempt: data.runAttempt };
  const heads = await targetPulls(octokit, repo, data);
  if (heads.length === 0) return { ...result, skipped: 'no open pull request has this run’s commit as its head' };
  const pulls: number[] = [];
  for (const number of heads) if (!(await showsLaterRun(octokit, repo, number, deps.botLogin, mark))) pulls.push(number);
  if (pulls.length === 0) return { ...result, skipped: 'the pull requests already show a later run of this workflow' };
  result.pullRequests = pulls;

  const allJobs: WorkflowJob[] = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, { ...repo, run_id: data.runId, filter: 'latest', per_page: 100 });
  if (allJobs.some((j) => (j.run_attempt ?? data.runAttempt) > data.runAttempt)) return { ...result, skipped: `attempt ${data.runAttempt} was re-run; the newer attempt is triaged instead` };
  const failed = allJobs.filter((j) => j.conclusion === 'failure' || j.conclusion === 'timed_out' || (data.conclusion === 'timed_out' && j.conclusion === 'cancelled'));
  if (failed.length === 0) return { ...result, skipped: 'the run has no failed job (it may have failed before any job started)' };

  const archive = new RunLogArchive(octokit, repo, data.runId, signal);
  let tree: Promise<RepoTree> | undefined;
  // One reader per workspace root, shared by the jobs: a file the stack names is fetched once per run.
  const readers = new Map<string, ReturnType<typeof createRepoReader>>();
  const jobs: JobTriage[] = [];
  for (const job of failed.slice(0, MAX_JOBS_TRIAGED)) {
    signal?.throwIfAborted();
    const step = failingStep(job);
    const log = await downloadJobLog(octokit, repo, { id: job.id, name: job.name }, archive, signal);
    const entry: JobTriage = { id: job.id, name: job.name, ...(job.html_url ? { htmlUrl: job.html_url } : {}), conclusion: job.conclusion ?? 'failure', ...(step ? { step } : {}), log };
    if (log.ok) {
      tree ??= fetchTree(octokit, repo, data.headSha);
      const files = await tree;
      const root = detectWorkspaceRoot(log.text, files, data.repo);
      const reader = readers.get(root) ?? createRepoReader(octokit, repo, data.headSha, root, files);
      readers.set(root, reader);
      try {
        entry.report = redactReport(await triage(log.text, { root, readFile: reader.readFile, maxItems: ITEMS_PER_JOB, ...(signal ? { signal } : {}) }));
      } catch (error) {
        if (error instanceof CancelledError || signal?.aborted) throw error;
        // A log the analyzer chokes on must not cost the people on the pull request the rest: job, step, link.
        entry.analysisError = errorMessage(error).slice(0, 300);
      }
    }
    jobs.push(entry);
  }
  result.jobsTriaged = jobs.length;
  const omittedJobs = failed.slice(MAX_JOBS_TRIAGED).map((j) => j.name);

  const commits = new CommitReader(octokit, repo);
  for (const number of pulls) {
    signal?.throwIfAborted();
    const suspects = new Map<number, SuspectSearch>();
    for (const job of jobs) {
      const lines = trackedLines(job.report);
      if (lines.length > 0) suspects.set(job.id, await findSuspect(number, lines, commits));
    }
    const body = renderTriageComment({ run: data, jobs, omittedJobs, suspects });
    // Looked up again right before writing: another job may have posted a later run meanwhile.
    const existing = await findMarkedComment(octokit, repo, number, deps.botLogin, workflowMarker(data.workflowId));
    const shown = existing ? parseTriageMarker(existing.body) : undefined;
    if (shown && isLaterRun(shown, mark)) continue;
    await upsertMarkedComment(octokit, repo, number, existing, body);
    result.comments++;
  }
  return result;
}
