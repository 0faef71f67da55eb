import { afterEach, describe, expect, it } from '@jest/globals';
import { findCulprit, type BisectStep } from '../../../../agents/error/bisect/index.js';
import { InvalidInputError } from '../../../../shared/errors/errors.js';
import type { TempRepo } from '../../../helpers/git-repo.js';
import { regressionRepo } from './history.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

function setup(count: number, culpritIndex: number, extra?: (i: number) => Record<string, string | null>): ReturnType<typeof regressionRepo> {
  const made = regressionRepo(count, culpritIndex, extra);
  repos.push(made.repo);
  return made;
}

describe('findCulprit', () => {
  it('finds a regression planted 100 commits deep exactly, within ⌈log2 N⌉ + 2 counted runs', async () => {
    const { repo, shas, culprit, test } = setup(201, 100);
    const steps: BisectStep[] = [];
    const report = await findCulprit({ repo: repo.dir, command: test, good: shas[0]!, onStep: (s) => steps.push(s) });

    expect(report.status).toBe('found');
    expect(report.culprit).toMatchObject({
      sha: culprit,
      subject: 'change the factor (commit 100)',
      author: { name: 'Culprit Author', email: 'culprit@example.invalid' },
    });
    expect(report.culprit!.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(report.range.commits).toBe(200);
    expect(report.runs.target).toBe(Math.ceil(Math.log2(200)) + 2);
    expect(report.runs.bounded).toBeLessThanOrEqual(report.runs.target);
    // Default flakeRetries 2: two re-runs at bad, at the culprit and at its parent.
    expect(report.runs.flake).toBe(6);
    expect(report.runs.total).toBe(report.runs.bounded + report.runs.flake);
    expect(steps.filter((s) => s.counted)).toHaveLength(report.runs.bounded);
    expect(steps.map((s) => s.phase)).toEqual(expect.arrayContaining(['verify-bad', 'verify-good', 'bisect', 'confirm-culprit', 'confirm-parent']));
    expect(report.confidence.value).toBeGreaterThan(0.95);
    expect(report.confidence.reason).toMatch(/failed 3 of 3 runs .*passed \d+ of \d+ at its parent/);
    expect(report.evidence.culprit).toMatchObject({ sha: culprit, exitCode: 1 });
    expect(report.evidence.parent).toMatchObject({ sha: shas[99], exitCode: 0 });
    expect(report.skipped).toEqual([]);
    expect(report.timing.testMs).toBeGreaterThan(0);
    expect(report.timing.overheadMs).toBeLessThanOrEqual(report.timing.totalMs);
  });

  it('finds the good commit itself by stepping back exponentially when none is given', async () => {
    const { repo, shas, culprit, test } = setup(130, 29);
    const steps: BisectStep[] = [];
    const report = await findCulprit({ repo: repo.dir, command: test, flakeRetries: 0, onStep: (s) => steps.push(s) });

    expect(report.status).toBe('found');
    expect(report.culprit?.sha).toBe(culprit);
    const probes = steps.filter((s) => s.phase === 'probe');
    // HEAD~1, ~2, ~4, … ~64 fail (6 commits after the culprit at most 100 back), ~128 passes.
    expect(probes.map((p) => p.sha)).toEqual([1, 2, 4, 8, 16, 32, 64, 128].map((k) => shas[129 - k]));
    expect(probes.map((p) => p.verdict)).toEqual(['bad', 'bad', 'bad', 'bad', 'bad', 'bad', 'bad', 'good']);
    expect(report.runs.discovery).toBe(7);
    expect(report.range.good).toEqual([expect.any(String)]);
    expect(report.runs.flake).toBe(0);
    expect(report.confidence.value).toBe(0.75);
    expect(report.confidence.reason).toMatch(/not re-run/);
  });

  it('reports a regression in the newest commit with no bisection step', async () => {
    const { repo, shas, culprit, test } = setup(5, 4);
    const report = await findCulprit({ repo: repo.dir, command: test, good: shas[3]!, flakeRetries: 0 });
    expect(report).toMatchObject({ status: 'found', culprit: { sha: culprit }, runs: { bounded: 2, total: 2, target: 2 } });
  });

  it('runs the command in the same sub-folder of the worktree and passes env', async () => {
    const { repo, shas, culprit } = setup(20, 12, (i) => ({ 'pkg/check.txt': i >= 12 ? 'broken\n' : 'fine\n' }));
    const report = await findCulprit({
      repo: `${repo.dir}/pkg`,
      command: ['sh', '-c', 'test "$EXPECTED" = fine && grep -q "$EXPECTED" check.txt'],
      env: { EXPECTED: 'fine' },
      good: shas[0]!,
      flakeRetries: 0,
    });
    expect(report.culprit?.sha).toBe(culprit);
  });

  it('redacts secrets and bounds the output tails in the evidence', async () => {
    const { repo, shas, culprit } = setup(10, 6);
    const script = `seq 1 5000; echo "token ghp_abcdefghijklmnopqrstuvwxyz0123456789" >&2; ! grep -q 'factor = 3' calc.txt`;
    const report = await findCulprit({ repo: repo.dir, command: ['sh', '-c', script], good: shas[0]!, flakeRetries: 0 });
    expect(report.culprit?.sha).toBe(culprit);
    const evidence = report.evidence.culprit!;
    expect(evidence.stderrTail).toContain('[REDACTED');
    expect(evidence.stderrTail).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(evidence.stdoutTail.length).toBeLessThanOrEqual(2000);
    expect(evidence.stdoutTail.endsWith('5000\n')).toBe(true);
    expect(evidence.truncated).toBe(true);
  });

  it('treats a hang as the symptom when the command also times out at the bad commit', async () => {
    const { repo, shas, culprit } = setup(16, 9);
    const command = ['sh', '-c', "if grep -q 'factor = 3' calc.txt; then sleep 5; fi"];
    const report = await findCulprit({ repo: repo.dir, command, good: shas[0]!, runTimeoutMs: 300, flakeRetries: 0 });
    expect(report.status).toBe('found');
    expect(report.culprit?.sha).toBe(culprit);
    expect(report.confidence.reason).toMatch(/timeout/);
    expect(report.skipped).toEqual([]);
  });

  it('refuses bad options with messages that say what to fix', async () => {
    const { repo, shas } = setup(4, 2);
    await expect(findCulprit({ repo: repo.dir, command: [] })).rejects.toThrow(/command must be a non-empty array/);
    await expect(findCulprit({ repo: repo.dir, command: ['true'], good: 'no-such-tag' })).rejects.toThrow(/good ref "no-such-tag" names no commit/);
    await expect(findCulprit({ repo: repo.dir, command: ['true'], good: shas[3]!, bad: shas[1]! })).rejects.toThrow(/not an ancestor/);
    await expect(findCulprit({ repo: '/', command: ['true'] })).rejects.toThrow(InvalidInputError);
    await expect(findCulprit({ repo: repo.dir, command: ['/no/such/program'], good: shas[0]! })).rejects.toThrow(/could not be started/);
    await expect(findCulprit({ repo: repo.dir, command: ['true'], flakeRetries: -1 })).rejects.toThrow(/flakeRetries/);
  });
});
