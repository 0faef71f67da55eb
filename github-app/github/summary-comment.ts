/**
 * Finds the app's summary comment on a pull request (by its hidden marker, and only if the app
 * wrote it: anyone can paste the marker) and creates or edits it in place.
 */
import { decodeState, type PrState } from '../report/pr-state.js';
import { SUMMARY_MARKER } from '../report/summary-comment.js';
import type { Octokit, RepoRef } from './octokit.js';

/** The summary comment and the state it carries. */
export interface FoundSummary {
  id: number;
  body: string;
  state: PrState | undefined;
}

/** The first summary comment by `botLogin` on the pull request, if any. */
export async function findSummaryComment(octokit: Octokit, repo: RepoRef, pullNumber: number, botLogin: string): Promise<FoundSummary | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: pullNumber, per_page: 100 });
  const mine = comments.find((c) => c.user?.login === botLogin && typeof c.body === 'string' && c.body.includes(SUMMARY_MARKER));
  return mine ? { id: mine.id, body: mine.body ?? '', state: decodeState(mine.body ?? '') } : undefined;
}

/** Edits the existing summary comment, or creates it. */
export async function upsertSummaryComment(octokit: Octokit, repo: RepoRef, pullNumber: number, existing: FoundSummary | undefined, body: string): Promise<number> {
  if (existing) {
    await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return existing.id;
  }
  const created = await octokit.rest.issues.createComment({ ...repo, issue_number: pullNumber, body });
  return created.data.id;
}
