/**
 * The dry run of a revert: `git revert --no-commit` of the culprit on top of HEAD in a temporary
 * detached worktree, committed there. Nothing the user can see changes: no branch or ref is created
 * (the commit object is unreachable until an approved proposal points a branch at it, and `git gc`
 * prunes it otherwise), and the user's working tree, index and HEAD are not involved. So a conflict is
 * known before anyone is asked, and the approver is shown the actual files the revert changes.
 *
 * Hooks are off (git-command.ts) and signing is off: an agent must not run repository code or wait on
 * a passphrase prompt. The identity is the repository's (`user.name`/`user.email` or the GIT_* variables);
 * without one, `Orchestra <orchestra@localhost.invalid>`.
 */
import { InvalidInputError } from '../../../shared/errors/errors.js';
import { git, gitText } from '../bisect/git-command.js';
import { openTempWorktree } from '../bisect/temp-worktree.js';

/** What the dry run produced. */
export type PreparedRevert =
  | { kind: 'ready'; commit: string; files: string[]; stat: string }
  | { kind: 'conflict'; files: string[] };

const FALLBACK_IDENTITY = {
  GIT_AUTHOR_NAME: 'Orchestra',
  GIT_AUTHOR_EMAIL: 'orchestra@localhost.invalid',
  GIT_COMMITTER_NAME: 'Orchestra',
  GIT_COMMITTER_EMAIL: 'orchestra@localhost.invalid',
};

/** Reverts `culprit` on top of `base` in a temporary worktree and commits it there with `message`. */
export async function prepareRevert(options: {
  top: string;
  base: string;
  culprit: string;
  parents: number;
  message: string;
  signal?: AbortSignal;
}): Promise<PreparedRevert> {
  const { top, signal } = options;
  const withSignal = signal ? { signal } : {};
  const identity = await identityEnv(top, signal);
  const worktree = await openTempWorktree(top, options.base, { prefix: 'orchestra-revert-', ...withSignal });
  try {
    const cwd = worktree.path;
    const mainline = options.parents > 1 ? ['-m', '1'] : [];
    const reverted = await git(['revert', '--no-commit', ...mainline, options.culprit], { cwd, okCodes: [0, 1], env: identity, ...withSignal });
    if (reverted.exitCode !== 0) {
      const unmerged = (await gitText(['diff', '--name-only', '--diff-filter=U'], { cwd, ...withSignal })).split('\n').filter(Boolean);
      if (unmerged.length > 0) return { kind: 'conflict', files: unmerged };
      throw new InvalidInputError(`git revert ${options.culprit.slice(0, 10)} failed: ${(reverted.stderr || reverted.stdout).trim().split('\n').slice(-2).join(' ')}`, { key: 'culprit' });
    }
    const staged = await git(['diff', '--cached', '--quiet'], { cwd, okCodes: [0, 1], ...withSignal });
    if (staged.exitCode === 0) {
      throw new InvalidInputError(`Reverting ${options.culprit.slice(0, 10)} changes nothing on top of HEAD: it looks reverted already.`, { key: 'culprit' });
    }
    await git(['commit', '--quiet', '--no-verify', '--no-gpg-sign', '--allow-empty-message', '-F', '-'], { cwd, input: options.message, env: identity, ...withSignal });
    const commit = await gitText(['rev-parse', 'HEAD'], { cwd, ...withSignal });
    const files = (await gitText(['diff', '--name-only', `${commit}^`, commit], { cwd, ...withSignal })).split('\n').filter(Boolean);
    const stat = await gitText(['diff', '--shortstat', `${commit}^`, commit], { cwd, ...withSignal });
    return { kind: 'ready', commit, files, stat };
  } finally {
    await worktree.dispose();
  }
}

/** The repository's identity when it has one (config or GIT_* variables), else Orchestra's. */
async function identityEnv(top: string, signal: AbortSignal | undefined): Promise<Record<string, string> | undefined> {
  const explicit = await git(['-c', 'user.useConfigOnly=true', 'var', 'GIT_COMMITTER_IDENT'], { cwd: top, okCodes: [0, 128], ...(signal && { signal }) });
  const author = await git(['-c', 'user.useConfigOnly=true', 'var', 'GIT_AUTHOR_IDENT'], { cwd: top, okCodes: [0, 128], ...(signal && { signal }) });
  return explicit.exitCode === 0 && author.exitCode === 0 ? undefined : FALLBACK_IDENTITY;
}
