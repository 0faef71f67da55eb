import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { signAppJwt, startFakeGithub, type FakeGithub } from './index.js';
import { fakeGithubHandlers } from './fake-github-handlers.js';
import { OpenApiValidator } from './openapi-validator.js';

const APP_ID = 4242;
const keys = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const { privateKey, publicKey } = keys();
const other = keys();

let fake: FakeGithub;
let token: string;

async function call(method: string, path: string, init: { auth?: string | null; body?: unknown; accept?: string } = {}) {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/vnd.github+json', 'user-agent': 'orchestra-test' };
  const auth = init.auth === undefined ? `token ${token}` : init.auth;
  if (auth) headers.authorization = auth;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${fake.url}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), redirect: 'manual' });
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json() : await res.text();
  return { status: res.status, type, headers: res.headers, data: data as Record<string, unknown> & unknown[] };
}

const jwt = (claims: Parameters<typeof signAppJwt>[2] = {}, key = privateKey) => `Bearer ${signAppJwt(key, APP_ID, claims)}`;

beforeAll(async () => {
  fake = await startFakeGithub({ publicKey, appId: APP_ID, installationIds: [7] });
  const issued = await call('POST', '/app/installations/7/access_tokens', { auth: jwt() });
  expect(issued.status).toBe(201);
  token = String(issued.data.token);
  fake.state.setPullRequest('octo', 'hello', {
    number: 3,
    head: { sha: 'a'.repeat(40), ref: 'feature' },
    base: { sha: 'b'.repeat(40) },
    files: [{ filename: 'src/app.js', status: 'modified', patch: '@@ -1,2 +1,3 @@\n const a = 1;\n+exec(input);\n const b = 2;' }],
  });
});

afterAll(async () => {
  await fake.stop();
});

describe('app JWT', () => {
  it('issues installation tokens and answers GET /app for a valid JWT', async () => {
    const res = await call('GET', '/app', { auth: jwt() });
    expect(res.status).toBe(200);
    expect(res.data.id).toBe(APP_ID);
    expect(token).toMatch(/^ghs_/);
  });

  it.each([
    ['signed with another key', () => jwt({}, other.privateKey), /signature/],
    ['expired', () => jwt({ iat: Math.floor(Date.now() / 1000) - 1200, exp: Math.floor(Date.now() / 1000) - 600 }), /exp/],
    ['for another app', () => jwt({ iss: 1 }), /iss/],
    ['missing', () => null, /JSON web token is required/],
    ['an installation token instead', () => `token ${token}`, /JSON web token is required/],
  ])('refuses a JWT %s with 401 and records it', async (_name, auth, reason) => {
    const before = fake.violations.length;
    const res = await call('POST', '/app/installations/7/access_tokens', { auth: auth() });
    expect(res.status).toBe(401);
    expect(fake.violations.slice(before)).toEqual([expect.objectContaining({ kind: 'unauthenticated', errors: [expect.stringMatching(reason)] })]);
  });

  it('answers 404 for an installation the app does not have', async () => {
    expect((await call('POST', '/app/installations/8/access_tokens', { auth: jwt() })).status).toBe(404);
  });
});

describe('installation token', () => {
  it.each([
    ['no Authorization header', null],
    ['an unknown token', 'token ghs_forged'],
    ['a JWT', 'bearer'],
  ])('refuses a call with %s', async (_name, auth) => {
    const res = await call('GET', '/repos/octo/hello/pulls/3', { auth: auth === 'bearer' ? jwt() : auth });
    expect(res.status).toBe(401);
    expect(fake.violations.at(-1)).toMatchObject({ kind: 'unauthenticated', operationId: 'pulls/get' });
  });

  it('serves the seeded pull request and its files with the issued token', async () => {
    const pull = await call('GET', '/repos/octo/hello/pulls/3');
    expect(pull.status).toBe(200);
    expect(pull.data).toMatchObject({ number: 3, head: { sha: 'a'.repeat(40), ref: 'feature' } });
    const files = await call('GET', '/repos/octo/hello/pulls/3/files?per_page=100');
    expect(files.data).toEqual([expect.objectContaining({ filename: 'src/app.js', additions: 1, deletions: 0 })]);
  });
});

describe('request validation', () => {
  const run = { name: 'Orchestra review', head_sha: 'a'.repeat(40), status: 'in_progress' };

  it('accepts a valid check run, then its completion with annotations, and lists it for the ref', async () => {
    const violations = fake.violations.length;
    const created = await call('POST', '/repos/octo/hello/check-runs', { body: run });
    expect(created.status).toBe(201);
    const annotation = { path: 'src/app.js', start_line: 2, end_line: 2, annotation_level: 'failure', message: 'command injection' };
    const updated = await call('PATCH', `/repos/octo/hello/check-runs/${String(created.data.id)}`, {
      body: { conclusion: 'failure', output: { title: '1 problem', summary: 'found 1', annotations: [annotation] } },
    });
    expect(updated.data).toMatchObject({ status: 'completed', conclusion: 'failure', output: { annotations_count: 1 } });
    const listed = await call('GET', `/repos/octo/hello/commits/feature/check-runs?check_name=${encodeURIComponent(run.name)}`);
    expect(listed.data).toMatchObject({ total_count: 1, check_runs: [{ id: created.data.id }] });
    expect(fake.state.checkRunsOf('octo', 'hello')[0]?.annotations).toEqual([annotation]);
    expect(fake.violations.length).toBe(violations);
  });

  it('rejects an annotation with a bad annotation_level with 422 and records the violation', async () => {
    const runs = fake.state.checkRuns.length;
    const body = { ...run, output: { title: 't', summary: 's', annotations: [{ path: 'a.js', start_line: 1, end_line: 1, annotation_level: 'error', message: 'm' }] } };
    const res = await call('POST', '/repos/octo/hello/check-runs', { body });
    expect(res.status).toBe(422);
    expect(fake.violations.at(-1)).toMatchObject({ kind: 'invalid-request', operationId: 'checks/create', errors: [expect.stringContaining('annotation_level')] });
    expect(fake.state.checkRuns.length).toBe(runs);
  });

  it("enforces GitHub's limits: at most 50 annotations per request and 65,535 characters of summary", async () => {
    const annotation = { path: 'a.js', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'm' };
    const output = (annotations: number, summary: string) => ({ title: 't', summary, annotations: Array.from({ length: annotations }, () => annotation) });
    expect((await call('POST', '/repos/octo/hello/check-runs', { body: { ...run, output: output(50, 's') } })).status).toBe(201);
    expect((await call('POST', '/repos/octo/hello/check-runs', { body: { ...run, output: output(51, 's') } })).status).toBe(422);
    expect(fake.violations.at(-1)?.errors).toEqual([expect.stringContaining('annotations must NOT have more than 50 items')]);
    expect((await call('POST', '/repos/octo/hello/check-runs', { body: { ...run, output: output(0, 'x'.repeat(65_536)) } })).status).toBe(422);
  });

  it('rejects a missing required body field, a bad query parameter and an unknown one', async () => {
    expect((await call('POST', '/repos/octo/hello/check-runs', { body: { name: 'x' } })).status).toBe(422);
    expect(fake.violations.at(-1)?.errors).toEqual([expect.stringContaining("head_sha")]);
    expect((await call('GET', '/repos/octo/hello/pulls/3/files?per_page=lots')).status).toBe(422);
    expect((await call('GET', '/repos/octo/hello/pulls/3/files?sort=name')).status).toBe(422);
    expect(fake.violations.at(-1)?.errors).toEqual([expect.stringContaining("'sort'")]);
  });

  it('answers 404 for an operation outside the subset and records it', async () => {
    const res = await call('DELETE', '/repos/octo/hello');
    expect(res.status).toBe(404);
    expect(fake.violations.at(-1)).toMatchObject({ kind: 'unknown-operation', method: 'DELETE', path: '/repos/octo/hello' });
    expect((await call('PUT', '/repos/octo/hello/check-runs')).status).toBe(404);
  });

  it('records every request with its operation and status', () => {
    expect(fake.requests.length).toBeGreaterThan(10);
    expect(fake.requests.find((r) => r.operationId === 'checks/update')).toMatchObject({ method: 'PATCH', status: 200 });
  });
});

describe('resources', () => {
  it('serves raw file contents with the raw media type, and JSON otherwise', async () => {
    fake.state.setFile('octo', 'hello', '.github/orchestra.yml', 'failOn: error\n');
    const raw = await call('GET', '/repos/octo/hello/contents/.github/orchestra.yml?ref=main', { accept: 'application/vnd.github.v3.raw' });
    expect(raw.status).toBe(200);
    expect(raw.type).toMatch(/^application\/vnd\.github\.raw/);
    expect(raw.data).toBe('failOn: error\n');
    const json = await call('GET', '/repos/octo/hello/contents/.github/orchestra.yml');
    expect(Buffer.from(String(json.data.content), 'base64').toString()).toBe('failOn: error\n');
    expect((await call('GET', '/repos/octo/hello/contents/missing.yml')).status).toBe(404);
  });

  it('strips a leading /api/v3 and keeps it in pagination links', async () => {
    fake.state.setPullRequest('octo', 'big', { number: 1, head: { sha: 'c' }, base: { sha: 'd' }, files: Array.from({ length: 130 }, (_, i) => ({ filename: `f${i}.js`, patch: '@@ -0,0 +1 @@\n+x' })) });
    const first = await call('GET', '/api/v3/repos/octo/big/pulls/1/files?per_page=100');
    expect(first.data).toHaveLength(100);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    expect(next).toContain('/api/v3/repos/octo/big/pulls/1/files');
    const second = await call('GET', next.replace(fake.url, ''));
    expect(second.data).toHaveLength(30);
    expect(second.headers.get('link')).not.toContain('rel="next"');
  });

  it('creates, lists and updates issue comments; the app cannot edit a user comment', async () => {
    const userComment = fake.state.addIssueComment('octo', 'hello', 3, '/orchestra review', 'alice');
    const created = await call('POST', '/repos/octo/hello/issues/3/comments', { body: { body: '<!-- orchestra -->v1' } });
    expect(created.status).toBe(201);
    await call('PATCH', `/repos/octo/hello/issues/comments/${String(created.data.id)}`, { body: { body: '<!-- orchestra -->v2' } });
    const listed = await call('GET', '/repos/octo/hello/issues/3/comments');
    expect((listed.data as unknown as { body: string }[]).map((c) => c.body)).toEqual(['/orchestra review', '<!-- orchestra -->v2']);
    expect((await call('PATCH', `/repos/octo/hello/issues/comments/${userComment.id}`, { body: { body: 'x' } })).status).toBe(403);
  });

  it('accepts review comments only on lines of the diff, and resolves their threads over GraphQL', async () => {
    const outside = await call('POST', '/repos/octo/hello/pulls/3/reviews', { body: { event: 'COMMENT', comments: [{ path: 'src/app.js', line: 9, body: 'x' }] } });
    expect(outside.status).toBe(422);
    expect(JSON.stringify(outside.data)).toContain('must be part of the diff');
    const review = await call('POST', '/repos/octo/hello/pulls/3/reviews', { body: { event: 'COMMENT', commit_id: 'a'.repeat(40), comments: [{ path: 'src/app.js', line: 2, side: 'RIGHT', body: '```suggestion\nexecFile(input);\n```' }] } });
    expect(review.status).toBe(200);
    const comments = await call('GET', '/repos/octo/hello/pulls/3/comments');
    expect(comments.data).toEqual([expect.objectContaining({ line: 2, pull_request_review_id: review.data.id })]);
    const threadsQuery = 'query($owner:String!,$repo:String!,$number:Int!){repository(owner:$owner,name:$repo){pullRequest(number:$number){reviewThreads(first:100){nodes{id isResolved comments(first:1){nodes{databaseId}}}}}}}';
    const threads = await call('POST', '/graphql', { body: { query: threadsQuery, variables: { owner: 'octo', repo: 'hello', number: 3 } } });
    const thread = (threads.data as unknown as { data: { repository: { pullRequest: { reviewThreads: { nodes: { id: string; isResolved: boolean }[] } } } } }).data.repository.pullRequest.reviewThreads.nodes[0];
    expect(thread).toMatchObject({ isResolved: false });
    const resolved = await call('POST', '/graphql', { body: { query: 'mutation($threadId:ID!){resolveReviewThread(input:{threadId:$threadId}){thread{id isResolved}}}', variables: { threadId: thread?.id } } });
    expect(resolved.data).toEqual({ data: { resolveReviewThread: { thread: { id: thread?.id, isResolved: true } } } });
    expect(fake.state.resolvedThreads.has(String(thread?.id))).toBe(true);
    expect((await call('POST', '/graphql', { body: { variables: {} } })).status).toBe(422);
  });

  it('answers collaborator permissions, comparisons and run logs', async () => {
    fake.state.setPermission('octo', 'hello', 'alice', 'maintain');
    const perm = await call('GET', '/repos/octo/hello/collaborators/alice/permission');
    expect(perm.data).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect((await call('GET', '/repos/octo/hello/collaborators/mallory/permission')).data).toMatchObject({ permission: 'read' });
    fake.state.setComparison('octo', 'hello', 'b...a', { commits: [{ sha: 'a' }], files: [{ filename: 'x.js', patch: '@@ -1 +1 @@\n-a\n+b' }] });
    expect((await call('GET', '/repos/octo/hello/compare/b...a')).data).toMatchObject({ total_commits: 1, files: [{ filename: 'x.js' }] });
    fake.state.setRunLogs('octo', 'hello', 55, Buffer.from('PK-zip'));
    const redirect = await call('GET', '/repos/octo/hello/actions/runs/55/logs');
    expect(redirect.status).toBe(302);
    const zip = await fetch(redirect.headers.get('location') ?? '');
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await zip.arrayBuffer()).toString()).toBe('PK-zip');
  });
});

describe('CI resources: workflow jobs and logs, trees, commits', () => {
  const head = 'e'.repeat(40);
  const parent = 'f'.repeat(40);

  beforeAll(() => {
    const steps = [{ name: 'Set up job', conclusion: 'success' as const }, { name: 'Run npm test', conclusion: 'failure' as const }];
    fake.state.setWorkflowRun('octo', 'hello', { id: 900, attempt: 1, head_sha: head, jobs: [{ id: 91, name: 'test', conclusion: 'failure', steps, log: '\uFEFF2024-05-01T10:00:00.0000000Z ##[group]Run npm test\n' }] });
    fake.state.setWorkflowRun('octo', 'hello', { id: 900, attempt: 2, head_sha: head, jobs: [{ id: 92, name: 'test', conclusion: 'failure', steps, logStatus: 410 }] });
    fake.state.setFile('octo', 'hello', 'src/deep/a.js', 'export const a = 1;\n', head);
    fake.state.setFile('octo', 'hello', 'README.md', '# hello\n');
    fake.state.setCommit('octo', 'hello', { sha: head, message: 'Use the profile\n\nbody', author: 'alice', parents: [parent], files: [{ filename: 'src/deep/a.js', status: 'modified', patch: '@@ -1 +1 @@\n-export const a = 0;\n+export const a = 1;' }] });
    fake.state.setPullRequest('octo', 'hello', { number: 4, head: { sha: head, ref: 'ci' }, base: { sha: parent }, commits: [parent, head] });
  });

  it('lists the jobs of the newest attempt, or of every attempt with filter=all', async () => {
    const latest = await call('GET', '/repos/octo/hello/actions/runs/900/jobs?per_page=100');
    expect(latest.data).toMatchObject({ total_count: 1, jobs: [{ id: 92, run_attempt: 2, head_sha: head, steps: [{ number: 1 }, { name: 'Run npm test', conclusion: 'failure', number: 2 }] }] });
    const all = await call('GET', '/repos/octo/hello/actions/runs/900/jobs?filter=all');
    expect((all.data as unknown as { jobs: { id: number }[] }).jobs.map((j) => j.id)).toEqual([91, 92]);
    expect((await call('GET', '/repos/octo/hello/actions/runs/900/jobs?filter=newest')).status).toBe(422);
    expect((await call('GET', '/repos/octo/hello/actions/runs/901/jobs')).status).toBe(404);
  });

  it("redirects a job's log to plain text served without a token, and answers 410 for expired logs", async () => {
    const redirect = await call('GET', '/repos/octo/hello/actions/jobs/91/logs');
    expect(redirect.status).toBe(302);
    const log = await fetch(redirect.headers.get('location') ?? '');
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await log.text()).toContain('##[group]Run npm test');
    expect((await call('GET', '/repos/octo/hello/actions/jobs/92/logs')).status).toBe(410);
    expect((await call('GET', '/repos/octo/hello/actions/jobs/93/logs')).status).toBe(404);
  });

  it('lists the tree at a commit, recursively with directories, and 404 for a repository without files', async () => {
    const tree = await call('GET', `/repos/octo/hello/git/trees/${head}?recursive=1`);
    const entries = (tree.data as unknown as { tree: { path: string; type: string; size?: number }[]; truncated: boolean }).tree;
    expect(entries.map((e) => `${e.type}:${e.path}`)).toEqual(['tree:.github', 'blob:.github/orchestra.yml', 'blob:README.md', 'tree:src', 'tree:src/deep', 'blob:src/deep/a.js']);
    expect(entries.find((e) => e.path === 'src/deep/a.js')?.size).toBe(20);
    const flat = await call('GET', `/repos/octo/hello/git/trees/${head}`);
    expect((flat.data as unknown as { tree: { path: string }[] }).tree.map((e) => e.path)).toEqual(['.github', 'README.md', 'src']);
    expect((await call('GET', `/repos/octo/hello/git/trees/${'0'.repeat(40)}?recursive=1`)).data).toMatchObject({ tree: expect.arrayContaining([expect.objectContaining({ path: 'README.md' })]) });
    expect((await call('GET', `/repos/octo/empty/git/trees/${head}`)).status).toBe(404);
  });

  it("serves a commit with its patches, a pull request's commits, and the pull requests of a commit", async () => {
    const commit = await call('GET', `/repos/octo/hello/commits/${head}`);
    expect(commit.data).toMatchObject({ sha: head, commit: { message: 'Use the profile\n\nbody' }, author: { login: 'alice' }, parents: [{ sha: parent }], files: [{ filename: 'src/deep/a.js', patch: expect.stringContaining('+export const a = 1;') }] });
    const unknown = await call('GET', `/repos/octo/hello/commits/${'0'.repeat(40)}`);
    expect(unknown.status).toBe(422);
    const commits = await call('GET', '/repos/octo/hello/pulls/4/commits?per_page=100');
    expect((commits.data as unknown as { sha: string; files?: unknown }[]).map((c) => [c.sha, c.files])).toEqual([[parent, undefined], [head, undefined]]);
    const pulls = await call('GET', `/repos/octo/hello/commits/${head}/pulls`);
    expect((pulls.data as unknown as { number: number }[]).map((p) => p.number)).toEqual([4]);
    expect(fake.violations.filter((v) => v.operationId !== 'actions/list-jobs-for-workflow-run' && v.path.includes('/octo/hello/') && /commits|trees|jobs/.test(v.path))).toEqual([]);
  });
});

describe('subset and lifecycle', () => {
  it('has a handler for every operation of the committed subset', () => {
    const ids = new OpenApiValidator().operations.map((o) => o.operationId).sort();
    expect(ids).toEqual(Object.keys(fakeGithubHandlers).sort());
  });

  it('refuses to start without a usable app key', async () => {
    await expect(startFakeGithub({})).rejects.toThrow(/publicKey or options.privateKey/);
    await expect(startFakeGithub({ publicKey: 'not a key' })).rejects.toThrow(/not a valid PEM key/);
  });

  it('accepts the private key instead, and stop() closes the server and its connections', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    const second = await startFakeGithub({ privateKey });
    const res = await fetch(`${second.url}/app`, { headers: { authorization: `Bearer ${signAppJwt(privateKey, 1)}` } });
    expect(res.status).toBe(200);
    expect(servers()).toBe(before + 1);
    await second.stop();
    await second.stop();
    // A closed handle leaves the active list a few event-loop turns later: poll (bounded) rather than sleep.
    for (let i = 0; i < 200 && servers() !== before; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(servers()).toBe(before);
    await expect(fetch(`${second.url}/app`)).rejects.toThrow();
  });
});
