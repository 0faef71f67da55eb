/** Subject, author and date of commits, in one `git log --no-walk` call. */
import { git } from './git-command.js';
import type { CommitInfo } from './types.js';

const FORMAT = ['%H', '%h', '%s', '%an', '%ae', '%aI', '%P'].join('%x00') + '%x1e';

/** A commit with its parents. */
export interface CommitWithParents extends CommitInfo {
  parents: string[];
}

/** Reads the given commits (unknown ones are left out of the map). */
export async function readCommits(cwd: string, shas: readonly string[], signal?: AbortSignal): Promise<Map<string, CommitWithParents>> {
  const unique = [...new Set(shas)];
  const out = new Map<string, CommitWithParents>();
  if (unique.length === 0) return out;
  const { stdout } = await git(['log', '--no-walk=unsorted', `--format=${FORMAT}`, '--stdin'], {
    cwd,
    input: `${unique.join('\n')}\n`,
    ...(signal && { signal }),
  });
  for (const record of stdout.split('\x1e')) {
    const fields = record.replace(/^\n/, '').split('\x00');
    if (fields.length < 7) continue;
    const [sha, short, subject, name, email, date, parents] = fields as [string, string, string, string, string, string, string];
    out.set(sha, { sha, short, subject, author: { name, email }, date, parents: parents.trim() === '' ? [] : parents.trim().split(' ') });
  }
  return out;
}

/** Drops `parents` for a report. */
export function toCommitInfo(commit: CommitWithParents): CommitInfo {
  return { sha: commit.sha, short: commit.short, subject: commit.subject, author: commit.author, date: commit.date };
}
