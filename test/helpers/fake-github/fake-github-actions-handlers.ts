/**
 * Fake GitHub answers for what the error swarm's CI triage reads: workflow run jobs and their logs
 * (a real 302 to a log URL the fake serves itself, as GitHub redirects to blob storage), tree
 * listings at a commit, commits with their patches, and a pull request's commits.
 */
import type { FakeCommit, FakeWorkflowJob, FakeWorkflowRun } from './fake-github-state.js';
import { fileJson, notFound, now, paginate, repoOf, sha1, unprocessable, user, type Handler, type HandlerContext } from './fake-github-reply.js';

/** Where the fake serves a job's plain-text log (no authentication, like GitHub's pre-signed URLs). */
export function jobLogPath(owner: string, repo: string, jobId: number): string {
  return `/_fake/job-logs/${owner}/${repo}/${jobId}`;
}

function jobJson(ctx: HandlerContext, run: FakeWorkflowRun, job: FakeWorkflowJob) {
  const { api, html } = repoOf(ctx);
  const completed = job.status === undefined || job.status === 'completed';
  return {
    id: job.id,
    run_id: run.id,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: run.attempt,
    node_id: `J_${job.id}`,
    head_sha: run.head_sha,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `${html}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status ?? 'completed',
    conclusion: job.conclusion,
    created_at: now(),
    started_at: now(),
    completed_at: completed ? now() : null,
    name: job.name,
    steps: job.steps.map((step, index) => ({
      name: step.name,
      status: step.status ?? 'completed',
      conclusion: step.conclusion,
      number: index + 1,
      started_at: now(),
      completed_at: now(),
    })),
    check_run_url: `${api}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: 1,
    runner_name: 'GitHub Actions 1',
    runner_group_id: 1,
    runner_group_name: 'GitHub Actions',
    workflow_name: 'CI',
    head_branch: null,
  };
}

function commitJson(ctx: HandlerContext, commit: FakeCommit, withFiles: boolean) {
  const { api, html } = repoOf(ctx);
  const login = commit.author ?? 'octocat';
  const person = { name: login, email: `${login}@users.noreply.github.com`, date: now() };
  const files = (commit.files ?? []).map(fileJson);
  return {
    sha: commit.sha,
    node_id: `C_${commit.sha}`,
    url: `${api}/commits/${commit.sha}`,
    html_url: `${html}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: person,
      committer: person,
      message: commit.message ?? '',
      tree: { sha: sha1(`tree:${commit.sha}`), url: `${api}/git/trees/${sha1(`tree:${commit.sha}`)}` },
      comment_count: 0,
    },
    author: user(login),
    committer: user(login),
    parents: (commit.parents ?? []).map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${html}/commit/${sha}` })),
    ...(withFiles
      ? {
          stats: { additions: files.reduce((n, f) => n + f.additions, 0), deletions: files.reduce((n, f) => n + f.deletions, 0), total: files.reduce((n, f) => n + f.additions + f.deletions, 0) },
          files,
        }
      : {}),
  };
}

/** Handlers by operationId for workflow jobs and logs, trees, commits and a pull request's commits. */
export const fakeGithubActionsHandlers: Record<string, Handler> = {
  'actions/list-jobs-for-workflow-run': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const runId = Number(ctx.params.run_id);
    const attempts = ctx.state.workflowRunAttempts(owner, repo, runId);
    if (attempts.length === 0) return notFound();
    // `filter=latest` (the default) lists the jobs of the newest attempt; `all` lists every attempt's.
    const chosen = ctx.query.filter === 'all' ? attempts : attempts.slice(-1);
    const jobs = chosen.flatMap((run) => run.jobs.map((job) => jobJson(ctx, run, job)));
    const page = paginate(ctx, `/repos/${owner}/${repo}/actions/runs/${runId}/jobs`, jobs);
    return { status: 200, json: { total_count: jobs.length, jobs: page.items }, headers: page.headers };
  },
  'actions/download-job-logs-for-workflow-run': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const jobId = Number(ctx.params.job_id);
    const found = ctx.state.findWorkflowJob(owner, repo, jobId);
    if (!found) return notFound();
    if (found.job.logStatus === 410) return { status: 410, json: { message: 'Gone', documentation_url: 'https://docs.github.com/rest/actions/workflow-jobs' } };
    if (found.job.logStatus === 404 || found.job.log === undefined) return notFound();
    // GitHub answers with a redirect to a short-lived plain-text URL; the fake serves it itself.
    return { status: 302, headers: { location: `${ctx.origin}${jobLogPath(owner, repo, jobId)}` } };
  },
  'git/get-tree': (ctx) => {
    const { owner, repo, api } = repoOf(ctx);
    const ref = String(ctx.params.tree_sha);
    const files = ctx.state.filesAt(owner, repo, ref);
    if (files.size === 0) return notFound();
    const recursive = ctx.query.recursive !== undefined;
    const entries = new Map<string, { path: string; mode: string; type: 'blob' | 'tree'; sha: string; size?: number; url: string }>();
    for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      const parts = path.split('/');
      if (!recursive && parts.length > 1) {
        const dir = parts[0] as string;
        entries.set(dir, { path: dir, mode: '040000', type: 'tree', sha: sha1(`tree:${dir}`), url: `${api}/git/trees/${sha1(`tree:${dir}`)}` });
        continue;
      }
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        entries.set(dir, { path: dir, mode: '040000', type: 'tree', sha: sha1(`tree:${dir}`), url: `${api}/git/trees/${sha1(`tree:${dir}`)}` });
      }
      const sha = sha1(content);
      entries.set(path, { path, mode: '100644', type: 'blob', sha, size: Buffer.byteLength(content), url: `${api}/git/blobs/${sha}` });
    }
    const sha = sha1(`tree:${ref}`);
    return { status: 200, json: { sha, url: `${api}/git/trees/${sha}`, tree: [...entries.values()], truncated: false } };
  },
  'repos/get-commit': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const commit = ctx.state.getCommit(owner, repo, String(ctx.params.ref));
    // GitHub's answer for a sha it does not know.
    if (!commit) return unprocessable(`No commit found for SHA: ${String(ctx.params.ref)}`);
    return { status: 200, json: commitJson(ctx, commit, true) };
  },
  'pulls/list-commits': (ctx) => {
    const { owner, repo } = repoOf(ctx);
    const n = Number(ctx.params.pull_number);
    const pull = ctx.state.getPullRequest(owner, repo, n);
    if (!pull) return notFound();
    const commits = (pull.commits ?? []).map((sha) => commitJson(ctx, ctx.state.getCommit(owner, repo, sha) ?? { sha }, false));
    const page = paginate(ctx, `/repos/${owner}/${repo}/pulls/${n}/commits`, commits);
    return { status: 200, json: page.items, headers: page.headers };
  },
};
