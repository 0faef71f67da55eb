/**
 * Comments the app keeps one of per pull request (the summary, a workflow's triage) are found again
 * by a hidden marker and edited in place. Only the app's own comments count: anyone can paste a
 * marker into a comment of theirs.
 */
import type { Octokit, RepoRef } from './octokit.js';

/** A comment of the app's, found by its marker. */
export interface MarkedComment {
  id: number;
  body: string;
}

/** The first comment by `botLogin` on the pull request whose body holds `marker`, if any. */
export async function findMarkedComment(octokit: Octokit, repo: RepoRef, pullNumber: number, botLogin: string, marker: string): Promise<MarkedComment | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: pullNumber, per_page: 100 });
  const mine = comments.find((c) => c.user?.login === botLogin && typeof c.body === 'string' && c.body.includes(marker));
  return mine ? { id: mine.id, body: mine.body ?? '' } : undefined;
}

/** Edits the existing comment, or creates it; returns its id. */
export async function upsertMarkedComment(octokit: Octokit, repo: RepoRef, pullNumber: number, existing: { id: number } | undefined, body: string): Promise<number> {
  if (existing) {
    await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return existing.id;
  }
  const created = await octokit.rest.issues.createComment({ ...repo, issue_number: pullNumber, body });
  return created.data.id;
}
