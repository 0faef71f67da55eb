import { afterEach, describe, expect, it } from '@jest/globals';
import { findCulprit, type BisectStep } from '../../../../agents/error/bisect/index.js';
import type { TempRepo } from '../../../helpers/git-repo.js';
import { regressionRepo } from './history.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** Commits `from`..`to` (indices) carry a `broken` file: they do not build. */
function brokenBetween(from: number, to: number): (i: number) => Record<string, string | null> {
  return (i): Record<string, string | null> => {
    if (i >= from && i <= to) return { broken: `broken at ${i}\n` };
    return i === to + 1 ? { broken: null } : {};
  };
}

function setup(count: number, culpritIndex: number, from: number, to: number): ReturnType<typeof regressionRepo> {
  const made = regressionRepo(count, culpritIndex, brokenBetween(from, to));
  repos.push(made.repo);
  return made;
}

describe('findCulprit skips commits that cannot be tested', () => {
  it('skips commits whose build fails (git bisect skip) and still finds the culprit', async () => {
    // The first midpoints of 0..200 land in the broken stretch.
    const { repo, shas, culprit, test } = setup(201, 150, 95, 105);
    const steps: BisectStep[] = [];
    const report = await findCulprit({ repo: repo.dir, command: test, build: ['sh', '-c', 'test ! -f broken'], good: shas[0]!, flakeRetries: 0, onStep: (s) => steps.push(s) });

    expect(report.status).toBe('found');
    expect(report.culprit?.sha).toBe(culprit);
    expect(report.skipped.length).toBeGreaterThan(0);
    const broken = new Set(shas.slice(95, 106));
    for (const commit of report.skipped) expect(broken.has(commit.sha)).toBe(true);
    expect(report.skipped[0]!.subject).toMatch(/^commit (9[5-9]|10[0-5])$/);
    const skippedSteps = steps.filter((s) => s.verdict === 'skip');
    expect(skippedSteps.every((s) => s.build === 'failed' && s.exitCode === null && !s.counted)).toBe(true);
    // A failed build runs no test: builds are counted apart and runs only count the command.
    expect(report.runs.build).toBe(steps.length);
    expect(report.runs.total).toBe(steps.length - skippedSteps.length);
  });

  it('skips commits where the command exits 125, as git bisect run does', async () => {
    const { repo, shas, culprit } = setup(201, 40, 95, 105);
    const command = ['sh', '-c', "test -f broken && exit 125; ! grep -q 'factor = 3' calc.txt"];
    const report = await findCulprit({ repo: repo.dir, command, good: shas[0]!, flakeRetries: 0 });
    expect(report.status).toBe('found');
    expect(report.culprit?.sha).toBe(culprit);
    expect(report.skipped.map((c) => c.sha).every((sha) => shas.slice(95, 106).includes(sha))).toBe(true);
    expect(report.skipped.length).toBeGreaterThan(0);
  });

  it('says the culprit is one of several when its neighbours cannot be tested', async () => {
    const { repo, shas, culprit } = setup(64, 30, 28, 33);
    const report = await findCulprit({ repo: repo.dir, command: ['sh', '-c', "test -f broken && exit 125; ! grep -q 'factor = 3' calc.txt"], good: shas[0]! });
    expect(report.status).toBe('ambiguous');
    expect(report.culprit).toBeUndefined();
    const candidates = report.candidates.map((c) => c.sha);
    expect(candidates).toContain(culprit);
    for (const sha of candidates) expect(shas.slice(28, 35)).toContain(sha);
    expect(report.confidence.value).toBeCloseTo(1 / candidates.length, 2);
    expect(report.summary).toMatch(/one of \d+ that could not all be tested/);
  });

  it('cannot bisect when the bad commit itself does not build', async () => {
    const { repo, shas } = setup(10, 3, 9, 9);
    const report = await findCulprit({ repo: repo.dir, command: ['true'], build: ['sh', '-c', 'test ! -f broken'], good: shas[0]! });
    expect(report.status).toBe('impossible');
    expect(report.impossible).toMatchObject({ reason: 'bad-untestable', detail: expect.stringMatching(/build failed/) });
  });
});
