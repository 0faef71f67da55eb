/**
 * What the editor says about a culprit search and a revert (extension/src/culprit-text.ts), and the
 * policy of its error actions (extension/src/error-policy.ts).
 */
import { describe, expect, it } from '@jest/globals';
import type { CulpritReport } from '../../agents/error/bisect/types.js';
import type { RevertOutcome } from '../../agents/error/rollback/types.js';
import { definePolicy, grantedLevelFor } from '../../shared/governance/policy.js';
import { defaultConfig } from '../../shared/config/index.js';
import { culpritHeadline, culpritMarkdown, revertMessage } from '../../extension/src/culprit-text.js';
import { CULPRIT_AGENT, errorActionsPolicy, RERUN_AGENT, ROLLBACK_AGENT } from '../../extension/src/error-policy.js';

const culprit = { sha: 'a'.repeat(40), short: 'aaaaaaa', subject: 'refactor: flatten the config', author: { name: 'Ada', email: 'ada@example.invalid' }, date: '2026-01-02T03:04:05+00:00' };

function report(over: Partial<CulpritReport> = {}): CulpritReport {
  return {
    status: 'found',
    summary: 'aaaaaaa "refactor: flatten the config" by Ada is the first commit where the command fails (4 runs).',
    culprit,
    candidates: [culprit],
    confidence: { value: 0.934, reason: 'confirmed by re-runs at the culprit and its parent' },
    evidence: {
      culprit: { sha: culprit.sha, exitCode: 1, timedOut: false, stdoutTail: '', stderrTail: "TypeError: Cannot read properties of undefined (reading 'host')\n", truncated: false },
      parent: { sha: 'b'.repeat(40), exitCode: 0, timedOut: false, stdoutTail: 'listening on localhost:8080\n', stderrTail: '', truncated: false },
    },
    runs: { total: 6, bounded: 2, discovery: 0, flake: 4, build: 0, target: 2 },
    range: { good: ['b'.repeat(40)], bad: culprit.sha, commits: 1, remaining: 0, text: 'bbbbbbbbbb..aaaaaaaaaa (1 commit)' },
    skipped: [],
    timing: { totalMs: 1234, testMs: 800, buildMs: 0, overheadMs: 434 },
    ...over,
  };
}

describe('culpritHeadline', () => {
  it('names the culprit, its author and the confidence', () => {
    expect(culpritHeadline(report())).toBe('Orchestra: the failure started with aaaaaaa "refactor: flatten the config" by Ada (confidence 93%).');
  });

  it('says what was found instead when there is no single culprit', () => {
    expect(culpritHeadline(report({ status: 'flaky', culprit: undefined, summary: 'The command is flaky: nothing is blamed.' }))).toBe('Orchestra: no single culprit commit. The command is flaky: nothing is blamed.');
  });
});

describe('culpritMarkdown', () => {
  it('holds the answer, the search and the output at the culprit and its parent', () => {
    const text = culpritMarkdown(report(), { command: 'node src/main.js', good: undefined });
    expect(text).toMatch(/^# Orchestra: which commit made the command fail\n/);
    expect(text).toContain('Command: `node src/main.js`');
    expect(text).toContain('Known good: found by stepping back from HEAD');
    expect(text).toContain(`- Commit: \`${culprit.sha}\``);
    expect(text).toContain('- Confidence: 93%: confirmed by re-runs');
    expect(text).toContain('### Output at the culprit (aaaaaaaaaa, exit 1)');
    expect(text).toContain("TypeError: Cannot read properties of undefined (reading 'host')");
    expect(text).toContain('### Output at its parent (bbbbbbbbbb, exit 0)');
    expect(text).toContain('your working tree, index, HEAD and stash were not touched');
  });

  it('fences output holding backticks safely', () => {
    const text = culpritMarkdown(report({ evidence: { bad: { sha: culprit.sha, exitCode: 1, timedOut: false, stdoutTail: '```\nnot markdown\n```', stderrTail: '', truncated: true } } }), { command: 'npm test', good: 'v1.0.0' });
    expect(text).toContain('````\n```\nnot markdown\n```\n````');
    expect(text).toContain('end only');
    expect(text).toContain('Known good: `v1.0.0`');
  });
});

describe('revertMessage', () => {
  it('says where the branch is, that nothing was pushed, and how to check it out', () => {
    expect(revertMessage({ status: 'reverted', branch: 'orchestra/revert-aaaaaaa', commit: 'c'.repeat(40) }, 'aaaaaaa')).toEqual({
      ok: true,
      text: 'Orchestra: created branch orchestra/revert-aaaaaaa with the revert of aaaaaaa (cccccccccc). Nothing was pushed and your working tree is untouched. Check it out with: git switch orchestra/revert-aaaaaaa',
    });
  });

  it.each<[RevertOutcome, RegExp]>([
    [{ status: 'denied', reason: 'denied by alice' }, /not reverted: denied by alice/],
    [{ status: 'opted-out' }, /Orchestra-No-Revert: true/],
    [{ status: 'capped', limit: 1 }, /1 revert\(s\) were already proposed today .*error\.rollback\.maxPerDay/],
    [{ status: 'conflict', files: ['src/a.js'] }, /does not apply cleanly on HEAD \(conflicts in src\/a\.js\)\. Nothing was changed\./],
  ])('explains %p', (outcome, text) => {
    const message = revertMessage(outcome, 'aaaaaaa');
    expect(message.ok).toBe(false);
    expect(message.text).toMatch(text);
  });
});

describe('errorActionsPolicy', () => {
  it('grants each error action the level it needs, with the config approval timeout', () => {
    const policy = definePolicy(errorActionsPolicy({ ...defaultConfig().permissions, approvalTimeoutMs: 60_000 }));
    expect(grantedLevelFor(policy, CULPRIT_AGENT)).toBe('execute');
    expect(grantedLevelFor(policy, RERUN_AGENT)).toBe('execute');
    expect(grantedLevelFor(policy, ROLLBACK_AGENT)).toBe('critical');
    expect(grantedLevelFor(policy, 'someone-else')).toBe('read_write');
    expect(policy.approvalTimeoutMs).toBe(60_000);
  });

  it('lets the repository lower a grant (refusing reverts altogether)', () => {
    const policy = definePolicy(errorActionsPolicy({ ...defaultConfig().permissions, grants: { [ROLLBACK_AGENT]: 'read_write' } }));
    expect(grantedLevelFor(policy, ROLLBACK_AGENT)).toBe('read_write');
  });
});
