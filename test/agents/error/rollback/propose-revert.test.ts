import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proposeRevert, type ProposeRevertOptions } from '../../../../agents/error/rollback/index.js';
import { AuditTrail } from '../../../../shared/audit/audit-trail.js';
import { readAudit } from '../../../../shared/audit/read-audit.js';
import { verifyAuditLog } from '../../../../shared/audit/verify-audit-log.js';
import { InProcessEventBus } from '../../../../shared/bus/in-process-bus.js';
import { CancelledError } from '../../../../shared/errors/errors.js';
import { ApprovalService, type PendingApproval } from '../../../../shared/governance/approval-service.js';
import { PolicyEngine } from '../../../../shared/governance/policy-engine.js';
import type { PolicyInput } from '../../../../shared/governance/policy.js';
import { makeRepo, type TempRepo } from '../../../helpers/git-repo.js';
import { snapshot } from '../bisect/history.js';

const APP_BEFORE = 'start\nvalue = 1\nend\n';
const APP_AFTER = 'start\nvalue = 2\nend\n';

let privateTmp: string;
let savedTmp: string | undefined;
let repo: TempRepo;
let origin: TempRepo;
let culprit: string;
let later: string;
let bus: InProcessEventBus;
let trail: AuditTrail;
let log: string;
let engine: PolicyEngine;
let approvals: ApprovalService;
const requests: PendingApproval[] = [];

beforeAll(() => {
  // A private TMPDIR, so the test sees that no temporary worktree folder is left behind.
  savedTmp = process.env.TMPDIR;
  privateTmp = mkdtempSync(join(tmpdir(), 'orchestra-test-rollback-'));
  process.env.TMPDIR = privateTmp;
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(privateTmp, { recursive: true, force: true });
});

/** main: base → culprit (value 1 → 2) → later (lib.txt); pushed to a bare origin; then the tree is made dirty. */
beforeEach(async () => {
  repo = makeRepo('orchestra-test-revert-');
  repo.write('app.txt', APP_BEFORE);
  repo.write('lib.txt', 'lib v1\n');
  repo.commit('base');
  repo.write('app.txt', APP_AFTER);
  culprit = repo.commit('raise the value');
  repo.write('lib.txt', 'lib v2\n');
  later = repo.commit('update lib');
  origin = makeRepo('orchestra-test-origin-');
  origin.git('config', 'receive.denyCurrentBranch', 'ignore');
  repo.git('remote', 'add', 'origin', origin.dir);
  repo.git('push', '--quiet', 'origin', 'main');
  // Dirty: a modified tracked file, a staged new file, an untracked file.
  repo.write('lib.txt', 'lib v3, not committed\n');
  repo.write('staged.txt', 'staged\n');
  repo.git('add', 'staged.txt');
  repo.write('untracked.txt', 'untracked\n');

  log = join(repo.dir, '..', `${repo.dir.split('/').pop()}-audit.jsonl`);
  trail = await AuditTrail.open(log, { durability: 'none' });
  bus = new InProcessEventBus();
  requests.length = 0;
  setup({ grants: { 'error-rollback': 'critical' }, approvalTimeoutMs: 5_000 });
});

afterEach(async () => {
  engine.dispose();
  approvals.dispose();
  bus.dispose();
  await trail.close();
  expect((await verifyAuditLog(log)).ok).toBe(true);
  expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  expect(readdirSync(privateTmp).filter((name) => name.startsWith('orchestra-revert-'))).toEqual([]);
  rmSync(log, { force: true });
  rmSync(`${log}.head`, { force: true });
  repo.cleanup();
  origin.cleanup();
});

function setup(policy: PolicyInput): void {
  engine?.dispose();
  approvals?.dispose();
  engine = new PolicyEngine({ policy, bus, audit: trail });
  approvals = new ApprovalService(bus);
  approvals.onDidRequest((request) => requests.push(request));
}

/** Answers every approval request with `approved`, after checking that no revert branch exists yet. */
function answerWith(approved: boolean, by = 'alice', check?: () => void): void {
  approvals.onDidRequest((request) => {
    check?.();
    approvals.decide(request.requestId, approved, by, approved ? 'looks right' : 'not now').catch(() => undefined);
  });
}

function propose(extra: Partial<ProposeRevertOptions> = {}): ReturnType<typeof proposeRevert> {
  return proposeRevert({ repo: repo.dir, culprit, engine, user: 'alice', ...extra });
}

const revertBranches = (): string => repo.git('for-each-ref', '--format=%(refname)', 'refs/heads/orchestra');

async function audited(): Promise<Awaited<ReturnType<typeof readAudit>>> {
  await trail.flush();
  return readAudit(log);
}

describe('proposeRevert', () => {
  it('creates nothing before approval; once approved, a new branch holds the revert on top of HEAD and the working tree is untouched', async () => {
    const before = snapshot(repo);
    const remoteBefore = repo.git('ls-remote', 'origin');
    answerWith(true, 'alice', () => expect(revertBranches()).toBe(''));
    const outcome = await propose();

    const short = repo.git('rev-parse', '--short', culprit).trim();
    expect(outcome).toEqual({ status: 'reverted', branch: `orchestra/revert-${short}`, commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    if (outcome.status !== 'reverted') throw new Error('unreachable');
    expect(repo.git('rev-parse', outcome.branch).trim()).toBe(outcome.commit);
    expect(repo.git('rev-parse', `${outcome.commit}^`).trim()).toBe(later);
    expect(repo.git('show', `${outcome.commit}:app.txt`)).toBe(APP_BEFORE);
    expect(repo.git('show', `${outcome.commit}:lib.txt`)).toBe('lib v2\n');
    const message = repo.git('log', '-1', '--format=%B', outcome.commit);
    expect(message).toMatch(/^Revert "raise the value"/);
    expect(message).toContain(`This reverts commit ${culprit}.`);
    expect(repo.git('log', '-1', '--format=%(trailers:key=Orchestra-Revert-Of,valueonly)', outcome.commit).trim()).toBe(culprit);

    // The user's tree, index, HEAD, branch and stash are as they were; only the new branch was added; nothing was pushed.
    const after = snapshot(repo);
    expect({ ...after, refs: '' }).toEqual({ ...before, refs: '' });
    expect((after.refs ?? '').split('\n').filter(Boolean).sort()).toEqual([...(before.refs ?? '').split('\n').filter(Boolean), `refs/heads/${outcome.branch} ${outcome.commit}`].sort());
    expect(repo.git('ls-remote', 'origin')).toBe(remoteBefore);

    // One approval request, at level critical, saying what will happen.
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ agentId: 'error-rollback', action: 'git.revert', level: 'critical' });
    expect(requests[0]!.summary).toMatch(new RegExp(`revert ${short} "raise the value" on a new branch orchestra/revert-${short} \\(1 file changed.*nothing is pushed`));

    // Audited: the approval decision, then the action with its output.
    const entries = (await audited()).filter((e) => e.action === 'git.revert');
    expect(entries).toEqual([
      expect.objectContaining({ agentId: 'error-rollback', user: 'alice', level: 'critical', status: 'ok', decision: 'approved', approval: expect.objectContaining({ by: 'alice' }) }),
      expect.objectContaining({ agentId: 'error-rollback', status: 'ok', output: { branch: outcome.branch, commit: outcome.commit } }),
    ]);
    expect(entries[1]!.input).toMatchObject({ culprit, mode: 'branch', branch: outcome.branch, revertCommit: outcome.commit, files: ['app.txt'] });

    // Counted for today in the repository's git folder.
    const state = JSON.parse(readFileSync(join(repo.dir, '.git', 'orchestra', 'revert-cap.json'), 'utf8')) as { reverts: { culprit: string }[] };
    expect(state.reverts).toEqual([expect.objectContaining({ culprit })]);
  });

  it('creates no branch when the approval is denied, and audits the denial', async () => {
    const before = snapshot(repo);
    answerWith(false, 'bob');
    const outcome = await propose();
    expect(outcome).toEqual({ status: 'denied', reason: expect.stringMatching(/denied by bob: not now/) });
    expect(revertBranches()).toBe('');
    expect(snapshot(repo)).toEqual(before);
    const entries = (await audited()).filter((e) => e.action === 'git.revert');
    expect(entries).toEqual([expect.objectContaining({ status: 'denied', decision: 'denied', approval: expect.objectContaining({ by: 'bob' }) })]);
    // The reserved slot was given back.
    expect(JSON.parse(readFileSync(join(repo.dir, '.git', 'orchestra', 'revert-cap.json'), 'utf8'))).toMatchObject({ reverts: [] });
  });

  it('reverts nothing when no one answers in time', async () => {
    setup({ grants: { 'error-rollback': 'critical' }, approvalTimeoutMs: 300 });
    const outcome = await propose();
    expect(outcome).toEqual({ status: 'denied', reason: expect.stringMatching(/timed out: no answer within 300 ms/) });
    expect(requests).toHaveLength(1);
    expect(revertBranches()).toBe('');
  });

  it('is refused without asking anyone when the agent is not granted critical', async () => {
    setup({ grants: { 'error-rollback': 'execute' } });
    const outcome = await propose();
    expect(outcome).toEqual({ status: 'denied', reason: expect.stringMatching(/refused: agent "error-rollback" is granted execute but "git.revert" needs critical/) });
    expect(requests).toHaveLength(0);
    expect(revertBranches()).toBe('');
  });

  it('honours an Orchestra-No-Revert trailer in the culprit message without asking', async () => {
    repo.git('stash', 'push', '--quiet', '--include-untracked');
    repo.write('migration.sql', 'ALTER TABLE t ADD c int;\n');
    repo.git('add', 'migration.sql');
    repo.git('commit', '--quiet', '-m', 'risky but deliberate\n\nDo not auto-revert: migrations ran.\n\nOrchestra-No-Revert: true\nSigned-off-by: A <a@example.invalid>');
    const optedOut = repo.git('rev-parse', 'HEAD').trim();
    repo.git('stash', 'pop', '--quiet', '--index');
    answerWith(true);
    expect(await propose({ culprit: optedOut })).toEqual({ status: 'opted-out' });
    expect(requests).toHaveLength(0);
    expect(revertBranches()).toBe('');
    // The culprit without the trailer is not opted out.
    expect((await propose()).status).toBe('reverted');
  });

  it('caps reverts per day, counting only reverts that happened; a new day starts from zero', async () => {
    answerWith(true);
    expect((await propose({ maxPerDay: 1 })).status).toBe('reverted');
    expect(await propose({ culprit: later, maxPerDay: 1 })).toEqual({ status: 'capped', limit: 1 });
    expect(requests).toHaveLength(1);
    expect(await propose({ maxPerDay: 0, statePath: join(privateTmp, 'unused.json') })).toEqual({ status: 'capped', limit: 0 });

    const statePath = join(privateTmp, `cap-${Date.now()}.json`);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const full = Array.from({ length: 5 }, (_, i) => ({ id: `x${i}`, culprit, at: `${yesterday}T10:00:00.000Z` }));
    writeFileSync(statePath, JSON.stringify({ version: 1, day: yesterday, reverts: full }));
    expect((await propose({ culprit: later, maxPerDay: 1, statePath })).status).toBe('reverted');
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ day: new Date().toISOString().slice(0, 10), reverts: [expect.objectContaining({ culprit: later })] });

    writeFileSync(statePath, '{ not json');
    await expect(propose({ culprit: later, statePath })).rejects.toThrow(/not valid JSON of the expected shape; reverts are refused/);
    rmSync(statePath);
  });

  it('reports a conflicting revert without asking, and leaves no branch or worktree', async () => {
    repo.git('stash', 'push', '--quiet', '--include-untracked');
    repo.write('app.txt', 'start\nvalue = 7\nend\n');
    repo.commit('change the same line again');
    repo.git('stash', 'pop', '--quiet', '--index');
    const before = snapshot(repo);
    answerWith(true);
    expect(await propose()).toEqual({ status: 'conflict', files: ['app.txt'] });
    expect(requests).toHaveLength(0);
    expect(revertBranches()).toBe('');
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo.dir, '.git', 'orchestra', 'revert-cap.json'))).toBe(false);
  });

  it('writes a patch file in patch mode, creating no branch', async () => {
    const before = snapshot(repo);
    answerWith(true);
    const outcome = await propose({ mode: 'patch' });
    if (outcome.status !== 'patch') throw new Error(`expected a patch, got ${outcome.status}`);
    expect(outcome.patch).toMatch(/^From [0-9a-f]{40} /);
    expect(outcome.patch).toContain('Subject: [PATCH] Revert "raise the value"');
    expect(outcome.patch).toContain('-value = 2\n+value = 1');
    expect(outcome.file.startsWith(join(repo.dir, '.git', 'orchestra', 'patches'))).toBe(true);
    expect(readFileSync(outcome.file, 'utf8')).toBe(outcome.patch);
    expect(revertBranches()).toBe('');
    expect(snapshot(repo)).toEqual(before);
    repo.git('apply', '--check', outcome.file);
    const action = (await audited()).filter((e) => e.action === 'git.revert' && e.decision === undefined);
    expect(action).toEqual([expect.objectContaining({ status: 'ok', output: expect.objectContaining({ file: outcome.file, bytes: Buffer.byteLength(outcome.patch) }) })]);
  });

  it('takes the next free branch name when the revert branch exists already', async () => {
    answerWith(true);
    const first = await propose();
    const second = await propose();
    expect(first.status === 'reverted' && second.status === 'reverted').toBe(true);
    if (first.status !== 'reverted' || second.status !== 'reverted') return;
    expect(second.branch).toBe(`${first.branch}-2`);
  });

  it('rejects with CancelledError when cancelled while waiting for approval, leaving no branch and no used slot', async () => {
    const controller = new AbortController();
    approvals.onDidRequest(() => setTimeout(() => controller.abort(), 50));
    await expect(propose({ signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(revertBranches()).toBe('');
    expect(JSON.parse(readFileSync(join(repo.dir, '.git', 'orchestra', 'revert-cap.json'), 'utf8'))).toMatchObject({ reverts: [] });
    expect((await audited()).filter((e) => e.action === 'git.revert')).toEqual([expect.objectContaining({ status: 'cancelled', decision: 'cancelled' })]);
  });

  it('refuses a culprit outside HEAD history and bad options', async () => {
    await expect(propose({ culprit: 'no-such-ref' })).rejects.toThrow(/names no commit/);
    repo.git('branch', 'side', `${culprit}^`);
    repo.git('update-ref', 'refs/heads/side', repo.git('commit-tree', '-p', 'side', '-m', 'side work', `${culprit}^{tree}`).trim());
    await expect(propose({ culprit: 'side' })).rejects.toThrow(/not in the history of HEAD/);
    await expect(propose({ mode: 'push' as 'branch' })).rejects.toThrow(/mode must be/);
    await expect(propose({ maxPerDay: -1 })).rejects.toThrow(/maxPerDay/);
  });
});
