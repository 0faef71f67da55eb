/**
 * GitHub App scenarios beyond the first pull request: pagination (130 files), batching and output
 * limits (500 findings), an invalid `.github/orchestra.yml`, every PR command with and without write
 * access, re-requested checks, pushes to the default branch, and deliveries that must be refused
 * before any API call. Real server, signed real payloads, strict fake GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ANNOTATIONS_PER_REQUEST, MAX_OUTPUT_CHARS } from '../../github-app/report/check-run-output.js';
import { SUMMARY_MARKER } from '../../github-app/report/summary-comment.js';
import { addedFilePatch, commentPayload, examplePayload, INSTALLATION_ID, OWNER, pullRequestPayload, REPO, SECRET, shaOf, sign, startHarness, type Harness } from './helpers/app-harness.js';

let h: Harness;
const BOT = 'orchestra[bot]';
const base = shaOf('scenarios-base');

beforeAll(async () => {
  h = await startHarness();
  h.fake.state.setPermission(OWNER, REPO, 'alice', 'write');
  h.fake.state.setPermission(OWNER, REPO, 'mallory', 'read');
});

afterAll(async () => {
  await h?.stop();
});

/** Seeds a pull request of new files and delivers `opened`; waits for the queue. */
async function openPull(number: number, files: Record<string, string>, headSha = shaOf(`head-${number}`)) {
  h.fake.state.setPullRequest(OWNER, REPO, {
    number,
    head: { sha: headSha, ref: `feature-${number}` },
    base: { sha: base, ref: 'main' },
    files: Object.entries(files).map(([filename, text]) => ({ filename, status: 'added' as const, patch: addedFilePatch(text) })),
  });
  for (const [path, text] of Object.entries(files)) h.fake.state.setFile(OWNER, REPO, path, text, headSha);
  const res = await h.deliver('pull_request', pullRequestPayload('opened', number, headSha, base));
  expect(res.status).toBe(200);
  await h.server.queue.idle();
  return headSha;
}

const checkRunsFor = (sha: string) => h.fake.state.checkRunsOf(OWNER, REPO).filter((r) => r.head_sha === sha);
const botComments = (number: number) => h.fake.state.issueCommentsOf(OWNER, REPO, number).filter((c) => c.user === BOT);
const replies = (number: number) => botComments(number).filter((c) => !c.body.includes(SUMMARY_MARKER));

describe('large pull requests', () => {
  it('reads all 130 files of a pull request through pagination', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 130; i++) files[`src/mod${String(i).padStart(3, '0')}.js`] = `export const v${i} = ${i};\n`;
    files['src/mod125.js'] = 'module.exports = function handler(req) {\n  return eval(req.query.code);\n};\n';
    const head = await openPull(20, files);
    expect(h.fake.violations).toEqual([]);
    const pages = h.fake.requests.filter((r) => r.operationId === 'pulls/list-files' && r.path.endsWith('/pulls/20/files'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const run = checkRunsFor(head)[0]!;
    expect(run.conclusion).toBe('failure');
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'src/mod125.js', start_line: 2 })]);
    expect(run.output.summary).toContain('130 changed file(s)');
  });

  it('sends 500 findings in batches of at most 50 annotations, within the output limits', async () => {
    const body = Array.from({ length: 500 }, (_, i) => `  if (!!a${i % 7}) a${i % 7}();`).join('\n');
    const text = `export function f(a0, a1, a2, a3, a4, a5, a6) {\n${body}\n}\n`;
    const head = await openPull(21, { 'src/noisy.js': text });
    expect(h.fake.violations).toEqual([]);
    const run = checkRunsFor(head)[0]!;
    const updates = h.fake.requests.filter((r) => r.operationId === 'checks/update' && r.path.endsWith(`/check-runs/${run.id}`));
    for (const u of updates) {
      const output = (u.body as { output?: { annotations?: unknown[]; summary?: string; text?: string } }).output;
      expect((output?.annotations ?? []).length).toBeLessThanOrEqual(ANNOTATIONS_PER_REQUEST);
      expect((output?.summary ?? '').length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
      expect((output?.text ?? '').length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    }
    const casts = run.annotations.filter((a) => String(a.title).startsWith('eslint/no-extra-boolean-cast'));
    expect(casts).toHaveLength(500);
    expect(updates.length).toBeGreaterThanOrEqual(Math.ceil(run.annotations.length / ANNOTATIONS_PER_REQUEST));
    // One review with at most 30 inline comments; the summary says the rest are in the check run.
    expect(h.fake.state.reviewsOf(OWNER, REPO, 21)).toHaveLength(1);
    expect(h.fake.state.reviewCommentsOf(OWNER, REPO, 21).length).toBeLessThanOrEqual(30);
    expect(botComments(21)[0]!.body).toMatch(/were not commented inline/);
  });
});

describe('configuration', () => {
  it('an invalid .github/orchestra.yml gives a failing check run that shows the exact error', async () => {
    const configBase = shaOf('bad-config-base');
    h.fake.state.setFile(OWNER, REPO, '.github/orchestra.yml', 'review:\n  failOn: sometimes\n', configBase);
    const head = shaOf('bad-config-head');
    h.fake.state.setPullRequest(OWNER, REPO, { number: 30, head: { sha: head }, base: { sha: configBase, ref: 'main' }, files: [{ filename: 'a.js', status: 'added', patch: addedFilePatch('eval(x);') }] });
    h.fake.state.setFile(OWNER, REPO, 'a.js', 'eval(x);\n', head);
    expect((await h.deliver('pull_request', pullRequestPayload('opened', 30, head, configBase))).status).toBe(200);
    await h.server.queue.idle();
    expect(h.fake.violations).toEqual([]);
    const run = checkRunsFor(head)[0]!;
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toBe('Invalid .github/orchestra.yml');
    expect(run.output.summary).toMatch(/review\.failOn/);
    expect(run.output.summary).toMatch(/sometimes/);
    expect(botComments(30)[0]!.body).toMatch(/is invalid/);
  });
});

describe('PR commands', () => {
  const VULN = "const cp = require('child_process');\nmodule.exports = (req) => cp.exec('git log ' + req.query.ref);\n";
  let head: string;

  beforeAll(async () => {
    head = await openPull(40, { 'lib/git.js': VULN });
  });

  async function comment(body: string, user: string, type: 'User' | 'Bot' = 'User') {
    const res = await h.deliver('issue_comment', commentPayload(40, body, user, type));
    expect(res.status).toBe(200);
    await h.server.queue.idle();
  }

  it('refuses politely, once, a user without write access, and acts on nothing', async () => {
    const before = replies(40).length;
    const runs = checkRunsFor(head).length;
    await comment('/orchestra review', 'mallory');
    expect(replies(40)).toHaveLength(before + 1);
    expect(replies(40).at(-1)!.body).toMatch(/@mallory .*only people with write access/i);
    expect(checkRunsFor(head)).toHaveLength(runs);
  });

  it('ignores bots, quoted commands and commands in code blocks', async () => {
    const before = h.fake.requests.length;
    await comment('/orchestra review', 'dependabot[bot]', 'Bot');
    await comment('> /orchestra pause\nI disagree', 'alice');
    await comment('```\n/orchestra pause\n```', 'alice');
    expect(h.fake.requests.length).toBe(before);
  });

  it('help, and unknown commands, answer with the command list', async () => {
    await comment('/orchestra help', 'alice');
    expect(replies(40).at(-1)!.body).toContain('/orchestra ignore <rule or fingerprint> [reason]');
    await comment('/orchestra frobnicate', 'alice');
    expect(replies(40).at(-1)!.body).toMatch(/unknown command "frobnicate"[\s\S]*\/orchestra help/);
  });

  it('explain describes a finding by fingerprint, with its CWE and fix', async () => {
    const fp = /orchestra:fp=([0-9a-f]{16})/.exec(h.fake.state.reviewCommentsOf(OWNER, REPO, 40)[0]!.body)![1]!;
    await comment(`/orchestra explain ${fp}`, 'alice');
    const body = replies(40).at(-1)!.body;
    expect(body).toContain('security/command-injection');
    expect(body).toContain('CWE-78');
    expect(body).toMatch(/execFile/);
  });

  it('review re-runs the review as a new check run on the same head', async () => {
    const runs = checkRunsFor(head).length;
    await comment('/orchestra review', 'alice');
    expect(checkRunsFor(head)).toHaveLength(runs + 1);
    expect(checkRunsFor(head).every((r) => r.status === 'completed')).toBe(true);
    expect(botComments(40).filter((c) => c.body.includes(SUMMARY_MARKER))).toHaveLength(1);
  });

  it('ignore silences a rule on this pull request and resolves its thread', async () => {
    await comment('/orchestra ignore security/command-injection the input is an enum', 'alice');
    expect(h.fake.violations).toEqual([]);
    const latest = checkRunsFor(head).at(-1)!;
    expect(latest.annotations.some((a) => String(a.title).startsWith('security/command-injection'))).toBe(false);
    expect(latest.conclusion).toBe('success');
    const thread = h.fake.state.reviewCommentsOf(OWNER, REPO, 40).find((c) => c.body.includes('command-injection'))!;
    expect(h.fake.state.resolvedThreads.has(`PRRT_${thread.id}`)).toBe(true);
    const summary = botComments(40).find((c) => c.body.includes(SUMMARY_MARKER))!;
    expect(summary.body).toMatch(/security\/command-injection.*by @alice: the input is an enum/);
  });

  it('pause skips automatic reviews until resume', async () => {
    await comment('/orchestra pause', 'alice');
    const head2 = shaOf('pr40-head2');
    h.fake.state.setPullRequest(OWNER, REPO, { number: 40, head: { sha: head2 }, base: { sha: base, ref: 'main' }, files: [{ filename: 'lib/git.js', status: 'added', patch: addedFilePatch(VULN) }] });
    h.fake.state.setFile(OWNER, REPO, 'lib/git.js', VULN, head2);
    await h.deliver('pull_request', pullRequestPayload('synchronize', 40, head2, base));
    await h.server.queue.idle();
    expect(checkRunsFor(head2)).toEqual([expect.objectContaining({ conclusion: 'skipped' })]);
    await comment('/orchestra resume', 'alice');
    expect(checkRunsFor(head2).map((r) => r.conclusion)).toEqual(['skipped', 'success']);
    expect(h.fake.violations).toEqual([]);
  });
});

describe('checks and pushes', () => {
  it('a re-requested check run runs the review again', async () => {
    const head = await openPull(50, { 'x.js': 'eval(process.argv[2]);\n' });
    const payload = examplePayload('check_run', 'rerequested');
    payload.installation = { id: INSTALLATION_ID };
    Object.assign(payload.repository, { name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}` });
    payload.repository.owner.login = OWNER;
    payload.check_run.name = 'Orchestra review';
    payload.check_run.head_sha = head;
    payload.check_run.check_suite.head_sha = head;
    payload.check_run.check_suite.pull_requests = [{ number: 50, id: 1, url: '', head: { ref: 'f', sha: head, repo: { id: 1, url: '', name: REPO } }, base: { ref: 'main', sha: base, repo: { id: 1, url: '', name: REPO } } }];
    expect((await h.deliver('check_run', payload)).status).toBe(200);
    await h.server.queue.idle();
    expect(checkRunsFor(head)).toHaveLength(2);
    expect(h.fake.violations).toEqual([]);
  });

  it('a push to the default branch is reviewed and reported as a check run on its head', async () => {
    const before = shaOf('push-before');
    const after = shaOf('push-after');
    const text = "const fs = require('fs');\nmodule.exports = (req) => fs.readFileSync('/data/' + req.params.name);\n";
    h.fake.state.setComparison(OWNER, REPO, `${before}...${after}`, { status: 'ahead', files: [{ filename: 'read.js', status: 'added', patch: addedFilePatch(text) }] });
    h.fake.state.setFile(OWNER, REPO, 'read.js', text, after);
    const payload = examplePayload('push');
    Object.assign(payload, { ref: 'refs/heads/main', before, after, deleted: false, installation: { id: INSTALLATION_ID } });
    Object.assign(payload.repository, { name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', html_url: `https://github.com/${OWNER}/${REPO}` });
    payload.repository.owner.login = OWNER;
    payload.repository.owner.name = OWNER;
    expect((await h.deliver('push', payload)).status).toBe(200);
    await h.server.queue.idle();
    expect(h.fake.violations).toEqual([]);
    const run = checkRunsFor(after)[0]!;
    expect(run.conclusion).toBe('failure');
    expect(run.annotations).toEqual([expect.objectContaining({ path: 'read.js', start_line: 2 })]);
    // A push to another branch is not reviewed.
    Object.assign(payload, { ref: 'refs/heads/topic', after: shaOf('topic') });
    await h.deliver('push', payload);
    await h.server.queue.idle();
    expect(checkRunsFor(shaOf('topic'))).toHaveLength(0);
  });
});

describe('deliveries that must be refused before any API call', () => {
  it('forged, unsigned and malformed deliveries are rejected and nothing is queued', async () => {
    const payload = pullRequestPayload('opened', 60, shaOf('forged'), base);
    const body = JSON.stringify(payload);
    const requests = h.fake.requests.length;
    const counts = await h.server.queue.counts();
    const attempts = [
      await h.deliver('pull_request', payload, { signature: sign('not-the-secret', body) }),
      await h.deliver('pull_request', payload, { signature: null }),
      await h.deliver('pull_request', payload, { signature: 'sha256=' }),
      await h.deliver('pull_request', payload, { signature: 'sha1=deadbeef' }),
      await h.deliver('pull_request', payload, { body: `${body} `, signature: sign(SECRET, body) }),
      await h.deliver('pull_request', null, { body: '{"action": "opened", ', signature: sign(SECRET, '{"action": "opened", ') }),
      await h.deliver('pull_request', null, { body: '\u0000\u0001binary', signature: sign(SECRET, '\u0000\u0001binary') }),
    ];
    for (const a of attempts) expect(a.status).toBeGreaterThanOrEqual(400);
    for (const a of attempts) expect(a.status).toBeLessThan(500);
    expect(h.fake.requests.length).toBe(requests);
    expect(await h.server.queue.counts()).toEqual(counts);
  });

  it('never writes the webhook secret or the private key to the log', () => {
    const text = h.logs.join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toMatch(/ghs_[A-Za-z0-9]{20,}/);
  });
});
