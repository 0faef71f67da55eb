/**
 * Inline review comments: one per new finding on an added line of the pull request's diff, with a
 * GitHub ```` ```suggestion ```` block when the finding carries a fix whose lines all lie in the
 * diff. Each comment ends with a hidden fingerprint marker, so a later run knows what it already said
 * (never the same finding twice) and which threads to resolve when their finding disappears.
 */
import type { FileChange } from '../../agents/review/diff/parse-unified-diff.js';
import type { Finding, Fix } from '../../shared/findings/finding.js';
import { mdInline } from './check-run-output.js';
import { lineStarts, positionAt } from '../../agents/review/parsing/line-index.js';

/** At most this many inline comments per review; the summary comment lists the rest. */
export const MAX_INLINE_COMMENTS = 30;

/** A review comment as `pulls.createReview` takes it. */
export interface ReviewCommentDraft {
  path: string;
  line: number;
  side: 'RIGHT';
  start_line?: number;
  start_side?: 'RIGHT';
  body: string;
}

const FP_MARKER = /<!-- orchestra:fp=([0-9a-f]{16}) -->/;

/** The fingerprint a comment of ours carries, if any. */
export function fingerprintOfComment(body: string | null | undefined): string | undefined {
  return typeof body === 'string' ? FP_MARKER.exec(body)?.[1] : undefined;
}

function lineOf(starts: readonly number[], offset: number): number {
  return positionAt(starts, offset).line;
}

/** The lines a fix rewrites and their new text, or undefined when the edits are unusable. */
export function suggestionFor(text: string, fix: Fix): { startLine: number; endLine: number; replacement: string } | undefined {
  if (fix.edits.length === 0) return undefined;
  const edits = [...fix.edits].sort((a, b) => a.start - b.start);
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i]!;
    if (!(e.start >= 0 && e.end >= e.start && e.end <= text.length)) return undefined;
    if (i > 0 && e.start < edits[i - 1]!.end) return undefined; // overlapping edits
  }
  const starts = lineStarts(text);
  const startLine = lineOf(starts, edits[0]!.start);
  const lastEnd = edits[edits.length - 1]!.end;
  // An edit ending right after a newline ends on the previous line.
  const endLine = Math.max(startLine, lineOf(starts, lastEnd > edits[edits.length - 1]!.start && text[lastEnd - 1] === '\n' ? lastEnd - 1 : lastEnd));
  const regionStart = starts[startLine - 1]!;
  const nextLine = starts[endLine];
  const regionEnd = nextLine === undefined ? text.length : nextLine - 1; // excludes the newline
  let out = '';
  let cursor = regionStart;
  for (const e of edits) {
    out += text.slice(cursor, e.start) + e.text;
    cursor = e.end;
  }
  out += text.slice(cursor, Math.max(cursor, regionEnd));
  if (cursor > regionEnd) return undefined;
  return { startLine, endLine, replacement: out };
}

function fence(content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** The comment text for one finding (and its suggestion, when given). */
export function commentBody(f: Finding, suggestion?: { replacement: string; description: string }): string {
  const lines = [`**${f.severity}** · \`${f.ruleId}\` · ${f.agent}`, '', mdInline(f.message)];
  if (f.cwe?.length) lines.push('', f.cwe.map((id) => `[CWE-${id}](https://cwe.mitre.org/data/definitions/${id}.html)`).join(', '));
  if (f.help) lines.push('', mdInline(f.help));
  if (suggestion) {
    const f3 = fence(suggestion.replacement);
    lines.push('', `Suggested fix: ${mdInline(suggestion.description)}`, `${f3}suggestion`, suggestion.replacement, f3);
  }
  lines.push('', `<sub>\`/orchestra ignore ${f.fingerprint} <reason>\` to silence this one, \`/orchestra explain ${f.fingerprint}\` for more.</sub>`);
  lines.push(`<!-- orchestra:fp=${f.fingerprint} -->`);
  return lines.join('\n');
}

/**
 * Drafts comments for findings not yet commented on.
 * @param findings reportable findings of this run
 * @param diff changed lines of files whose patch GitHub sent (comments are impossible elsewhere)
 * @param posted fingerprints already carried by a comment of ours on this pull request
 */
export function draftInlineComments(
  findings: readonly Finding[],
  diff: ReadonlyMap<string, FileChange>,
  source: (file: string) => string | undefined,
  posted: ReadonlySet<string>,
): { comments: ReviewCommentDraft[]; skipped: number } {
  const RANK = { error: 0, warning: 1, info: 2 } as const;
  const candidates = findings
    .filter((f) => !posted.has(f.fingerprint) && diff.get(f.file)?.added.has(f.range.start.line))
    .sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
  const seen = new Set<string>();
  const comments: ReviewCommentDraft[] = [];
  let skipped = 0;
  for (const f of candidates) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    if (comments.length >= MAX_INLINE_COMMENTS) {
      skipped++;
      continue;
    }
    const change = diff.get(f.file)!;
    const text = source(f.file);
    const fix = f.fix;
    const s = fix && text !== undefined ? suggestionFor(text, fix) : undefined;
    let inDiff = false;
    if (s) {
      inDiff = true;
      for (let l = s.startLine; l <= s.endLine; l++) if (!change.context.has(l)) inDiff = false;
    }
    if (s && fix && inDiff) {
      const draft: ReviewCommentDraft = { path: f.file, line: s.endLine, side: 'RIGHT', body: commentBody(f, { replacement: s.replacement, description: fix.description }) };
      if (s.startLine !== s.endLine) Object.assign(draft, { start_line: s.startLine, start_side: 'RIGHT' as const });
      comments.push(draft);
    } else {
      comments.push({ path: f.file, line: f.range.start.line, side: 'RIGHT', body: commentBody(f) });
    }
  }
  return { comments, skipped };
}
