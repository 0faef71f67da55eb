/**
 * CI triage end to end: the real `orchestra serve` server receives signed `workflow_run` deliveries
 * (the @octokit/webhooks-examples payload, re-targeted), and the strict fake GitHub serves a REAL
 * failing CI log: a small project's test suite is really run (`npm test` → `node --test`, a TypeError
 * in src/) and its output wrapped as a GitHub Actions job log. What is asserted is what people on the
 * pull request see: one comment per workflow, naming the right file and line, edited on re-runs,
 * with no secret from the log, and nothing at all for runs that did not fail.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- example payloads are untyped JSON, edited in place to target the fake */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { zipSync, strToU8 } from 'fflate';
import { createRequire } from 'node:module';
import { TRIAGE_MARKER } from '../../github-app/triage/triage-comment.js';
import type { FakeWorkflowJob } from '../helpers/fake-github/index.js';
import { actionsJobLog, githubPatch, runCi, type CiRun } from './helpers/ci-log.js';
import { INSTALLATION_ID, OWNER, REPO, SECRET, shaOf, sign, startHarness, type Harness } from './helpers/app-harness.js';

const require = createRequire(import.meta.url);
const BOT = 'orchestra[bot]';
const WORKFLOW_ID = 2823525;
const TOKEN = 'ghp_R7xk2Lq9Vb3Nw8Yt1Zc5Hd6Jf0Gs4Pm2Qa7E';
const DB_PASSWORD = 's3cr3t-Db-pa55word';

/** The project as it is at each commit of the pull request. */
const GREET_V1 = "// Greeting helpers.\n\nexport function greet(user) {\n  return `Hello, ${user.name}!`;\n}\n";
const GREET_V2 = "// Greeting helpers.\n\nexport function greet(user) {\n  return `Hello, ${user.profile.name}!`;\n}\n";
const GREET_V3 = "// Greeting helpers.\n// greet(user) says hello to a user.\n// user: { name, profile? }\n\nexport function greet(user) {\n  return `Hello, ${user.profile.name}!`;\n}\n";
const TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greet } from '../src/greet.js';
import { connect } from '../src/db.js';
import { callApi } from '../src/api.js';

test('greets a user by name', () => {
  console.log('calling the API with token ${TOKEN}');
  assert.equal(greet({ name: 'Ada' }), 'Hello, Ada!');
});

test('connects to the database', () => {
  connect();
});

test('calls the API', () => {
  callApi();
});
`;
// Programs print secrets nobody registered with GitHub (so the runner does not mask them), here in error messages.
const DB = `const url = 'postgres://app:${DB_PASSWORD}@db.internal:5432/app';\n\nexport function connect() {\n  throw new Error(\`cannot connect to \${url}: ECONNREFUSED\`);\n}\n`;
const API = `const token = '${TOKEN}';\n\nexport function callApi() {\n  throw new Error(\`GitHub API refused token \${token}\`);\n}\n`;
const PACKAGE = '{ "name": "hello", "version": "1.0.0", "type": "module", "scripts": { "test": "node --test" } }\n';
const HEAD_FILES = { 'package.json': PACKAGE, 'src/greet.js': GREET_V3, 'src/db.js': DB, 'src/api.js': API, 'test/greet.test.js': TEST };

const c1 = shaOf('triage-c1');
const c2 = shaOf('triage-c2');
const c3 = shaOf('triage-c3');
const base = shaOf('triage-base');

let h: Harness;
let ci: CiRun;
let jobLog: string;

/** The @octokit/webhooks-examples `workflow_run.completed` payload with pull requests, re-targeted at the fake. */
function workflowRunPayload(run: { id: number; attempt: number; conclusion: string | null; headSha: string; pulls: number[] }): Record<string, any> {
  const groups = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Record<string, any>[] }[];
  const example = groups.find((g) => g.name === 'workflow_run')!.examples.find((e) => e.action === 'completed' && e.workflow_run.pull_requests.length > 0)!;
  const payload = structuredClone(example);
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  Object.assign(payload.repository, { name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}` });
  payload.repository.owner.login = OWNER;
  Object.assign(payload.workflow, { id: WORKFLOW_ID, name: 'CI', path: '.github/workflows/ci.yml' });
  Object.assign(payload.workflow_run, {
    id: run.id,
    name: 'CI',
    workflow_id: WORKFLOW_ID,
    run_attempt: run.attempt,
    conclusion: run.conclusion,
    event: 'pull_request',
    head_sha: run.headSha,
    html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${run.id}`,
    pull_requests: run.pulls.map((number) => ({ ...example.workflow_run.pull_requests[0], number, head: { ...example.workflow_run.pull_requests[0].head, sha: run.headSha }, base: { ...example.workflow_run.pull_requests[0].base, repo: { ...example.workflow_run.pull_requests[0].base.repo, id: payload.repository.id } } })),
  });
  return payload;
}

const STEPS: FakeWorkflowJob['steps'] = [
  { name: 'Set up job', conclusion: 'success' },
  { name: 'Run actions/checkout@v4', conclusion: 'success' },
  { name: 'Run npm test', conclusion: 'failure' },
  { name: 'Post Run actions/checkout@v4', conclusion: 'success' },
  { name: 'Complete job', conclusion: 'success' },
];

function seedPull(number: number, headSha: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) h.fake.state.setFile(OWNER, REPO, path, text, headSha);
  h.fake.state.setPullRequest(OWNER, REPO, { number, head: { sha: headSha, ref: `fix-${number}` }, base: { sha: base, ref: 'main' }, commits: headSha === c3 ? [c1, c2, c3] : [headSha] });
  // Other pull requests: one commit that only touched the README.
  if (headSha !== c3) h.fake.state.setCommit(OWNER, REPO, { sha: headSha, message: 'Update the README', parents: [base], files: [{ filename: 'README.md', status: 'modified', patch: githubPatch('# hello\n', '# hello\n\nSays hello.\n') }] });
}

const triageComments = (number: number) => h.fake.state.issueCommentsOf(OWNER, REPO, number).filter((c) => c.user === BOT && c.body.includes(TRIAGE_MARKER));

async function deliverRun(run: Parameters<typeof workflowRunPayload>[0]): Promise<number> {
  const res = await h.deliver('workflow_run', workflowRunPayload(run));
  await h.server.queue.idle();
  return res.status;
}

beforeAll(async () => {
  ci = await runCi(REPO, HEAD_FILES, ['npm', 'test']);
  expect(ci.exitCode).not.toBe(0);
  expect(ci.output).toContain("Cannot read properties of undefined (reading 'name')");
  jobLog = actionsJobLog({
    repoFullName: `${OWNER}/${REPO}`,
    workspace: ci.workspace,
    steps: [{ name: 'Run npm test', header: ['npm test', 'shell: /usr/bin/bash -e {0}', 'env:', '  API_TOKEN: ***'], output: ci.output, exitCode: ci.exitCode ?? 1 }],
  });
  h = await startHarness();
  // PR #7: three commits; the second made the failing line read `user.profile.name`, the third moved it down two lines.
  seedPull(7, c3, HEAD_FILES);
  h.fake.state.setCommit(OWNER, REPO, { sha: c1, message: 'Add greet', author: 'alice', parents: [base], files: [{ filename: 'src/greet.js', status: 'added', patch: githubPatch('', GREET_V1) }, { filename: 'test/greet.test.js', status: 'added', patch: githubPatch('', TEST) }] });
  h.fake.state.setCommit(OWNER, REPO, { sha: c2, message: 'Read the name from the profile\n\nProfiles hold display names now.', author: 'bob', parents: [c1], files: [{ filename: 'src/greet.js', status: 'modified', patch: githubPatch(GREET_V1, GREET_V2) }] });
  h.fake.state.setCommit(OWNER, REPO, { sha: c3, message: 'Document greet', author: 'alice', parents: [c2], files: [{ filename: 'src/greet.js', status: 'modified', patch: githubPatch(GREET_V2, GREET_V3) }] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await ci?.dispose();
});

describe('a pull request whose CI fails with a TypeError in src/', () => {
  it('gets one triage comment naming the workflow, job, step, the error, src/greet.js:6 linked at the head, and the suspect commit', async () => {
    h.fake.state.setWorkflowRun(OWNER, REPO, { id: 30001, attempt: 1, head_sha: c3, jobs: [{ id: 71, name: 'test (20.x)', conclusion: 'failure', steps: STEPS, log: jobLog }, { id: 72, name: 'lint', conclusion: 'success', steps: [] }] });
    expect(await deliverRun({ id: 30001, attempt: 1, conclusion: 'failure', headSha: c3, pulls: [7] })).toBe(200);

    expect(h.fake.violations).toEqual([]);
    const comments = triageComments(7);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).toContain(`${TRIAGE_MARKER} workflow=${WORKFLOW_ID} run=30001 attempt=1 -->`);
    expect(body).toContain('`CI` failed');
    expect(body).toContain('`test (20.x)`');
    expect(body).toContain('step `Run npm test`');
    expect(body).toMatch(/Cannot read properties of undefined \\?\(reading 'name'\\?\)/);
    expect(body).toContain(`[\`src/greet.js:6\`](https://github.com/${OWNER}/${REPO}/blob/${c3}/src/greet.js#L6)`);
    expect(body).toContain('return `Hello, ${user.profile.name}!`;');
    expect(body).toMatch(/> +6 \|/); // the code frame marks line 6
    // The suspect: the commit that changed the line (then line 4), not the newer one that moved it.
    expect(body).toContain(`**Suspect commit:** [\`${c2.slice(0, 7)}\`]`);
    expect(body).toContain('`Read the name from the profile`');
    expect(body).toMatch(/then line 4/);
    expect(body).not.toContain(c3.slice(0, 7) + '`]');
    // The job's own log was read through GitHub's redirect; the archive was not needed.
    expect(h.fake.requests.some((r) => r.path === `/_fake/job-logs/${OWNER}/${REPO}/71`)).toBe(true);
    expect(h.fake.requests.some((r) => r.operationId === 'actions/download-workflow-run-logs')).toBe(false);
  });

  it('reads the tree once and fetches only files that exist, and runs nothing', () => {
    const trees = h.fake.requests.filter((r) => r.operationId === 'git/get-tree');
    expect(trees).toHaveLength(1);
    expect(trees[0]!.query).toMatchObject({ recursive: '1' });
    const fetched = h.fake.requests.filter((r) => r.operationId === 'repos/get-content').map((r) => decodeURIComponent(r.path.replace(`/repos/${OWNER}/${REPO}/contents/`, '')));
    expect(fetched.length).toBeGreaterThan(0);
    for (const path of fetched) expect(Object.keys(HEAD_FILES)).toContain(path);
    expect(new Set(fetched).size).toBe(fetched.length);
  });

  it('never shows a secret that was in the log, in the comment or in the app’s own logs', () => {
    expect(jobLog).toContain(TOKEN);
    expect(jobLog).toContain(DB_PASSWORD);
    const body = triageComments(7)[0]!.body;
    // Both errors are shown, located in the repository's code, with their secrets redacted.
    expect(body).toContain(`[\`src/db.js:4\`]`);
    expect(body).toContain(`[\`src/api.js:4\`]`);
    expect(body).toMatch(/cannot connect to postgres:\/\/app:\\?\[REDACTED:url-password\\?\]@\u200b?db\.internal/);
    expect(body).toMatch(/GitHub API refused token \\?\[REDACTED:github-token\\?\]/);
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain(DB_PASSWORD);
    const logs = h.logs.join('\n');
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain(DB_PASSWORD);
  });

  it('edits the same comment in place on a re-run (attempt 2), and a redelivery changes nothing', async () => {
    h.fake.state.setWorkflowRun(OWNER, REPO, { id: 30001, attempt: 2, head_sha: c3, jobs: [{ id: 81, name: 'test (20.x)', conclusion: 'failure', steps: STEPS, log: jobLog }] });
    const payload = workflowRunPayload({ id: 30001, attempt: 2, conclusion: 'failure', headSha: c3, pulls: [7] });
    expect((await h.deliver('workflow_run', payload)).status).toBe(200);
    await h.server.queue.idle();
    const comments = triageComments(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('run=30001 attempt=2 -->');
    expect(comments[0]!.body).toContain('attempt 2');
    expect(comments[0]!.body).toContain('src/greet.js:6');

    const requests = h.fake.requests.length;
    expect((await h.deliver('workflow_run', payload)).status).toBe(200);
    await h.server.queue.idle();
    expect(h.fake.requests.length).toBe(requests);
    expect(triageComments(7)).toHaveLength(1);
  });

  it('never lets an older run overwrite the comment of a newer one', async () => {
    h.fake.state.setWorkflowRun(OWNER, REPO, { id: 29990, attempt: 1, head_sha: c3, jobs: [{ id: 61, name: 'test (18.x)', conclusion: 'failure', steps: STEPS, log: jobLog }] });
    const before = triageComments(7)[0]!.body;
    expect(await deliverRun({ id: 29990, attempt: 1, conclusion: 'failure', headSha: c3, pulls: [7] })).toBe(200);
    expect(triageComments(7)).toHaveLength(1);
    expect(triageComments(7)[0]!.body).toBe(before);
    // Seen before any download: the older run's log is not even fetched.
    expect(h.fake.requests.some((r) => r.path.endsWith('/actions/jobs/61/logs'))).toBe(false);
    expect(h.fake.violations).toEqual([]);
  });

  it('does nothing for a successful run: no job, no API call', async () => {
    const requests = h.fake.requests.length;
    const counts = await h.server.queue.counts();
    expect(await deliverRun({ id: 30010, attempt: 1, conclusion: 'success', headSha: c3, pulls: [7] })).toBe(200);
    expect(await deliverRun({ id: 30011, attempt: 1, conclusion: 'cancelled', headSha: c3, pulls: [7] })).toBe(200);
    expect(h.fake.requests.length).toBe(requests);
    expect(await h.server.queue.counts()).toEqual(counts);
  });
});

describe('runs whose logs are gone, or only in the run archive', () => {
  it('says the logs are unavailable (410 Gone) but still names the job and step, and the job does not fail', async () => {
    const head = shaOf('triage-expired');
    seedPull(8, head, HEAD_FILES);
    h.fake.state.setWorkflowRun(OWNER, REPO, { id: 30020, attempt: 1, head_sha: head, jobs: [{ id: 91, name: 'test (20.x)', conclusion: 'failure', steps: STEPS, logStatus: 410 }] });
    const failed: unknown[] = [];
    const sub = h.server.queue.onDidFail((e) => failed.push(e));
    try {
      expect(await deliverRun({ id: 30020, attempt: 1, conclusion: 'failure', headSha: head, pulls: [8] })).toBe(200);
    } finally {
      sub.dispose();
    }
    expect(failed).toEqual([]);
    expect(h.fake.violations).toEqual([]);
    const body = triageComments(8)[0]!.body;
    expect(body).toContain('`test (20.x)`');
    expect(body).toContain('step `Run npm test`');
    expect(body).toMatch(/log is not available \(the job's log answered 410; the run's log archive answered 404\)/);
  });

  it('falls back to the run archive (a real zip) when the job log is missing, and finds a fork’s pull request by its head commit', async () => {
    const head = shaOf('triage-archive');
    seedPull(9, head, HEAD_FILES);
    h.fake.state.setWorkflowRun(OWNER, REPO, { id: 30030, attempt: 1, head_sha: head, jobs: [{ id: 95, name: 'test (20.x)', conclusion: 'failure', steps: STEPS, logStatus: 404 }] });
    h.fake.state.setRunLogs(OWNER, REPO, 30030, Buffer.from(zipSync({ '0_test (20.x).txt': strToU8(jobLog), 'test (20.x)/3_Run npm test.txt': strToU8('partial') })));
    // Runs of pull requests from forks carry no pull_requests: the app asks which pull requests have the commit.
    expect(await deliverRun({ id: 30030, attempt: 1, conclusion: 'timed_out', headSha: head, pulls: [] })).toBe(200);
    expect(h.fake.violations).toEqual([]);
    expect(h.fake.requests.some((r) => r.operationId === 'repos/list-pull-requests-associated-with-commit')).toBe(true);
    const body = triageComments(9)[0]!.body;
    expect(body).toContain('`CI` timed out');
    expect(body).toContain(`(https://github.com/${OWNER}/${REPO}/blob/${head}/src/greet.js#L6)`);
    expect(body).toMatch(/Suspect commit:\*\* none found\. None of the 1 newest commit/);
    expect(body).not.toContain(TOKEN);
  });

  it('posts nothing when no open pull request has the run’s commit as its head', async () => {
    const head = shaOf('triage-main');
    h.fake.state.setWorkflowRun(OWNER, REPO, { id: 30040, attempt: 1, head_sha: head, jobs: [{ id: 97, name: 'test', conclusion: 'failure', steps: STEPS, log: jobLog }] });
    const comments = h.fake.state.issueComments.length;
    expect(await deliverRun({ id: 30040, attempt: 1, conclusion: 'failure', headSha: head, pulls: [] })).toBe(200);
    expect(h.fake.state.issueComments.length).toBe(comments);
    expect(h.fake.requests.some((r) => r.path.endsWith('/actions/runs/30040/jobs'))).toBe(false);
  });
});

describe('hostile and malformed deliveries', () => {
  it('answers 400 naming the missing field for a failed run without what triage needs, and queues nothing', async () => {
    const requests = h.fake.requests.length;
    const counts = await h.server.queue.counts();
    const noSha = workflowRunPayload({ id: 30050, attempt: 1, conclusion: 'failure', headSha: c3, pulls: [7] });
    delete noSha.workflow_run.head_sha;
    const res = await h.deliver('workflow_run', noSha);
    expect(res.status).toBe(400);
    expect(res.text).toContain('workflow_run.head_sha');

    const noRun = workflowRunPayload({ id: 30051, attempt: 1, conclusion: 'failure', headSha: c3, pulls: [7] });
    delete noRun.workflow_run;
    const missing = await h.deliver('workflow_run', noRun);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('workflow_run');

    const badId = workflowRunPayload({ id: 30052, attempt: 1, conclusion: 'failure', headSha: c3, pulls: [7] });
    badId.workflow_run.id = '30052; DROP TABLE';
    expect((await h.deliver('workflow_run', badId)).status).toBe(400);

    const noConclusion = workflowRunPayload({ id: 30053, attempt: 1, conclusion: 'failure', headSha: c3, pulls: [7] });
    delete noConclusion.workflow_run.conclusion;
    expect((await h.deliver('workflow_run', noConclusion)).status).toBe(400);
    // A null conclusion (as in GitHub's own examples) names no failure: ignored, not refused.
    expect((await h.deliver('workflow_run', workflowRunPayload({ id: 30054, attempt: 1, conclusion: null, headSha: c3, pulls: [7] }))).status).toBe(200);

    expect(h.fake.requests.length).toBe(requests);
    expect(await h.server.queue.counts()).toEqual(counts);
  });

  it('refuses a forged workflow_run delivery before any handler runs', async () => {
    const payload = workflowRunPayload({ id: 30060, attempt: 1, conclusion: 'failure', headSha: c3, pulls: [7] });
    const body = JSON.stringify(payload);
    const counts = await h.server.queue.counts();
    const res = await h.deliver('workflow_run', payload, { signature: sign(`${SECRET}-wrong`, body) });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await h.server.queue.counts()).toEqual(counts);
  });
});
