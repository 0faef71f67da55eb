/**
 * What the "Orchestra review" check run shows: a conclusion from the config's fail-on level,
 * annotations ranked by severity and cut into GitHub's batches of at most 50 per request, and an
 * output (title, summary, text) kept within GitHub's 65,535 characters with the overflow summarised.
 */
import type { Severity } from '../../shared/findings/finding.js';
import type { StoredFinding } from './pr-state.js';

/** GitHub refuses more than this many annotations in one request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit for each of `summary` and `text`. */
export const MAX_OUTPUT_CHARS = 65_535;
/** Annotations sent per run at most (20 requests); the rest are counted in the summary. */
export const MAX_ANNOTATIONS = 1_000;

/** One check-run annotation, as the API takes it. */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title: string;
}

const LEVEL: Record<Severity, Annotation['annotation_level']> = { error: 'failure', warning: 'warning', info: 'notice' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Conclusion for the reported findings under a fail-on level. */
export function conclusionFor(findings: readonly { sev: Severity }[], failOn: 'error' | 'warning' | 'never'): 'success' | 'failure' | 'neutral' {
  if (failOn === 'never') return findings.length > 0 ? 'neutral' : 'success';
  const threshold = RANK[failOn];
  return findings.some((f) => RANK[f.sev] <= threshold) ? 'failure' : 'success';
}

/** Most severe first, then by file and line: what a reader should see first. */
export function rankFindings<T extends StoredFinding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => RANK[a.sev] - RANK[b.sev] || a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

/** Annotations in batches of {@link ANNOTATIONS_PER_REQUEST}, at most {@link MAX_ANNOTATIONS} in all. */
export function annotationBatches(findings: readonly StoredFinding[]): { batches: Annotation[][]; omitted: number } {
  const ranked = rankFindings(findings);
  const sent = ranked.slice(0, MAX_ANNOTATIONS).map(
    (f): Annotation => ({
      path: f.file,
      start_line: f.line,
      end_line: f.endLine,
      annotation_level: LEVEL[f.sev],
      message: f.msg.slice(0, 4000) || f.rule,
      title: `${f.rule} (${f.agent})`.slice(0, 255),
    }),
  );
  const batches: Annotation[][] = [];
  for (let i = 0; i < sent.length; i += ANNOTATIONS_PER_REQUEST) batches.push(sent.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return { batches, omitted: ranked.length - sent.length };
}

/** Cuts markdown to a character budget at a line boundary, saying what was left out. */
export function fitText(text: string, max = MAX_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const note = (n: number) => `\n\n… ${n} more line(s) not shown: GitHub limits check-run output to ${max.toLocaleString('en-US')} characters.`;
  const lines = text.split('\n');
  let used = 0;
  let kept = 0;
  const reserve = note(lines.length).length;
  while (kept < lines.length && used + lines[kept]!.length + 1 + reserve <= max) used += lines[kept++]!.length + 1;
  return lines.slice(0, kept).join('\n') + note(lines.length - kept);
}

/** Escapes text for a markdown table cell or inline position. */
export function mdInline(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|])/g, '\\$1').slice(0, 300);
}

/** The check run's title, summary and text. */
export function checkRunOutput(input: {
  findings: readonly StoredFinding[];
  filesReviewed: number;
  omittedAnnotations: number;
  notices: readonly string[];
  headSha: string;
  configError?: string;
}): { title: string; summary: string; text: string } {
  if (input.configError) {
    return {
      title: 'Invalid .github/orchestra.yml',
      summary: fitText(`Orchestra did not review this commit: its configuration is invalid. Fix the file and push again.\n\n\`\`\`\n${input.configError.replace(/```/g, "'''")}\n\`\`\``),
      text: '',
    };
  }
  const count = (sev: Severity) => input.findings.filter((f) => f.sev === sev).length;
  const [errors, warnings, notes] = [count('error'), count('warning'), count('info')];
  const title = input.findings.length === 0 ? 'No findings' : `${errors} error(s), ${warnings} warning(s), ${notes} note(s)`;
  const summaryLines = [
    `Reviewed ${input.filesReviewed} changed file(s) at ${input.headSha.slice(0, 7)}: **${errors}** error(s), **${warnings}** warning(s), **${notes}** note(s) on lines this change touches.`,
  ];
  if (input.omittedAnnotations > 0) summaryLines.push('', `${input.omittedAnnotations} further finding(s) are listed below but not annotated (GitHub shows at most ${MAX_ANNOTATIONS} annotations per run here).`);
  if (input.notices.length > 0) summaryLines.push('', '**Notices**', ...input.notices.slice(0, 20).map((n) => `- ${mdInline(n)}`));
  const textLines = rankFindings(input.findings).map((f) => `- **${f.sev}** \`${f.file.replace(/`/g, "'")}:${f.line}\` ${mdInline(f.rule)}: ${mdInline(f.msg)}`);
  return { title: title.slice(0, 255), summary: fitText(summaryLines.join('\n')), text: fitText(textLines.join('\n')) };
}
