import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCulprit, type BisectStep } from '../../../../agents/error/bisect/index.js';
import { CancelledError } from '../../../../shared/errors/errors.js';
import type { TempRepo } from '../../../helpers/git-repo.js';
import { regressionRepo, snapshot } from './history.js';

/** A private TMPDIR, so the test can see that no temporary worktree folder is left behind. */
let privateTmp: string;
let savedTmp: string | undefined;
const repos: TempRepo[] = [];

beforeAll(() => {
  privateTmp = mkdtempSync(join(tmpdir(), 'orchestra-test-isolation-'));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(privateTmp, { recursive: true, force: true });
});
afterEach(() => {
  for (const repo of repos.splice(0)) {
    // No worktree registered, no temporary worktree folder left.
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    repo.cleanup();
  }
  expect(readdirSync(privateTmp).filter((name) => name.startsWith('orchestra-bisect-'))).toEqual([]);
});

function setup(count: number, culpritIndex: number): ReturnType<typeof regressionRepo> {
  const made = regressionRepo(count, culpritIndex);
  repos.push(made.repo);
  return made;
}

/** Makes the tree as dirty as it gets: a stash entry, a modified tracked file, a staged change, an untracked file. */
function dirty(repo: TempRepo): void {
  repo.write('notes/n2.txt', 'stashed change\n');
  repo.git('stash', 'push', '--quiet', '-m', 'work in progress');
  // The user's own (uncommitted) fix: if the search ran here, it would see the command pass.
  repo.write('calc.txt', 'factor = 2\nlocal fix\n');
  repo.write('notes/n1.txt', 'staged change\n');
  repo.git('add', 'notes/n1.txt');
  repo.write('untracked.txt', 'not in git\n');
}

describe('findCulprit leaves the user repository alone', () => {
  it('keeps a dirty working tree, the index, HEAD, the stash and bisect state exactly as they were', async () => {
    const { repo, shas, culprit, test } = setup(80, 50);
    dirty(repo);
    const before = snapshot(repo);
    const during: { bisectLog: boolean; head: string; worktrees: number }[] = [];
    const report = await findCulprit({
      repo: repo.dir,
      command: test,
      good: shas[0]!,
      onStep: () => {
        during.push({
          bisectLog: existsSync(join(repo.dir, '.git', 'BISECT_LOG')),
          head: repo.git('rev-parse', 'HEAD'),
          worktrees: repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)!.length,
        });
      },
    });
    expect(report.culprit?.sha).toBe(culprit);
    expect(snapshot(repo)).toEqual(before);
    expect(before.status).toMatch(/^ M calc\.txt$/m);
    expect(before.status).toMatch(/^M {2}notes\/n1\.txt$/m);
    expect(before.status).toMatch(/^\?\? untracked\.txt$/m);
    expect(before.stash).toMatch(/work in progress/);
    expect(existsSync(join(repo.dir, '.git', 'BISECT_LOG'))).toBe(false);
    expect(existsSync(join(repo.dir, '.git', 'BISECT_START'))).toBe(false);
    expect(repo.git('for-each-ref', 'refs/bisect')).toBe('');
    // While it ran: a second worktree existed, and the user's repository never had bisect state.
    expect(during.length).toBeGreaterThan(5);
    expect(during.every((d) => !d.bisectLog && d.head === before.head && d.worktrees === 2)).toBe(true);
  });

  it('leaves the user repository alone while the user is bisecting by hand', async () => {
    const { repo, shas, culprit, test } = setup(40, 20);
    repo.git('bisect', 'start', shas[39]!, shas[0]!);
    const before = snapshot(repo);
    const log = repo.git('bisect', 'log');
    const report = await findCulprit({ repo: repo.dir, command: test, good: shas[0]!, bad: shas[39]!, flakeRetries: 0 });
    expect(report.culprit?.sha).toBe(culprit);
    expect(snapshot(repo)).toEqual(before);
    expect(repo.git('bisect', 'log')).toBe(log);
    repo.git('bisect', 'reset');
  });

  it('stops at the time budget and reports the range left', async () => {
    const { repo, shas, culprit } = setup(200, 123);
    // 2 + 8 runs of 0.6 s would need 6 s: the budget stops it part way through bisection.
    const command = ['sh', '-c', "sleep 0.6; ! grep -q 'factor = 3' calc.txt"];
    const started = Date.now();
    const report = await findCulprit({ repo: repo.dir, command, good: shas[0]!, budgetMs: 5000, flakeRetries: 0 });
    const elapsed = Date.now() - started;

    expect(report.status).toBe('partial');
    expect(elapsed).toBeLessThan(5000 + 1500);
    expect(report.range.good).toHaveLength(1);
    expect(report.range.remaining).toBeLessThan(report.range.commits);
    expect(report.range.remaining).toBeGreaterThan(1);
    expect(report.range.text).toMatch(/^between [0-9a-f]{10} \(good\) and [0-9a-f]{10} \(bad\): \d+ commits in question$/);
    expect(report.summary).toMatch(/time budget ran out/);
    // The culprit lies in the range reported.
    const inRange = repo.git('rev-list', report.range.bad, '--not', ...report.range.good).trim().split('\n');
    expect(inRange).toHaveLength(report.range.remaining);
    expect(inRange).toContain(culprit);
  });

  it('rejects with CancelledError when aborted between steps, and removes the worktree', async () => {
    const { repo, shas, test } = setup(100, 60);
    const before = snapshot(repo);
    const controller = new AbortController();
    let steps = 0;
    const run = findCulprit({
      repo: repo.dir,
      command: test,
      good: shas[0]!,
      signal: controller.signal,
      onStep: (step: BisectStep) => {
        if (++steps === 5) controller.abort(new Error('user pressed stop'));
        expect(step.index).toBe(steps);
      },
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(steps).toBe(5);
    expect(snapshot(repo)).toEqual(before);
  });

  it('kills a running command on abort (its whole process group) and rejects at once', async () => {
    const { repo, shas } = setup(10, 5);
    const marker = `${Math.floor(Math.random() * 1e6) + 1000}.5`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 400);
    const started = Date.now();
    await expect(findCulprit({ repo: repo.dir, command: ['sh', '-c', `sleep ${marker} & wait`], good: shas[0]!, signal: controller.signal })).rejects.toThrow(CancelledError);
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(5000);
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes).not.toContain(`sleep ${marker}`);
  });
});
