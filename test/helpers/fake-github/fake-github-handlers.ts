/**
 * Answers of the fake GitHub, one per operation of the subset, built from {@link FakeGithubState} so
 * that responses look like GitHub's: apps, pull requests, reviews, issue comments and GraphQL here,
 * repository resources in ./fake-github-repo-handlers.ts. Bodies are read with the shapes the
 * OpenAPI subset guarantees, since Ajv validated them first.
 */
import { diffLines, type FakeGithubState, type FakeIssueComment, type FakeReview, type FakeReviewComment } from './fake-github-state.js';
import { handleGraphql } from './fake-github-graphql.js';
import { fakeGithubActionsHandlers } from './fake-github-actions-handlers.js';
import { fakeGithubRepoHandlers } from './fake-github-repo-handlers.js';
import { fileJson, notFound, now, paginate, repoOf, sha1, unprocessable, user, type Handler, type HandlerContext } from './fake-github-reply.js';

function issueCommentJson(ctx: HandlerContext, c: FakeIssueComment) {
  const { api, html } = repoOf(ctx);
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${html}/issues/${c.issue_number}#issuecomment-${c.id}`,
    issue_url: `${api}/issues/${c.issue_number}`,
    body: c.body,
    user: user(c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: c.user.endsWith('[bot]') ? 'NONE' : 'MEMBER',
  };
}

function reviewCommentJson(ctx: HandlerContext, c: FakeReviewComment) {
  const { api, html } = repoOf(ctx);
  return {
    id: c.id,
    node_id: `PRRC_${c.id}`,
    pull_request_review_id: c.review_id,
    in_reply_to_id: c.in_reply_to_id,
    url: `${api}/pulls/comments/${c.id}`,
    html_url: `${html}/pull/${c.pull_number}#discussion_r${c.id}`,
    pull_request_url: `${api}/pulls/${c.pull_number}`,
    diff_hunk: '',
    path: c.path,
    line: c.line,
    start_line: c.start_line,
    side: c.side,
    commit_id: c.commit_id,
    original_commit_id: c.commit_id,
    body: c.body,
    user: user(c.user),
    created_at: c.created_at,
    updated_at: c.created_at,
    author_association: 'NONE',
  };
}

function reviewJson(ctx: HandlerContext, r: FakeReview) {
  const { api, html } = repoOf(ctx);
  return {
    id: r.id,
    node_id: `PRR_${r.id}`,
    body: r.body,
    state: r.state,
    commit_id: r.commit_id,
    user: user(r.user),
    submitted_at: r.submitted_at,
    html_url: `${html}/pull/${r.pull_number}#pullrequestreview-${r.id}`,
    pull_request_url: `${api}/pulls/${r.pull_number}`,
    author_association: 'NONE',
    _links: { html: { href: `${html}/pull/${r.pull_number}#pullrequestreview-${r.id}` }, pull_request: { href: `${api}/pulls/${r.pull_number}` } },
  };
}

interface CommentInput {
  path?: string;
  line?: number;
  start_line?: number;
  side?: 'LEFT' | 'RIGHT';
  position?: number;
  body: string;
  in_reply_to?: number;
  subject_type?: 'line' | 'file';
}

/** GitHub refuses inline comments on lines outside the diff; so does the fake, with GitHub's message. */
function placeComment(ctx: HandlerContext, pullNumber: number, input: CommentInput, reviewId: number | null, commitId: string): FakeReviewComment | string {
  const { owner, repo, key } = repoOf(ctx);
  const pull = ctx.state.getPullRequest(owner, repo, pullNumber);
  if (!pull) return 'Pull request not found';
  const base = { repo: key, pull_number: pullNumber, id: 0, review_id: reviewId, body: input.body, commit_id: commitId, user: `${ctx.app.slug}[bot]`, created_at: now() };
  if (input.in_reply_to !== undefined) {
    const parent = ctx.state.reviewCommentsOf(owner, repo, pullNumber).find((c) => c.id === input.in_reply_to);
    if (!parent) return `in_reply_to ${input.in_reply_to} is not a review comment of this pull request`;
    return { ...base, id: ctx.state.nextId(), in_reply_to_id: parent.id, path: parent.path, line: parent.line, start_line: parent.start_line, side: parent.side };
  }
  const file = pull.files?.find((f) => f.filename === input.path);
  if (!file) return `pull_request_review_thread.path ${String(input.path)} is not part of the diff`;
  const side = input.side ?? 'RIGHT';
  if (input.subject_type !== 'file') {
    const lines = diffLines(file.patch);
    if (input.position !== undefined) {
      if (input.position < 1 || input.position > lines.positions) return 'pull_request_review_thread.position is invalid';
    } else {
      if (input.line === undefined) return 'pull_request_review_thread.line is required';
      for (const line of [input.start_line, input.line]) {
        if (line !== undefined && !lines[side].has(line)) return 'pull_request_review_thread.line must be part of the diff';
      }
      if (input.start_line !== undefined && input.start_line > input.line) return 'pull_request_review_thread.start_line must precede the end line';
    }
  }
  return { ...base, id: ctx.state.nextId(), path: file.filename, line: input.line ?? null, start_line: input.start_line ?? null, side };
}

function pullJson(ctx: HandlerContext, pull: NonNullable<ReturnType<FakeGithubState['getPullRequest']>>) {
  const { owner, repo, api, html } = repoOf(ctx);
  const ref = (r: { sha: string; ref?: string }, fallback: string) => ({
    sha: r.sha,
    ref: r.ref ?? fallback,
    label: `${owner}:${r.ref ?? fallback}`,
    user: user(owner),
    repo: { id: 1, name: repo, full_name: `${owner}/${repo}`, owner: user(owner), private: false, default_branch: 'main' },
  });
  return {
    id: pull.number + 100000,
    node_id: `PR_${pull.number}`,
    number: pull.number,
    url: `${api}/pulls/${pull.number}`,
    html_url: `${html}/pull/${pull.number}`,
    state: pull.state ?? 'open',
    draft: pull.draft ?? false,
    title: pull.title ?? `Pull request ${pull.number}`,
    body: pull.body ?? null,
    user: user(pull.user ?? 'octocat'),
    head: ref(pull.head, `branch-${pull.number}`),
    base: ref(pull.base, 'main'),
    merged: false,
    changed_files: pull.files?.length ?? 0,
    created_at: now(),
    updated_at: now(),
  };
}

/** Handlers by operationId. An operation of the subset without a handler answers 501 and is a violation. */
export const fakeGithubHandlers: Record<string, Handler> = {
  'apps/get-authenticated': (ctx) => ({
    status: 200,
    json: { id: Number(ctx.app.id), slug: ctx.app.slug, name: ctx.app.slug, owner: user('orchestra'), events: ['pull_request'], permissions: {} },
  }),
  'apps/create-installation-access-token': (ctx) => {
    const installationId = Number(ctx.params.installation_id);
    if (!ctx.state.installations.has(installationId)) return notFound();
    const token = `ghs_${sha1(`${installationId}:${ctx.state.nextId()}:${Math.random()}`).slice(0, 36)}`;
    const expiresAt = Date.now() + 3600_000;
    ctx.state.tokens.set(token, { installationId, expiresAt });
    const permissions = (ctx.body.permissions as Record<string, string> | undefined) ?? { actions: 'read', checks: 'write', contents: 'read', pull_requests: 'write', issues: 'write', metadata: 'read' };
    return { status: 201, json: { token, expires_at: new Date(expiresAt).toISOString(), permissions, repository_selection: 'all' } };
  },
  'pulls/get': (ctx) => {
    const pull = ctx.state.getPullRequest(String(ctx.params.owner), String(ctx.params.repo), Number(ctx.params.pull_number));
    return pull ? { status: 200, json: pullJson(ctx, pull) } : notFound();
  },
  'repos/list-pull-requests-associated-with-commit': (ctx) => {
    const { owner, repo, key } = repoOf(ctx);
    const sha = String(ctx.params.commit_sha);
    // A commit outside the default branch is associated with the open pull requests that contain it.
    const pulls = [...ctx.state.pulls.entries()]
      .filter(([k, p]) => k.startsWith(`${key}#`) && (p.state ?? 'open') === 'open' && (p.head.sha === sha || (p.commits ?? []).includes(sha)))
      .map(([, p]) => pullJson(ctx, p));
    const page = paginate(ctx, `/repos/${owner}/${repo}/commits/${sha}/pulls`, pulls);
    return { status: 200, json: page.items, headers: page.headers };
  },
  'pulls/list-files': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const pull = ctx.state.getPullRequest(owner, repo, Number(ctx.params.pull_number));
    if (!pull) return notFound();
    const page = paginate(ctx, `/repos/${owner}/${repo}/pulls/${pull.number}/files`, (pull.files ?? []).map(fileJson));
    return { status: 200, json: page.items, headers: page.headers };
  },
  'pulls/list-reviews': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const n = Number(ctx.params.pull_number);
    const reviews = ctx.state.reviewsOf(owner, repo, n).map((r) => reviewJson(ctx, r));
    const page = paginate(ctx, `/repos/${owner}/${repo}/pulls/${n}/reviews`, reviews);
    return { status: 200, json: page.items, headers: page.headers };
  },
  'pulls/create-review': (ctx) => {
    const { owner, repo, key } = repoOf(ctx);
    const n = Number(ctx.params.pull_number);
    const pull = ctx.state.getPullRequest(owner, repo, n);
    if (!pull) return notFound();
    const body = ctx.body as { body?: string; event?: string; commit_id?: string; comments?: CommentInput[] };
    const reviewId = ctx.state.nextId();
    const commitId = body.commit_id ?? pull.head.sha;
    const placed: FakeReviewComment[] = [];
    for (const input of body.comments ?? []) {
      const comment = placeComment(ctx, n, input, reviewId, commitId);
      if (typeof comment === 'string') return unprocessable('Unprocessable Entity', [comment]);
      placed.push(comment);
    }
    if (body.event === 'REQUEST_CHANGES' || body.event === 'COMMENT') {
      if (!body.body && placed.length === 0) return unprocessable('Unprocessable Entity', [`A review with event ${body.event} needs a body or comments`]);
    }
    ctx.state.reviewComments.push(...placed);
    const state = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' }[body.event ?? ''] ?? 'PENDING';
    const review = { repo: key, pull_number: n, id: reviewId, body: body.body ?? '', event: body.event ?? '', state, commit_id: commitId, user: `${ctx.app.slug}[bot]`, submitted_at: now() };
    ctx.state.reviews.push(review);
    return { status: 200, json: reviewJson(ctx, review) };
  },
  'pulls/list-review-comments': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const n = Number(ctx.params.pull_number);
    if (!ctx.state.getPullRequest(owner, repo, n)) return notFound();
    const page = paginate(ctx, `/repos/${owner}/${repo}/pulls/${n}/comments`, ctx.state.reviewCommentsOf(owner, repo, n).map((c) => reviewCommentJson(ctx, c)));
    return { status: 200, json: page.items, headers: page.headers };
  },
  'pulls/create-review-comment': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const n = Number(ctx.params.pull_number);
    const pull = ctx.state.getPullRequest(owner, repo, n);
    if (!pull) return notFound();
    const input = ctx.body as unknown as CommentInput & { commit_id?: string };
    const comment = placeComment(ctx, n, input, null, input.commit_id ?? pull.head.sha);
    if (typeof comment === 'string') return unprocessable('Validation Failed', [comment]);
    ctx.state.reviewComments.push(comment);
    return { status: 201, json: reviewCommentJson(ctx, comment) };
  },
  'issues/list-comments': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const n = Number(ctx.params.issue_number);
    const page = paginate(ctx, `/repos/${owner}/${repo}/issues/${n}/comments`, ctx.state.issueCommentsOf(owner, repo, n).map((c) => issueCommentJson(ctx, c)));
    return { status: 200, json: page.items, headers: page.headers };
  },
  'issues/create-comment': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const comment = ctx.state.addIssueComment(owner, repo, Number(ctx.params.issue_number), String(ctx.body.body), `${ctx.app.slug}[bot]`);
    return { status: 201, json: issueCommentJson(ctx, comment) };
  },
  'issues/update-comment': (ctx) => {
    const { key } = repoOf(ctx);
    const comment = ctx.state.issueComments.find((c) => c.repo === key && c.id === Number(ctx.params.comment_id));
    if (!comment) return notFound();
    if (comment.user !== `${ctx.app.slug}[bot]`) return { status: 403, json: { message: 'Resource not accessible by integration' } };
    comment.body = String(ctx.body.body);
    comment.updated_at = now();
    return { status: 200, json: issueCommentJson(ctx, comment) };
  },
  ...fakeGithubRepoHandlers,
  ...fakeGithubActionsHandlers,
  'graphql': (ctx) => handleGraphql(ctx.state, ctx.body as { query: string; variables?: Record<string, unknown> }),
};
