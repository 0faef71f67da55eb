/**
 * The two GraphQL requests the GitHub App makes, answered from the fake's state: listing a pull
 * request's review threads and resolving one. Any other query is answered with a GraphQL error
 * (GitHub's shape: HTTP 200 with `errors`), so an unexpected query fails the test loudly.
 */
import type { FakeGithubState } from './fake-github-state.js';

/** A GraphQL answer: HTTP status and JSON body. */
export interface GraphqlReply {
  status: number;
  json: unknown;
}

/** The id GitHub would give the thread that a top-level review comment opened. */
export function threadIdOf(commentId: number): string {
  return `PRRT_${commentId}`;
}

function pick(variables: Record<string, unknown>, query: string, names: string[]): string | undefined {
  for (const name of names) {
    const value = variables[name];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    // Literal arguments in the query text, e.g. `threadId: "PRRT_1"` or `number: 3`.
    const literal = new RegExp(`\\b${name}\\s*:\\s*"?([\\w.-]+)"?`).exec(query);
    if (literal?.[1]) return literal[1];
  }
  return undefined;
}

function listThreads(state: FakeGithubState, owner: string, repo: string, number: number) {
  const comments = state.reviewCommentsOf(owner, repo, number);
  const nodes = comments
    .filter((c) => c.in_reply_to_id === undefined)
    .map((root) => {
      const thread = [root, ...comments.filter((c) => c.in_reply_to_id === root.id)];
      return {
        id: threadIdOf(root.id),
        isResolved: state.resolvedThreads.has(threadIdOf(root.id)),
        isOutdated: false,
        path: root.path,
        line: root.line,
        comments: {
          totalCount: thread.length,
          nodes: thread.map((c) => ({ id: `PRRC_${c.id}`, databaseId: c.id, body: c.body, path: c.path, line: c.line, author: { login: c.user.replace(/\[bot\]$/, '') } })),
        },
      };
    });
  return { totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes };
}

/** Answers a validated GraphQL request (`{ query, variables? }`). */
export function handleGraphql(state: FakeGithubState, body: { query: string; variables?: Record<string, unknown> | null }): GraphqlReply {
  const { query } = body;
  const variables = body.variables ?? {};
  if (/\bresolveReviewThread\b/.test(query)) {
    const threadId = pick(variables, query, ['threadId', 'id']);
    const rootId = threadId?.startsWith('PRRT_') ? Number(threadId.slice(5)) : NaN;
    const root = state.reviewComments.find((c) => c.id === rootId && c.in_reply_to_id === undefined);
    if (!threadId || !root) {
      return { status: 200, json: { data: { resolveReviewThread: null }, errors: [{ type: 'NOT_FOUND', path: ['resolveReviewThread'], message: `Could not resolve to a node with the global id of '${String(threadId)}'` }] } };
    }
    state.resolvedThreads.add(threadId);
    return { status: 200, json: { data: { resolveReviewThread: { thread: { id: threadId, isResolved: true } } } } };
  }
  if (/\breviewThreads\b/.test(query)) {
    const owner = pick(variables, query, ['owner']);
    const repo = pick(variables, query, ['repo', 'name']);
    const number = Number(pick(variables, query, ['number', 'pullNumber', 'pull_number', 'pr']));
    const pull = owner && repo ? state.getPullRequest(owner, repo, number) : undefined;
    if (!owner || !repo || !pull) {
      return { status: 200, json: { data: { repository: null }, errors: [{ type: 'NOT_FOUND', message: `Could not resolve pull request ${String(owner)}/${String(repo)}#${number}` }] } };
    }
    return { status: 200, json: { data: { repository: { pullRequest: { id: `PR_${number}`, reviewThreads: listThreads(state, owner, repo, number) } } } } };
  }
  return { status: 200, json: { errors: [{ message: 'The fake GitHub answers only reviewThreads queries and resolveReviewThread mutations' }] } };
}
