import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { majorityVote, mergeFindings, voteByTask } from '../../../shared/compose/consensus.js';
import type { Finding, Severity } from '../../../shared/findings/finding.js';
import { fingerprint } from '../../../shared/findings/fingerprint.js';

function finding(agent: string, overrides: Partial<Finding> = {}): Finding {
  const ruleId = overrides.ruleId ?? 'security/command-injection';
  const file = overrides.file ?? 'src/run.ts';
  return {
    ruleId,
    agent,
    severity: 'warning',
    message: `${agent}: exec with user input`,
    file,
    range: { start: { line: 10, column: 3 }, end: { line: 10, column: 30 } },
    fingerprint: fingerprint({ ruleId, file, snippet: 'exec(req.query.cmd)' }),
    ...overrides,
  };
}

describe('mergeFindings', () => {
  it('merges one fingerprint: highest severity leads, tags and CWE united, max confidence, agreeing agents listed', () => {
    const merged = mergeFindings([
      finding('semgrep', { severity: 'warning', tags: ['injection'], cwe: [78], confidence: 0.6 }),
      finding('taint', { severity: 'error', tags: ['taint', 'injection'], cwe: [77], confidence: 0.4, evidence: undefined }),
      finding('llm', { severity: 'info', confidence: 0.9, fix: { description: 'use execFile', edits: [{ start: 0, end: 4, text: 'execFile' }] } }),
    ]);
    expect(merged).toHaveLength(1);
    const [m] = merged;
    expect(m).toMatchObject({
      severity: 'error',
      agent: 'taint',
      message: 'taint: exec with user input',
      tags: ['injection', 'taint'],
      cwe: [77, 78],
      confidence: 0.9,
      agreedBy: ['llm', 'semgrep', 'taint'],
      reports: 3,
    });
    // The leading report had no fix: the merged finding takes the one another agent offered.
    expect(m!.fix?.description).toBe('use execFile');
  });

  it('keeps different fingerprints apart and sorts by file, line and rule', () => {
    const other = finding('semgrep', {
      ruleId: 'eslint/no-eval',
      file: 'src/a.ts',
      range: { start: { line: 2, column: 1 }, end: { line: 2, column: 9 } },
      fingerprint: fingerprint({ ruleId: 'eslint/no-eval', file: 'src/a.ts', snippet: 'eval(x)' }),
    });
    const merged = mergeFindings([finding('semgrep'), other, finding('taint')]);
    expect(merged.map((m) => [m.file, m.agreedBy])).toEqual([
      ['src/a.ts', ['semgrep']],
      ['src/run.ts', ['semgrep', 'taint']],
    ]);
  });

  it('counts an agent once in agreedBy even if it reported twice', () => {
    const [m] = mergeFindings([finding('semgrep'), finding('semgrep', { severity: 'error' })]);
    expect(m).toMatchObject({ agreedBy: ['semgrep'], reports: 2, severity: 'error' });
  });

  it('does not depend on the order in which agents answered', () => {
    const severity = fc.constantFrom<Severity>('error', 'warning', 'info');
    const report = fc.record({
      agent: fc.constantFrom('a', 'b', 'c', 'd'),
      snippet: fc.constantFrom('exec(x)', 'eval(y)', 'spawn(z)'),
      severity,
      confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      tags: fc.array(fc.constantFrom('t1', 't2', 't3'), { maxLength: 3 }),
      cwe: fc.array(fc.constantFrom(77, 78, 94), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(report, { maxLength: 12 }).chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length }))),
        ([reports, permuted]) => {
          const toFinding = (r: (typeof reports)[number]) =>
            finding(r.agent, {
              severity: r.severity,
              confidence: r.confidence,
              tags: r.tags,
              cwe: r.cwe,
              fingerprint: fingerprint({ ruleId: 'r', file: 'f', snippet: r.snippet }),
            });
          const findings = reports.map(toFinding);
          expect(mergeFindings(permuted.map(toFinding))).toEqual(mergeFindings(findings));
          const merged = mergeFindings(findings);
          // Each merged finding carries the top severity of its group.
          for (const m of merged) {
            const group = findings.filter((f) => f.fingerprint === m.fingerprint);
            const rank = { error: 3, warning: 2, info: 1 };
            expect(rank[m.severity]).toBe(Math.max(...group.map((g) => rank[g.severity])));
            expect(m.reports).toBe(group.length);
          }
        },
      ),
    );
  });
});

describe('majorityVote', () => {
  it('picks the label with most votes and reports counts and voters', () => {
    const result = majorityVote([
      { voter: 'a', label: 'bug' },
      { voter: 'b', label: 'style' },
      { voter: 'c', label: 'bug' },
    ]);
    expect(result).toEqual({
      winner: 'bug',
      counts: [
        { label: 'bug', count: 2, voters: ['a', 'c'] },
        { label: 'style', count: 1, voters: ['b'] },
      ],
      total: 3,
      tie: false,
      majority: true,
    });
  });

  it('breaks ties by the preferred order, else by the label text, whatever the vote order', () => {
    const votes = [
      { voter: 'a', label: 'safe' },
      { voter: 'b', label: 'vulnerable' },
    ];
    expect(majorityVote(votes)).toMatchObject({ winner: 'safe', tie: true, majority: false });
    expect(majorityVote([...votes].reverse())).toMatchObject({ winner: 'safe', tie: true });
    expect(majorityVote(votes, { prefer: ['vulnerable'] })).toMatchObject({ winner: 'vulnerable', tie: true });
  });

  it('is independent of vote order for any set of distinct voters', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ voter: fc.string({ minLength: 1, maxLength: 4 }), label: fc.constantFrom('x', 'y', 'z', 1, true) }), {
          selector: (v) => v.voter,
          maxLength: 15,
        }),
        (votes) => {
          const a = majorityVote(votes);
          const b = majorityVote([...votes].reverse());
          expect(b).toEqual(a);
          expect(a.counts.reduce((n, t) => n + t.count, 0)).toBe(votes.length);
          if (a.winner !== undefined) expect(a.counts[0]!.count).toBe(Math.max(...a.counts.map((t) => t.count)));
        },
      ),
    );
  });

  it('counts a voter once and handles no votes', () => {
    expect(majorityVote([{ voter: 'a', label: 1 }, { voter: 'a', label: 2 }])).toMatchObject({ winner: 1, total: 1 });
    expect(majorityVote([])).toEqual({ winner: undefined, counts: [], total: 0, tie: false, majority: false });
  });
});

describe('voteByTask', () => {
  it('votes separately per task over the replicas that answered', () => {
    const votes = voteByTask(
      [
        { taskId: 't1', agentId: 'a', output: { kind: 'bug' } },
        { taskId: 't1', agentId: 'b', output: { kind: 'bug' } },
        { taskId: 't1', agentId: 'c', output: { kind: 'style' } },
        { taskId: 't2', agentId: 'a', output: { kind: 'style' } },
      ],
      (o) => o.kind,
    );
    expect([...votes.keys()]).toEqual(['t1', 't2']);
    expect(votes.get('t1')).toMatchObject({ winner: 'bug', majority: true });
    expect(votes.get('t2')).toMatchObject({ winner: 'style', total: 1 });
  });
});
