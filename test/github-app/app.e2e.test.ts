/**
 * The GitHub App end to end: real `orchestra serve` server, real signed deliveries with payloads from
 * @octokit/webhooks-examples, a strict fake GitHub that validates every request against GitHub's
 * OpenAPI description. What is asserted is what a user would see on the pull request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SUMMARY_MARKER } from '../../github-app/report/summary-comment.js';
import { addedFilePatch, OWNER, pullRequestPayload, REPO, shaOf, startHarness, type Harness } from './helpers/app-harness.js';

const VULNERABLE = `const { exec } = require('child_process');

function run(req, res) {
  const name = req.query.name;
  exec('ls ' + name, (err, out) => res.send(out));
  if (!!name) {
    let count = 1;
    return count;
  }
}

module.exports = { run };
`;

const FIXED = `const { execFile } = require('child_process');

function run(req, res) {
  const name = req.query.name;
  execFile('ls', [name], (err, out) => res.send(out));
  if (!!name) {
    let count = 1;
    return count;
  }
}

module.exports = { run };
`;

let h: Harness;
const BOT = 'orchestra[bot]';
const base = shaOf('base');
const head1 = shaOf('head-1');
const head2 = shaOf('head-2');

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

function botComments(number: number) {
  return h.fake.state.issueCommentsOf(OWNER, REPO, number).filter((c) => c.user === BOT);
}

describe('a pull request adding a command injection and an ESLint-fixable problem', () => {
  it('gets a failing check run with annotations on the right lines, one summary comment and an inline suggestion', async () => {
    h.fake.state.setPullRequest(OWNER, REPO, { number: 7, head: { sha: head1, ref: 'feature' }, base: { sha: base, ref: 'main' }, files: [{ filename: 'src/server.js', status: 'added', patch: addedFilePatch(VULNERABLE) }] });
    h.fake.state.setFile(OWNER, REPO, 'src/server.js', VULNERABLE, head1);

    const res = await h.deliver('pull_request', pullRequestPayload('opened', 7, head1, base));
    expect(res.status).toBe(200);
    await h.server.queue.idle();

    expect(h.fake.violations).toEqual([]);
    const runs = h.fake.state.checkRunsOf(OWNER, REPO).filter((r) => r.head_sha === head1);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.name).toBe('Orchestra review');
    expect(run.status).toBe('completed');
    expect(run.conclusion).toBe('failure');
    const byRule = new Map(run.annotations.map((a) => [String(a.title).split(' ')[0], a]));
    expect(byRule.get('security/command-injection')).toMatchObject({ path: 'src/server.js', start_line: 5, annotation_level: 'failure' });
    expect(byRule.get('eslint/no-extra-boolean-cast')).toMatchObject({ path: 'src/server.js', start_line: 6 });
    // Ranked by severity: errors first.
    expect(run.annotations[0]!.annotation_level).toBe('failure');

    const comments = botComments(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(SUMMARY_MARKER);
    expect(comments[0]!.body).toContain('security/command-injection');

    const reviews = h.fake.state.reviewsOf(OWNER, REPO, 7);
    expect(reviews).toHaveLength(1);
    const inline = h.fake.state.reviewCommentsOf(OWNER, REPO, 7);
    const suggestion = inline.find((c) => c.body.includes('no-extra-boolean-cast'));
    expect(suggestion).toMatchObject({ path: 'src/server.js', line: 6, side: 'RIGHT' });
    expect(suggestion!.body).toMatch(/```suggestion\n {2}if \(name\) \{\n```/);
    expect(inline.find((c) => c.body.includes('command-injection'))).toMatchObject({ line: 5 });
  });

  it('on a second push edits the summary, resolves the fixed finding’s thread and does not re-post unchanged findings', async () => {
    const fixedPatch = '@@ -1,5 +1,5 @@\n-const { exec } = require(\'child_process\');\n+const { execFile } = require(\'child_process\');\n \n function run(req, res) {\n   const name = req.query.name;\n-  exec(\'ls \' + name, (err, out) => res.send(out));\n+  execFile(\'ls\', [name], (err, out) => res.send(out));';
    h.fake.state.setPullRequest(OWNER, REPO, { number: 7, head: { sha: head2, ref: 'feature' }, base: { sha: base, ref: 'main' }, files: [{ filename: 'src/server.js', status: 'added', patch: addedFilePatch(FIXED) }] });
    h.fake.state.setFile(OWNER, REPO, 'src/server.js', FIXED, head2);
    h.fake.state.setComparison(OWNER, REPO, `${head1}...${head2}`, { status: 'ahead', files: [{ filename: 'src/server.js', status: 'modified', patch: fixedPatch }] });
    const before = h.fake.state.reviewCommentsOf(OWNER, REPO, 7).length;

    const res = await h.deliver('pull_request', pullRequestPayload('synchronize', 7, head2, base));
    expect(res.status).toBe(200);
    await h.server.queue.idle();

    expect(h.fake.violations).toEqual([]);
    const run = h.fake.state.checkRunsOf(OWNER, REPO).find((r) => r.head_sha === head2)!;
    expect(run.conclusion).toBe('failure'); // the boolean cast is still an error
    expect(run.annotations.map((a) => String(a.title).split(' ')[0])).toEqual(['eslint/no-extra-boolean-cast']);

    const comments = botComments(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(head2.slice(0, 7));
    expect(comments[0]!.body).toMatch(/0 new, 1 fixed/);

    // Nothing new to say inline; the command-injection thread is resolved.
    expect(h.fake.state.reviewCommentsOf(OWNER, REPO, 7)).toHaveLength(before);
    const injection = h.fake.state.reviewCommentsOf(OWNER, REPO, 7).find((c) => c.body.includes('command-injection'))!;
    expect(h.fake.state.resolvedThreads.has(`PRRT_${injection.id}`)).toBe(true);
    const cast = h.fake.state.reviewCommentsOf(OWNER, REPO, 7).find((c) => c.body.includes('no-extra-boolean-cast'))!;
    expect(h.fake.state.resolvedThreads.has(`PRRT_${cast.id}`)).toBe(false);
  });
});
