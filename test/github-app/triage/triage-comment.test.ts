import { describe, expect, it } from '@jest/globals';
import type { TriageReport } from '../../../agents/error/types.js';
import { codeSpan, isLaterRun, MAX_COMMENT_CHARS, parseTriageMarker, redactReport, renderTriageComment, triageMarker, workflowMarker, type JobTriage, type TriageCommentInput } from '../../../github-app/triage/triage-comment.js';

const SHA = 'c'.repeat(40);
const TOKEN = 'ghp_R7xk2Lq9Vb3Nw8Yt1Zc5Hd6Jf0Gs4Pm2Qa7E';

function report(message: string, context: string): TriageReport {
  return {
    items: [
      {
        group: { fingerprint: 'fp1', count: 1, firstSeen: { logLine: 40 }, lastSeen: { logLine: 40 }, first: { format: 'node-test', kind: 'type-error', message, logLine: 40, step: 'Run npm test', test: 'greets @alice', context } },
        fault: { file: 'src/greet.js', line: 6, column: 33, function: 'greet', via: 'stack', codeFrame: "  5 | export function greet(user) {\n> 6 |   return `Hello, ${user.profile.name}!`;\n    |                                 ^" },
        candidates: [],
        suggestions: [{ rule: 'undefined-property', title: 'Guard the missing value', detail: 'user.profile is undefined here; ask @bob or check `user.profile` first.', confidence: 0.8 }],
      },
    ],
    analysis: { formats: ['node-test'], spikes: [], stats: { bytes: 1000, lines: 120, truncatedLines: 0, binaryLines: 0 } },
  };
}

const run: TriageCommentInput['run'] = { workflowId: 11, workflowName: 'CI `main`', runId: 500, runAttempt: 2, runNumber: 42, runHtmlUrl: 'https://github.com/o/r/actions/runs/500', conclusion: 'failure', headSha: SHA, repoHtmlUrl: 'https://github.com/o/r' };

function job(overrides: Partial<JobTriage> = {}): JobTriage {
  return { id: 1, name: 'test (20.x)', conclusion: 'failure', step: 'Run npm test', log: { ok: true, text: '', truncated: false, source: 'job' }, report: redactReport(report("TypeError: Cannot read properties of undefined (reading 'name')", `calling with ${TOKEN}\npassword=hunter2hunter2`)), ...overrides };
}

describe('renderTriageComment', () => {
  it('names the workflow, job, step, error and linked line, and carries a marker with run and attempt', () => {
    const body = renderTriageComment({ run, jobs: [job()], omittedJobs: [], suspects: new Map() });
    expect(parseTriageMarker(body)).toEqual({ workflowId: 11, runId: 500, attempt: 2 });
    expect(body.startsWith(triageMarker({ workflowId: 11, runId: 500, attempt: 2 }))).toBe(true);
    expect(body).toContain(workflowMarker(11));
    expect(body).toContain('`` CI `main` `` failed');
    expect(body).toContain('attempt 2');
    expect(body).toContain('step `Run npm test`');
    expect(body).toContain(`[\`src/greet.js:6\`](https://github.com/o/r/blob/${SHA}/src/greet.js#L6)`);
    expect(body).toContain('<summary>Log excerpt (line 40)</summary>');
  });

  it('redacts secrets and neutralises @mentions from the log before rendering', () => {
    const body = renderTriageComment({ run, jobs: [job()], omittedJobs: [], suspects: new Map() });
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain('hunter2hunter2');
    expect(body).toContain('[REDACTED:github-token]');
    expect(body).not.toMatch(/@(alice|bob)\b/);
  });

  it('says when logs are unavailable, when nothing was found, and when jobs repeat the same error', () => {
    const gone = renderTriageComment({ run, jobs: [job({ log: { ok: false, reason: 'unavailable', detail: "the job's log answered 410" } })], omittedJobs: [], suspects: new Map() });
    expect(gone).toMatch(/log is not available \(the job's log answered 410\)/);
    const empty = renderTriageComment({ run, jobs: [job({ report: { items: [], analysis: report('x', 'y').analysis } })], omittedJobs: [], suspects: new Map() });
    expect(empty).toMatch(/found no error message in the job’s log \(120 lines read\)/);
    const matrix = renderTriageComment({ run, jobs: [job(), job({ id: 2, name: 'test (22.x)' })], omittedJobs: ['test (18.x)'], suspects: new Map() });
    expect(matrix).toContain('The same error as job `test (20.x)` above.');
    expect(matrix).toContain('1 more failed job(s) not shown: `test (18.x)`');
  });

  it('words a suspect as a lead, with the commit, the line then and now, and says when none was found', () => {
    const suspect = { commit: { sha: 'a'.repeat(40), htmlUrl: 'https://github.com/o/r/commit/aaa', title: 'Read the name from the profile', author: 'bob', merge: false }, file: 'src/greet.js', lineThen: 4, lineNow: 6, fileNow: 'src/greet.js', role: 'fault' as const, how: 'changed' as const };
    const body = renderTriageComment({ run, jobs: [job()], omittedJobs: [], suspects: new Map([[1, { suspect, examined: 2, commits: 3 }]]) });
    expect(body).toContain('**Suspect commit:** [`aaaaaaa`](https://github.com/o/r/commit/aaa) `Read the name from the profile` by `bob`: it changed `src/greet.js:6` (then line 4), the failing line.');
    expect(body).toContain('A lead, not a verdict.');
    const none = renderTriageComment({ run, jobs: [job()], omittedJobs: [], suspects: new Map([[1, { examined: 3, commits: 3 }]]) });
    expect(none).toMatch(/Suspect commit:\*\* none found\. None of the 3 newest commit/);
  });

  it('stays within GitHub’s comment limit however long the error texts are', () => {
    const huge = redactReport(report(`Error: ${'x'.repeat(100_000)}`, 'y\n'.repeat(100_000)));
    const jobs = Array.from({ length: 5 }, (_, i) => job({ id: i, name: `job ${i}`, report: { ...huge, items: huge.items.map((it) => ({ ...it, group: { ...it.group, fingerprint: `fp${i}` } })) } }));
    expect(renderTriageComment({ run, jobs, omittedJobs: [], suspects: new Map() }).length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
  });
});

describe('markers and inline code', () => {
  it('orders runs by id, then attempt', () => {
    expect(isLaterRun({ workflowId: 1, runId: 2, attempt: 1 }, { workflowId: 1, runId: 1, attempt: 5 })).toBe(true);
    expect(isLaterRun({ workflowId: 1, runId: 2, attempt: 2 }, { workflowId: 1, runId: 2, attempt: 1 })).toBe(true);
    expect(isLaterRun({ workflowId: 1, runId: 2, attempt: 1 }, { workflowId: 1, runId: 2, attempt: 1 })).toBe(false);
    expect(parseTriageMarker('<!-- orchestra:triage workflow=1 run=x -->')).toBeUndefined();
  });

  it('keeps any text inside its code span', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('line\nbreak')).toBe('`line break`');
  });
});
