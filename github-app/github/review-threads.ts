/**
 * What the app already said inline on a pull request (fingerprints carried by its review
 * comments), and resolving the threads whose finding has gone. Listing and resolving threads needs
 * GraphQL: the REST API has no "resolve".
 */
import { fingerprintOfComment } from '../report/inline-comments.js';
import type { Octokit, RepoRef } from './octokit.js';

/** Fingerprints of findings the app has commented on (any past push). */
export async function postedFingerprints(octokit: Octokit, repo: RepoRef, pullNumber: number, botLogin: string): Promise<Set<string>> {
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { ...repo, pull_number: pullNumber, per_page: 100 });
  const out = new Set<string>();
  for (const c of comments) {
    if (c.user?.login !== botLogin) continue;
    const fp = fingerprintOfComment(c.body);
    if (fp) out.add(fp);
  }
  return out;
}

interface ThreadsPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { id: string; isResolved: boolean; comments: { nodes: { body: string; author: { login: string } | null }[] } }[];
      };
    } | null;
  } | null;
}

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { body author { login } } } }
      }
    }
  }
}`;

const RESOLVE_MUTATION = `mutation($threadId: ID!) { resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } } }`;

/**
 * Resolves the app's open threads whose fingerprint is not in `current`.
 * @returns how many threads were resolved
 */
export async function resolveGoneThreads(octokit: Octokit, repo: RepoRef, pullNumber: number, botLogin: string, current: ReadonlySet<string>): Promise<number> {
  const login = botLogin.replace(/\[bot\]$/, '');
  const toResolve: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const data: ThreadsPage = await octokit.graphql<ThreadsPage>(THREADS_QUERY, { ...repo, number: pullNumber, cursor });
    const threads = data.repository?.pullRequest?.reviewThreads;
    if (!threads) break;
    for (const thread of threads.nodes) {
      const first = thread.comments.nodes[0];
      if (thread.isResolved || !first || first.author?.login !== login) continue;
      const fp = fingerprintOfComment(first.body);
      if (fp && !current.has(fp)) toResolve.push(thread.id);
    }
    if (!threads.pageInfo.hasNextPage) break;
    cursor = threads.pageInfo.endCursor;
  }
  for (const threadId of toResolve) await octokit.graphql(RESOLVE_MUTATION, { threadId });
  return toResolve.length;
}
