/**
 * Changed line ranges from git: the working tree against HEAD (plus untracked files), against a
 * base ref, or a base..head range. Uses simple-git; the repository is never modified.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { parseUnifiedDiff, type DiffMap } from './parse-unified-diff.js';

/** Which change to review. */
export type DiffSpec =
  | { kind: 'worktree' } // uncommitted changes (staged and unstaged) against HEAD, plus untracked files
  | { kind: 'base'; base: string } // the working tree against the merge base of a ref and HEAD
  | { kind: 'range'; base: string; head: string }; // commits base..head (merge-base semantics like GitHub: base...head)

/** Thrown when the folder is not a git repository or a ref does not exist. */
export class GitError extends InvalidInputError {}

/** Opens a simple-git client at `root`, checking it is a repository; returns the top-level folder. */
export async function openRepo(root: string): Promise<{ git: SimpleGit; top: string }> {
  const git = simpleGit({ baseDir: root, maxConcurrentProcesses: 4 });
  let top: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
  } catch (error) {
    throw new GitError(`${root} is not inside a git repository, so there are no changed lines to review. Use --all to review every file.`, {}, { cause: error });
  }
  return { git: simpleGit({ baseDir: top, maxConcurrentProcesses: 4 }), top };
}

/** Resolves a ref to a commit sha, or undefined. (`rev-parse --quiet` exits 1 silently, which simple-git does not treat as an error, so the output is checked.) */
async function resolveCommit(git: SimpleGit, ref: string): Promise<string | undefined> {
  const out = await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '');
  return out.trim() || undefined;
}

async function verifyRef(git: SimpleGit, ref: string): Promise<void> {
  if (ref.startsWith('-') || ref.trim() === '') throw new GitError(`"${ref}" is not a valid git ref.`);
  if ((await resolveCommit(git, ref)) === undefined) {
    throw new GitError(`The git ref "${ref}" does not exist in this repository. Fetch it or name another branch, tag or commit.`);
  }
}

const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--unified=3', '-M', '--diff-filter=ACMR', '--src-prefix=a/', '--dst-prefix=b/'];

/** Returns changed lines per file, with paths relative to the repository's top folder. */
export async function changedLines(root: string, spec: DiffSpec): Promise<{ top: string; diff: DiffMap }> {
  const { git, top } = await openRepo(root);
  let text: string;
  if (spec.kind === 'range') {
    await verifyRef(git, spec.base);
    await verifyRef(git, spec.head);
    text = await git.raw(['diff', ...DIFF_FLAGS, `${spec.base}...${spec.head}`, '--']);
  } else {
    const hasHead = (await resolveCommit(git, 'HEAD')) !== undefined;
    let base = 'HEAD';
    if (spec.kind === 'base') {
      await verifyRef(git, spec.base);
      // Like a pull request: compare with where this branch left the base, so commits that landed on
      // the base since then are not mistaken for ours.
      base = hasHead ? (await git.raw(['merge-base', spec.base, 'HEAD']).catch(() => spec.base)).trim() || spec.base : spec.base;
    }
    // A repository with no commit yet: everything is new.
    text = hasHead || spec.kind === 'base' ? await git.raw(['diff', ...DIFF_FLAGS, base, '--']) : '';
    const diff = parseUnifiedDiff(text, `git diff ${base}`);
    const untracked = (await git.raw(['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
    const staged = hasHead ? [] : (await git.raw(['ls-files', '-z'])).split('\0').filter(Boolean);
    for (const path of [...untracked, ...staged]) {
      const lines = await countLines(join(top, path));
      const all = new Set<number>();
      for (let i = 1; i <= lines; i++) all.add(i);
      diff.set(path, { path, status: 'added', added: all, context: new Set(all) });
    }
    return { top, diff };
  }
  return { top, diff: parseUnifiedDiff(text, `git diff ${spec.base}...${spec.head}`) };
}

async function countLines(file: string): Promise<number> {
  try {
    const buffer = await readFile(file);
    let n = buffer.length > 0 ? 1 : 0;
    for (const byte of buffer) if (byte === 10) n++;
    if (buffer.length > 0 && buffer[buffer.length - 1] === 10) n--;
    return n;
  } catch {
    return 0; // deleted or unreadable since listing: nothing to mark
  }
}
