/**
 * A pull request's changed lines from GitHub's "list pull request files" answer. GitHub sends each
 * file's hunks without file headers (and no patch at all for large or binary diffs); the hunks are
 * parsed with the review swarm's unified-diff parser under a placeholder name, so odd file names
 * (spaces, quotes, unicode) never reach the parser.
 */
import type { DiffMap, FileChange } from '../../agents/review/diff/parse-unified-diff.js';
import { parseUnifiedDiff } from '../../agents/review/diff/parse-unified-diff.js';

/** The fields of a pull request file the app reads (GitHub's `diff-entry`). */
export interface PullRequestFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  patch?: string | undefined;
  previous_filename?: string | undefined;
  /** Lines added plus removed; 0 for a pure rename. */
  changes?: number | undefined;
}

/** The changed lines, plus the files whose lines GitHub did not send (diff too large or binary). */
export interface PullRequestDiff {
  diff: DiffMap;
  /** Files without a patch: every line counts as changed once the content is known; no inline comments there. */
  withoutPatch: Set<string>;
  /** Notices for the summary (unparseable patches). */
  notices: string[];
}

/** Builds the changed lines of every file that exists on the head side. */
export function pullRequestDiff(files: readonly PullRequestFile[]): PullRequestDiff {
  const diff: DiffMap = new Map();
  const withoutPatch = new Set<string>();
  const notices: string[] = [];
  for (const file of files) {
    if (file.status === 'removed' || typeof file.filename !== 'string' || file.filename === '') continue;
    const status: FileChange['status'] = file.status === 'added' ? 'added' : file.status === 'renamed' ? 'renamed' : 'modified';
    const change: FileChange = { path: file.filename, status, added: new Set(), context: new Set() };
    if (status === 'renamed' && file.previous_filename) change.oldPath = file.previous_filename;
    if (typeof file.patch !== 'string' || file.patch === '') {
      if (file.changes === 0) continue; // a pure rename or mode change: no line changed
      withoutPatch.add(file.filename);
      diff.set(file.filename, change);
      continue;
    }
    try {
      const oldName = status === 'added' ? '/dev/null' : 'a/f';
      const parsed = parseUnifiedDiff(`--- ${oldName}\n+++ b/f\n${file.patch}\n`, `patch of ${file.filename}`);
      const only = parsed.get('f');
      if (only) {
        change.added = only.added;
        change.context = only.context;
      }
    } catch (error) {
      withoutPatch.add(file.filename);
      notices.push(`GitHub's patch for ${file.filename} could not be read (${error instanceof Error ? error.message : String(error)}); findings there are shown in the check run only.`);
    }
    diff.set(file.filename, change);
  }
  return { diff, withoutPatch, notices };
}

/** Marks every line of `text` as added: for files whose patch GitHub did not send. */
export function allLinesChanged(change: FileChange, text: string): void {
  const lines = text.split('\n').length;
  for (let line = 1; line <= lines; line++) {
    change.added.add(line);
    change.context.add(line);
  }
}
