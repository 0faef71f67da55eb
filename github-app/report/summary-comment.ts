/**
 * The one summary comment per pull request: found again by a hidden marker and edited in place,
 * never re-posted. It shows findings by agent and severity, what is new and what was fixed since
 * the last reviewed push, the top findings with links, the agents' timings, and carries the app's
 * state for the pull request (pr-state.ts).
 */
import type { AgentTiming } from '../../agents/review/report/report-input.js';
import type { Severity } from '../../shared/findings/finding.js';
import { mdInline, rankFindings } from './check-run-output.js';
import { encodeState, type PrState, type StoredFinding } from './pr-state.js';

/** The marker that identifies the summary comment. */
export const SUMMARY_MARKER = '<!-- orchestra:summary -->';
const TOP = 10;

/** What the summary shows. */
export interface SummaryInput {
  state: PrState;
  /** Reported findings of this run (after ignores). */
  findings: readonly StoredFinding[];
  /** Findings of the previous run, to tell new from fixed; undefined on the first run. */
  previous?: readonly StoredFinding[];
  headSha: string;
  /** `https://github.com/owner/repo` (or the GHE equivalent), for links. */
  repoHtmlUrl: string;
  timings: readonly AgentTiming[];
  filesReviewed: number;
  conclusion: string;
  /** Inline comments not posted because of the per-review cap. */
  inlineSkipped?: number;
  notices?: readonly string[];
  /** Shown instead of a review: an invalid config, a pause. */
  banner?: string;
}

function link(input: SummaryInput, f: StoredFinding): string {
  const path = f.file.split('/').map(encodeURIComponent).join('/');
  return `[\`${f.file.replace(/`/g, "'")}:${f.line}\`](${input.repoHtmlUrl}/blob/${input.headSha}/${path}#L${f.line})`;
}

/** Renders the comment body (markdown with hidden markers). */
export function renderSummary(input: SummaryInput): string {
  const out: string[] = [SUMMARY_MARKER, '## Orchestra review', ''];
  if (input.state.paused) out.push(`> [!NOTE]\n> Reviews are paused on this pull request by @${input.state.paused.by}. Comment \`/orchestra resume\` to resume.`, '');
  if (input.banner) out.push(input.banner, '');
  const sevs: Severity[] = ['error', 'warning', 'info'];
  const count = (list: readonly StoredFinding[], sev: Severity) => list.filter((f) => f.sev === sev).length;
  out.push(
    `Commit ${input.headSha.slice(0, 7)} · ${input.filesReviewed} file(s) reviewed · check **${input.conclusion}** · ` +
      `${count(input.findings, 'error')} error(s), ${count(input.findings, 'warning')} warning(s), ${count(input.findings, 'info')} note(s)`,
    '',
  );
  if (input.findings.length > 0) {
    const agents = [...new Set(input.findings.map((f) => f.agent))].sort();
    out.push('| agent | errors | warnings | notes |', '| --- | ---: | ---: | ---: |');
    for (const agent of agents) {
      const mine = input.findings.filter((f) => f.agent === agent);
      out.push(`| ${mdInline(agent)} | ${sevs.map((s) => count(mine, s)).join(' | ')} |`);
    }
    out.push('');
  }
  if (input.previous) {
    const before = new Set(input.previous.map((f) => f.fp));
    const now = new Set(input.findings.map((f) => f.fp));
    const added = input.findings.filter((f) => !before.has(f.fp));
    const fixed = input.previous.filter((f) => !now.has(f.fp));
    out.push(`**Since the last reviewed push:** ${added.length} new, ${fixed.length} fixed.`);
    for (const f of rankFindings(fixed).slice(0, 5)) out.push(`- fixed: ~~${mdInline(f.rule)}~~ in \`${f.file.replace(/`/g, "'")}\``);
    out.push('');
  }
  if (input.findings.length > 0) {
    out.push(`### Top findings`, '');
    for (const f of rankFindings(input.findings).slice(0, TOP)) out.push(`- **${f.sev}** ${link(input, f)} \`${mdInline(f.rule)}\`: ${mdInline(f.msg)}`);
    if (input.findings.length > TOP) out.push(`- … and ${input.findings.length - TOP} more in the check run.`);
    out.push('');
  }
  if (input.inlineSkipped) out.push(`${input.inlineSkipped} finding(s) were not commented inline (at most 30 per review); see the check run.`, '');
  if (input.state.ignores.length > 0) {
    out.push('<details><summary>Ignored on this pull request</summary>', '');
    for (const i of input.state.ignores) out.push(`- \`${mdInline(i.target)}\` by @${mdInline(i.by)}${i.reason ? `: ${mdInline(i.reason)}` : ''}`);
    out.push('', '</details>', '');
  }
  if (input.notices?.length) {
    out.push('<details><summary>Notices</summary>', '', ...input.notices.slice(0, 20).map((n) => `- ${mdInline(n)}`), '', '</details>', '');
  }
  if (input.timings.length > 0) {
    out.push('<details><summary>Agent timings</summary>', '', '| agent | files | ms |', '| --- | ---: | ---: |');
    for (const t of input.timings) out.push(`| ${mdInline(t.agent)} | ${t.files} | ${Math.round(t.ms)} |`);
    out.push('', '</details>', '');
  }
  out.push('<sub>Commands: `/orchestra help`</sub>', encodeState(input.state));
  return out.join('\n');
}
