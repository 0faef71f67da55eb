/**
 * The diff filter marks findings; it never drops them (reporters decide). Modes follow reviewdog:
 * - `added`: findings whose start line was added or modified;
 * - `diff_context`: findings on any line of a changed hunk, context lines included;
 * - `file`: findings anywhere in a changed file;
 * - `nofilter`: every finding.
 */
import type { Finding } from '../../../shared/findings/finding.js';
import type { DiffMap } from './parse-unified-diff.js';

/** A reviewdog-style filter mode. */
export type FilterMode = 'added' | 'diff_context' | 'file' | 'nofilter';

/** Sets `inDiff` and `shouldReport` on each finding; `diff` undefined means "review everything". */
export function applyDiffFilter(findings: Finding[], diff: DiffMap | undefined, mode: FilterMode): Finding[] {
  return findings.map((finding) => {
    if (diff === undefined) return { ...finding, inDiff: true, shouldReport: finding.shouldReport ?? true };
    const change = diff.get(finding.file);
    const line = finding.range.start.line;
    const inDiff = change !== undefined && (change.added.has(line) || change.context.has(line));
    let pass: boolean;
    switch (mode) {
      case 'added':
        pass = change?.added.has(line) ?? false;
        break;
      case 'diff_context':
        pass = change?.context.has(line) ?? false;
        break;
      case 'file':
        pass = change !== undefined;
        break;
      case 'nofilter':
        pass = true;
        break;
    }
    return { ...finding, inDiff, shouldReport: (finding.shouldReport ?? true) && pass };
  });
}
