/**
 * Fake GitHub answers for repository resources: check runs, contents, collaborator permissions,
 * comparisons and workflow run logs.
 */
import type { FakeCheckRun } from './fake-github-state.js';
import { fileJson, notFound, now, paginate, repoOf, sha1, unprocessable, user, type Handler, type HandlerContext } from './fake-github-reply.js';

function checkRunJson(ctx: HandlerContext, run: FakeCheckRun) {
  const { api, html } = repoOf(ctx);
  return {
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.head_sha,
    external_id: run.external_id,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${html}/runs/${run.id}`,
    details_url: run.details_url,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: { ...run.output, annotations_count: run.annotations.length, annotations_url: `${api}/check-runs/${run.id}/annotations` },
    name: run.name,
    check_suite: { id: 1 },
    app: { id: Number(ctx.app.id), slug: ctx.app.slug, name: ctx.app.slug },
    pull_requests: [],
  };
}

const PERMISSION_LEGACY: Record<string, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };

function checkRunHandlers(): Record<string, Handler> {
  const apply = (run: FakeCheckRun, body: Record<string, unknown>) => {
    const output = body.output as { title?: string; summary?: string; text?: string; annotations?: Record<string, unknown>[] } | undefined;
    for (const field of ['name', 'details_url', 'external_id', 'started_at', 'completed_at'] as const) {
      if (typeof body[field] === 'string') run[field] = body[field];
    }
    if (typeof body.status === 'string') run.status = body.status;
    if (typeof body.conclusion === 'string') {
      run.conclusion = body.conclusion;
      run.status = 'completed';
    }
    if (run.status === 'completed') run.completed_at ??= now();
    if (output) {
      run.output = { title: output.title ?? run.output.title, summary: output.summary ?? run.output.summary, text: output.text ?? run.output.text };
      run.annotations.push(...(output.annotations ?? []));
    }
    if (Array.isArray(body.actions)) run.actions = body.actions as Record<string, unknown>[];
  };
  return {
    'checks/create': (ctx) => {
      const b = ctx.body;
      if (b.status === 'completed' && b.conclusion === undefined) return unprocessable('Invalid request.', ['conclusion is required when status is completed']);
      const run: FakeCheckRun = {
        repo: repoOf(ctx).key,
        id: ctx.state.nextId(),
        name: '',
        head_sha: String(b.head_sha),
        status: 'queued',
        conclusion: null,
        external_id: null,
        details_url: null,
        started_at: now(),
        completed_at: null,
        output: { title: null, summary: null, text: null },
        annotations: [],
        actions: [],
      };
      apply(run, b);
      ctx.state.checkRuns.push(run);
      return { status: 201, json: checkRunJson(ctx, run) };
    },
    'checks/update': (ctx) => {
      const run = ctx.state.checkRuns.find((c) => c.repo === repoOf(ctx).key && c.id === Number(ctx.params.check_run_id));
      if (!run) return notFound();
      if (ctx.body.status === 'completed' && ctx.body.conclusion === undefined && run.conclusion === null) {
        return unprocessable('Invalid request.', ['conclusion is required when status is completed']);
      }
      apply(run, ctx.body);
      return { status: 200, json: checkRunJson(ctx, run) };
    },
    'checks/list-for-ref': (ctx) => {
      const { owner, repo } = repoOf(ctx);
      const ref = String(ctx.params.ref);
      const shas = new Set([ref, ...[...ctx.state.pulls.values()].filter((p) => p.head.ref === ref).map((p) => p.head.sha)]);
      const runs = ctx.state.checkRunsOf(owner, repo).filter((r) => shas.has(r.head_sha) && (ctx.query.check_name === undefined || r.name === ctx.query.check_name) && (ctx.query.status === undefined || r.status === ctx.query.status));
      const page = paginate(ctx, `/repos/${owner}/${repo}/commits/${encodeURIComponent(ref)}/check-runs`, [...runs].reverse().map((r) => checkRunJson(ctx, r)));
      return { status: 200, json: { total_count: runs.length, check_runs: page.items }, headers: page.headers };
    },
  };
}

function contentHandlers(): Record<string, Handler> {
  return {
    'repos/get-content': (ctx) => {
      const { owner, repo, api } = repoOf(ctx);
      const path = String(ctx.params.path);
      const ref = ctx.query.ref === undefined ? undefined : String(ctx.query.ref);
      const content = ctx.state.getFile(owner, repo, path, ref);
      if (content === undefined) return notFound();
      // Probot's context.config asks for the raw media type and parses the text itself.
      if (/\.raw\b|vnd\.github\.raw/.test(ctx.accept)) return { status: 200, raw: { body: content, contentType: 'application/vnd.github.raw; charset=utf-8' } };
      const name = path.split('/').pop() ?? path;
      const json = {
        type: 'file',
        encoding: 'base64',
        size: Buffer.byteLength(content),
        name,
        path,
        content: Buffer.from(content).toString('base64'),
        sha: sha1(content),
        url: `${api}/contents/${path}`,
        git_url: null,
        html_url: null,
        download_url: null,
        _links: { self: `${api}/contents/${path}`, git: null, html: null },
      };
      return { status: 200, json };
    },
    'repos/get-collaborator-permission-level': (ctx) => {
      const { owner, repo } = repoOf(ctx);
      const username = String(ctx.params.username);
      const role = ctx.state.getPermission(owner, repo, username);
      const permissions = {
        admin: role === 'admin',
        maintain: role === 'admin' || role === 'maintain',
        push: ['admin', 'maintain', 'write'].includes(role),
        triage: role !== 'read' && role !== 'none',
        pull: role !== 'none',
      };
      return { status: 200, json: { permission: PERMISSION_LEGACY[role], role_name: role, user: { ...user(username), permissions } } };
    },
    'repos/compare-commits-with-basehead': (ctx) => {
      const { owner, repo, api, html } = repoOf(ctx);
      const basehead = String(ctx.params.basehead);
      const comparison = ctx.state.getComparison(owner, repo, basehead);
      if (!comparison) return notFound();
      const commits = (comparison.commits ?? []).map((c) => ({
        sha: c.sha,
        node_id: `C_${c.sha}`,
        url: `${api}/commits/${c.sha}`,
        html_url: `${html}/commit/${c.sha}`,
        commit: { message: c.message ?? '', author: null, committer: null },
        parents: [],
      }));
      const page = paginate(ctx, `/repos/${owner}/${repo}/compare/${basehead}`, comparison.files.map(fileJson));
      const json = {
        url: `${api}/compare/${basehead}`,
        html_url: `${html}/compare/${basehead}`,
        status: comparison.status ?? 'ahead',
        ahead_by: commits.length,
        behind_by: 0,
        total_commits: commits.length,
        commits,
        files: page.items,
      };
      return { status: 200, json, headers: page.headers };
    },
    'actions/download-workflow-run-logs': (ctx) => {
      const { owner, repo } = repoOf(ctx);
      const runId = Number(ctx.params.run_id);
      if (!ctx.state.getRunLogs(owner, repo, runId)) return notFound();
      // GitHub answers with a redirect to a short-lived archive URL; the fake serves it itself.
      return { status: 302, headers: { location: `${ctx.origin}/_fake/logs/${owner}/${repo}/${runId}` } };
    },
  };
}

/** Handlers by operationId for checks, contents, permissions, comparisons and logs. */
export const fakeGithubRepoHandlers: Record<string, Handler> = { ...checkRunHandlers(), ...contentHandlers() };
