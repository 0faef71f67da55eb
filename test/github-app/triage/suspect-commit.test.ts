import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Probot } from 'probot';
import type { Octokit } from '../../../github-app/github/octokit.js';
import { CommitReader, findSuspect, lineThroughPatch } from '../../../github-app/triage/suspect-commit.js';
import { startFakeGithub, type FakeCommit, type FakeGithub } from '../../helpers/fake-github/index.js';
import { appKeys, TestOctokit } from '../helpers/app-harness.js';
import { githubPatch } from '../helpers/ci-log.js';

const lines = (n: number, label = 'line') => Array.from({ length: n }, (_, i) => `${label} ${i + 1}`);
const text = (list: string[]) => `${list.join('\n')}\n`;

describe('lineThroughPatch', () => {
  const before = lines(40);

  it('says a modified or added line was changed', () => {
    const after = [...before];
    after[19] = 'line 20 modified';
    expect(lineThroughPatch(githubPatch(text(before), text(after)), 20)).toEqual({ kind: 'changed' });
    const inserted = [...before.slice(0, 10), 'new a', 'new b', ...before.slice(10)];
    expect(lineThroughPatch(githubPatch(text(before), text(inserted)), 12)).toEqual({ kind: 'changed' });
  });

  it('maps a line below insertions and deletions back to its old number, and above them to itself', () => {
    const after = [...before.slice(0, 5), 'x', 'y', 'z', ...before.slice(5, 30), ...before.slice(33)];
    const patch = githubPatch(text(before), text(after));
    expect(lineThroughPatch(patch, 3)).toEqual({ kind: 'kept', before: 3 });
    expect(lineThroughPatch(patch, 20)).toEqual({ kind: 'kept', before: 17 }); // inside no hunk, after +3
    expect(lineThroughPatch(patch, 37)).toEqual({ kind: 'kept', before: 37 }); // after +3 and −3
    expect(after[36]).toBe(before[36]);
    expect(after[19]).toBe(before[16]);
  });

  it('maps a context line inside a hunk to its old number', () => {
    const after = [...before.slice(0, 10), 'inserted', ...before.slice(10)];
    const patch = githubPatch(text(before), text(after));
    expect(lineThroughPatch(patch, 13)).toEqual({ kind: 'kept', before: 12 });
    expect(lineThroughPatch(patch, 9)).toEqual({ kind: 'kept', before: 9 });
  });

  it('flags lines deleted right above or below the line (a removed guard), not a replaced neighbour', () => {
    const after = [...before.slice(0, 10), ...before.slice(12)]; // old 11, 12 deleted
    const patch = githubPatch(text(before), text(after));
    expect(lineThroughPatch(patch, 11)).toEqual({ kind: 'removed-next-to', removed: 2 }); // old 13, right below the gap
    expect(lineThroughPatch(patch, 10)).toEqual({ kind: 'removed-next-to', removed: 2 }); // right above it
    expect(lineThroughPatch(patch, 13)).toEqual({ kind: 'kept', before: 15 });
    const replaced = [...before];
    replaced[10] = 'line 11 rewritten';
    expect(lineThroughPatch(githubPatch(text(before), text(replaced)), 12)).toEqual({ kind: 'kept', before: 12 });
  });

  it('handles pure additions at the top of a file and whole new files', () => {
    const after = ['// header', '// more', ...before];
    expect(lineThroughPatch(githubPatch(text(before), text(after)), 6)).toEqual({ kind: 'kept', before: 4 });
    expect(lineThroughPatch(githubPatch('', text(before)), 7)).toEqual({ kind: 'changed' });
  });

  it('follows a line through several hunks', () => {
    const after = [...before];
    after.splice(35, 1); // delete old 36
    after.splice(2, 0, 'a', 'b'); // insert two after old 2
    const patch = githubPatch(text(before), text(after));
    expect(patch.match(/^@@/gm)).toHaveLength(2);
    expect(lineThroughPatch(patch, 22)).toEqual({ kind: 'kept', before: 20 });
    expect(lineThroughPatch(patch, 39)).toEqual({ kind: 'kept', before: 38 });
    expect(after[38]).toBe(before[37]);
  });
});

describe('findSuspect against the fake GitHub', () => {
  const OWNER = 'octo-org';
  const REPO = 'suspects';
  const APP_ID = 31;
  let fake: FakeGithub;
  let octokit: Octokit;

  const GUARDED = "export function greet(user) {\n  if (!user.profile) return 'Hello!';\n  return `Hello, ${user.profile.name}!`;\n}\n";
  const UNGUARDED = 'export function greet(user) {\n  return `Hello, ${user.profile.name}!`;\n}\n';

  beforeAll(async () => {
    const { privateKey } = appKeys();
    fake = await startFakeGithub({ privateKey, appId: APP_ID, installationIds: [5] });
    const probot = new Probot({ appId: APP_ID, privateKey, baseUrl: fake.url, Octokit: TestOctokit, log: pino({ level: 'silent' }) });
    octokit = (await probot.auth(5)) as Octokit;
  });

  afterAll(async () => {
    await fake.stop();
  });

  function seed(number: number, commits: FakeCommit[]): void {
    for (const c of commits) fake.state.setCommit(OWNER, REPO, c);
    fake.state.setPullRequest(OWNER, REPO, { number, head: { sha: commits.at(-1)!.sha }, base: { sha: 'b'.repeat(40) }, commits: commits.map((c) => c.sha) });
  }

  it('names the commit that removed a guard right above the failing line', async () => {
    seed(1, [
      { sha: '1'.repeat(40), message: 'Add greet', files: [{ filename: 'src/greet.js', status: 'added', patch: githubPatch('', GUARDED) }] },
      { sha: '2'.repeat(40), message: 'Simplify greet', author: 'carol', files: [{ filename: 'src/greet.js', status: 'modified', patch: githubPatch(GUARDED, UNGUARDED) }] },
      { sha: '3'.repeat(40), message: 'Docs', files: [{ filename: 'README.md', status: 'modified', patch: githubPatch('a\n', 'b\n') }] },
    ]);
    const search = await findSuspect(1, [{ file: 'src/greet.js', line: 2, role: 'fault' }], new CommitReader(octokit, { owner: OWNER, repo: REPO }));
    expect(search).toMatchObject({ examined: 2, commits: 3, suspect: { how: 'removed-next-to', removed: 1, commit: { sha: '2'.repeat(40), title: 'Simplify greet', author: 'carol' } } });
    expect(fake.violations).toEqual([]);
  });

  it('follows a renamed file back, and falls back to a caller’s line (marked as such) when the failing line predates the pull request', async () => {
    const before = lines(10, 'util');
    const moved = [...before];
    moved[2] = 'util 3 changed';
    seed(2, [
      { sha: '4'.repeat(40), message: 'Change util 3 in the old file', files: [{ filename: 'lib/util.js', status: 'modified', patch: githubPatch(text(before), text(moved)) }] },
      { sha: '5'.repeat(40), message: 'Move util', files: [{ filename: 'src/util.js', previous_filename: 'lib/util.js', status: 'renamed', patch: githubPatch(text(moved), text(['// moved', ...moved])) }] },
      { sha: '6'.repeat(40), message: 'New test', files: [{ filename: 'test/util.test.js', status: 'added', patch: githubPatch('', 'x\ny\n') }] },
    ]);
    const reader = new CommitReader(octokit, { owner: OWNER, repo: REPO });
    const renamed = await findSuspect(2, [{ file: 'src/util.js', line: 4, role: 'fault' }], reader);
    expect(renamed.suspect).toMatchObject({ how: 'changed', file: 'lib/util.js', lineThen: 3, fileNow: 'src/util.js', lineNow: 4, commit: { sha: '4'.repeat(40) } });

    const callerOnly = await findSuspect(2, [{ file: 'src/util.js', line: 9, role: 'fault' }, { file: 'test/util.test.js', line: 2, role: 'caller' }], reader);
    expect(callerOnly.suspect).toMatchObject({ role: 'caller', how: 'added-file', commit: { sha: '6'.repeat(40) } });
    expect(callerOnly.examined).toBe(3);
    // The commits were read once for both searches.
    expect(fake.requests.filter((r) => r.operationId === 'repos/get-commit' && r.path.endsWith('6'.repeat(40)))).toHaveLength(1);
    expect(fake.requests.filter((r) => r.operationId === 'pulls/list-commits' && r.path.includes('/pulls/2/'))).toHaveLength(1);
  });

  it('finds nothing when no commit touched the lines, and says so without failing on an unreadable commit', async () => {
    seed(3, [{ sha: '7'.repeat(40), message: 'Docs', files: [{ filename: 'README.md', status: 'modified', patch: githubPatch('a\n', 'b\n') }] }]);
    expect(await findSuspect(3, [{ file: 'src/greet.js', line: 2, role: 'fault' }], new CommitReader(octokit, { owner: OWNER, repo: REPO }))).toEqual({ examined: 1, commits: 1 });
    fake.state.setPullRequest(OWNER, REPO, { number: 4, head: { sha: '9'.repeat(40) }, base: { sha: 'b'.repeat(40) }, commits: ['9'.repeat(40)] });
    expect(await findSuspect(4, [{ file: 'src/greet.js', line: 2, role: 'fault' }], new CommitReader(octokit, { owner: OWNER, repo: REPO }))).toMatchObject({ examined: 0, note: expect.stringContaining('could not be read (422)') });
  });
});
