/**
 * Finds the app's summary comment on a pull request (by its hidden marker, and only if the app
 * wrote it: anyone can paste the marker) and creates or edits it in place.
 */
import { decodeState, type PrState } from '../report/pr-state.js';
import { SUMMARY_MARKER } from '../report/summary-comment.js';
import { findMarkedComment, upsertMarkedComment } from './marked-comment.js';
import type { Octokit, RepoRef } from './octokit.js';

/** The summary comment and the state it carries. */
export interface FoundSummary {
  id: number;
  body: string;
  state: PrState | undefined;
}

/** The first summary comment by `botLogin` on the pull request, if any. */
export async function findSummaryComment(octokit: Octokit, repo: RepoRef, pullNumber: number, botLogin: string): Promise<FoundSummary | undefined> {
  const mine = await findMarkedComment(octokit, repo, pullNumber, botLogin, SUMMARY_MARKER);
  return mine ? { ...mine, state: decodeState(mine.body) } : undefined;
}

/** Edits the existing summary comment, or creates it. */
export async function upsertSummaryComment(octokit: Octokit, repo: RepoRef, pullNumber: number, existing: FoundSummary | undefined, body: string): Promise<number> {
  return upsertMarkedComment(octokit, repo, pullNumber, existing, body);
}
