import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCulprit } from '../../../../agents/error/bisect/index.js';
import { regressionRepo } from './history.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(count: number, culpritIndex: number): ReturnType<typeof regressionRepo> {
  const made = regressionRepo(count, culpritIndex);
  cleanups.push(() => made.repo.cleanup());
  return made;
}

describe('findCulprit when bisection is impossible', () => {
  it('says so when the command passes at the bad commit (after re-running it)', async () => {
    const { repo } = setup(10, 100);
    const report = await findCulprit({ repo: repo.dir, command: ['true'] });
    expect(report).toMatchObject({ status: 'impossible', impossible: { reason: 'passes-at-bad' }, runs: { total: 3, bounded: 1, flake: 2 } });
    expect(report.impossible!.detail).toMatch(/passes at [0-9a-f]{10} \(3 of 3 runs\)/);
    expect(report.summary).toMatch(/rankSuspects/);
    expect(report.evidence.bad?.exitCode).toBe(0);
  });

  it('says so when no passing commit exists back to the first one', async () => {
    const { repo } = setup(40, 0);
    const report = await findCulprit({ repo: repo.dir, command: ['false'], flakeRetries: 0 });
    expect(report.status).toBe('impossible');
    expect(report.impossible).toMatchObject({ reason: 'no-good-ref', detail: expect.stringMatching(/the first commit .*39 commits before/) });
    // bad, then ~1, ~2, ~4, ~8, ~16, ~32 and the root (~39).
    expect(report.runs).toMatchObject({ total: 8, discovery: 7, bounded: 1 });
  });

  it('says so when the command also fails at the given good commit', async () => {
    const { repo, shas } = setup(10, 0);
    const report = await findCulprit({ repo: repo.dir, command: ['false'], good: shas[2]! });
    expect(report.impossible).toMatchObject({ reason: 'fails-at-good', detail: expect.stringMatching(/fails at the good commit/) });
  });

  it('says the history is shallow when stepping back reaches the edge of a shallow clone', async () => {
    const { repo, test } = setup(60, 10);
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-test-shallow-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clone = join(dir, 'clone');
    execFileSync('git', ['clone', '--quiet', '--depth', '20', `file://${repo.dir}`, clone], { env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } });
    const report = await findCulprit({ repo: clone, command: test, flakeRetries: 0 });
    expect(report.status).toBe('impossible');
    expect(report.impossible).toMatchObject({ reason: 'shallow', detail: expect.stringMatching(/edge of this shallow clone .*19 commits before/) });
    // The same search in the full repository finds it.
    const full = await findCulprit({ repo: repo.dir, command: test, flakeRetries: 0 });
    expect(full.status).toBe('found');
  });
});

