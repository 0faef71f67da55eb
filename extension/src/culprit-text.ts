/**
 * What the editor says about a culprit search and a proposed revert: the one-line notification, the
 * read-only evidence document (markdown), and the message for each way a revert proposal ends.
 * Pure functions (no `vscode`), unit-tested in test/extension/culprit-text.test.ts.
 */
import type { CommitInfo, CulpritReport, RunEvidence } from '../../agents/error/bisect/types.js';
import type { RevertOutcome } from '../../agents/error/rollback/types.js';

/** `3f2a9c1 "subject" by Name`. */
export function describeCommit(commit: Pick<CommitInfo, 'short' | 'subject' | 'author'>): string {
  return `${commit.short} "${commit.subject}" by ${commit.author.name}`;
}

/** The confidence as a whole percentage. */
export function percent(value: number): string {
  return `${Math.round(Math.min(1, Math.max(0, value)) * 100)}%`;
}

/** The notification after a search: the culprit with its confidence, or what the search found instead. */
export function culpritHeadline(report: CulpritReport): string {
  if (report.status === 'found' && report.culprit) {
    return `Orchestra: the failure started with ${describeCommit(report.culprit)} (confidence ${percent(report.confidence.value)}).`;
  }
  return `Orchestra: no single culprit commit. ${report.summary}`;
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${text}\n${ticks}`;
}

function evidenceBlock(label: string, evidence: RunEvidence | undefined): string[] {
  if (!evidence) return [];
  const exit = evidence.timedOut ? 'timed out' : evidence.exitCode === null ? 'no exit code' : `exit ${evidence.exitCode}`;
  const tail = [evidence.stdoutTail, evidence.stderrTail].map((t) => t.trimEnd()).filter(Boolean).join('\n');
  return [`### Output ${label} (${evidence.sha.slice(0, 10)}, ${exit}${evidence.truncated ? ', end only' : ''})`, '', tail ? fence(tail) : '_(no output)_', ''];
}

/** What a search was asked: the command as run and the known-good ref (undefined: stepped back from HEAD). */
export interface CulpritQuestion {
  command: string;
  good: string | undefined;
}

/** The evidence document: the answer, how sure, the range and runs, the output at the culprit and its parent. */
export function culpritMarkdown(report: CulpritReport, question: CulpritQuestion): string {
  const out = ['# Orchestra: which commit made the command fail', '', `Command: \`${question.command.replace(/`/g, "'")}\`  `, `Known good: ${question.good ? `\`${question.good}\`` : 'found by stepping back from HEAD'}  `, `Result: **${report.status}**`, '', report.summary, ''];
  if (report.culprit) {
    const c = report.culprit;
    out.push('## Culprit', '', `- Commit: \`${c.sha}\``, `- Subject: ${c.subject}`, `- Author: ${c.author.name} <${c.author.email}>, ${c.date}`, `- Confidence: ${percent(report.confidence.value)}: ${report.confidence.reason}`, '');
  } else {
    out.push(`Confidence: ${percent(report.confidence.value)}: ${report.confidence.reason}`, '');
  }
  if (report.status === 'ambiguous') out.push('## Candidates', '', ...report.candidates.map((c) => `- ${describeCommit(c)}`), '');
  if (report.flaky) out.push('## Flaky', '', `Passed ${report.flaky.passes} and failed ${report.flaky.failures} time(s) on the same commit(s): ${report.flaky.commits.map((c) => c.sha.slice(0, 10)).join(', ')}.`, '');
  if (report.impossible) out.push('## Why bisection could not run', '', report.impossible.detail, '');
  out.push('## Search', '', `- Range: ${report.range.text}`, `- Runs: ${report.runs.total} (${report.runs.bounded} counted toward the ⌈log2 N⌉ + 2 = ${report.runs.target} bound; ${report.runs.flake} re-run(s) for flakiness, ${report.runs.discovery} while stepping back)`);
  if (report.skipped.length > 0) out.push(`- Skipped (could not be tested): ${report.skipped.map((c) => c.short).join(', ')}`);
  out.push(`- Time: ${(report.timing.totalMs / 1000).toFixed(1)} s, of which the command ${(report.timing.testMs / 1000).toFixed(1)} s`, '', 'The search ran in a temporary git worktree: your working tree, index, HEAD and stash were not touched.', '');
  out.push(...evidenceBlock('at the culprit', report.evidence.culprit), ...evidenceBlock('at its parent', report.evidence.parent), ...evidenceBlock('at the failing commit', report.evidence.bad));
  return `${out.join('\n').trimEnd()}\n`;
}

/** The message after a revert proposal ended, and whether it is good news. */
export function revertMessage(outcome: RevertOutcome, culprit: string): { ok: boolean; text: string } {
  switch (outcome.status) {
    case 'reverted':
      return { ok: true, text: `Orchestra: created branch ${outcome.branch} with the revert of ${culprit} (${outcome.commit.slice(0, 10)}). Nothing was pushed and your working tree is untouched. Check it out with: git switch ${outcome.branch}` };
    case 'patch':
      return { ok: true, text: `Orchestra: wrote the revert of ${culprit} as a patch: ${outcome.file}. Nothing was pushed. Apply it with: git am ${outcome.file}` };
    case 'denied':
      return { ok: false, text: `Orchestra: not reverted: ${outcome.reason}` };
    case 'opted-out':
      return { ok: false, text: `Orchestra: not reverted: the message of ${culprit} says "Orchestra-No-Revert: true".` };
    case 'capped':
      return { ok: false, text: `Orchestra: not reverted: ${outcome.limit} revert(s) were already proposed today in this repository (error.rollback.maxPerDay).` };
    case 'conflict':
      return { ok: false, text: `Orchestra: not reverted: the revert of ${culprit} does not apply cleanly on HEAD (conflicts in ${outcome.files.join(', ')}). Nothing was changed.` };
  }
}
