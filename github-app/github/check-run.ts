/**
 * The "Orchestra review" check run of one job: found by the job's id (the check run's
 * `external_id`), so a retried or re-delivered job updates its own check run instead of creating a
 * second one; annotations go out in batches of 50, then the run completes.
 */
import { annotationBatches, type Annotation } from '../report/check-run-output.js';
import type { StoredFinding } from '../report/pr-state.js';
import type { Octokit, RepoRef } from './octokit.js';

/** The check run's name on GitHub. */
export const CHECK_NAME = 'Orchestra review';

/** The job's check run, and whether an earlier attempt already completed it. */
export interface JobCheckRun {
  id: number;
  /** Completed by an earlier attempt of the same job: its annotations are final (GitHub appends, never replaces). */
  completed: boolean;
}

/** Finds the check run this job created before (same head, same external id) or creates one, queued. */
export async function findOrCreateCheckRun(octokit: Octokit, repo: RepoRef, headSha: string, externalId: string, detailsUrl?: string): Promise<JobCheckRun> {
  const existing = await octokit.paginate(octokit.rest.checks.listForRef, { ...repo, ref: headSha, check_name: CHECK_NAME, filter: 'all', per_page: 100 });
  const mine = existing.find((run) => run.external_id === externalId);
  if (mine) return { id: mine.id, completed: mine.status === 'completed' };
  const created = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    external_id: externalId,
    status: 'queued',
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  });
  return { id: created.data.id, completed: false };
}

/** Marks the check run in progress. */
export async function startCheckRun(octokit: Octokit, repo: RepoRef, checkRunId: number): Promise<void> {
  await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, status: 'in_progress', started_at: new Date().toISOString() });
}

/** Output of a completed check run. */
export interface CheckRunCompletion {
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'action_required';
  output: { title: string; summary: string; text: string };
  findings?: readonly StoredFinding[];
}

/**
 * Sends the annotations in batches (each request carries the same title and summary, as GitHub
 * requires an output with annotations), then completes the run with the last batch.
 * @returns how many annotations were left out by the per-run cap
 */
export async function completeCheckRun(octokit: Octokit, repo: RepoRef, checkRunId: number, completion: CheckRunCompletion): Promise<number> {
  const { batches, omitted } = annotationBatches(completion.findings ?? []);
  const last: Annotation[] = batches.pop() ?? [];
  for (const annotations of batches) {
    await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, output: { title: completion.output.title, summary: completion.output.summary, annotations } });
  }
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: completion.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...completion.output, ...(last.length > 0 ? { annotations: last } : {}) },
  });
  return omitted;
}
