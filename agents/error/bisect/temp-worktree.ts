/**
 * A detached worktree in a temporary folder, so that bisecting or reverting never touches the user's
 * working tree, index, HEAD, stash or `refs/bisect` (bisect state and `refs/bisect/*` are per
 * worktree in git). It shares the object database, so adding one costs only the checkout.
 *
 * `dispose()` always removes it: `git worktree remove --force --force` (also when locked or dirty),
 * then the folder itself, then `git worktree prune` if git's own removal failed, so no stale entry
 * stays in `.git/worktrees`. Clean-up takes no AbortSignal on purpose: it must finish after an abort.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './git-command.js';

/** A temporary worktree; call `dispose()` in a `finally`. */
export interface TempWorktree {
  /** The worktree's folder (its top level). */
  readonly path: string;
  /** Removes the worktree and its folder; never throws. */
  dispose(): Promise<void>;
}

/** Adds a detached worktree of `top` at `commit` in a new temporary folder named `<prefix>…`. */
export async function openTempWorktree(top: string, commit: string, options: { prefix: string; signal?: AbortSignal; checkout?: boolean }): Promise<TempWorktree> {
  const folder = await mkdtemp(join(tmpdir(), options.prefix));
  const path = join(folder, 'wt');
  const removeFolder = (): Promise<void> => rm(folder, { recursive: true, force: true, maxRetries: 3 });
  try {
    const args = ['worktree', 'add', '--detach', '--quiet', ...(options.checkout === false ? ['--no-checkout'] : []), path, commit];
    await git(args, { cwd: top, ...(options.signal && { signal: options.signal }) });
  } catch (error) {
    // `worktree add` may have registered the worktree before failing or being killed.
    await git(['worktree', 'prune'], { cwd: top, okCodes: [0, 1, 128] }).catch(() => undefined);
    await git(['worktree', 'remove', '--force', '--force', path], { cwd: top, okCodes: [0, 1, 128] }).catch(() => undefined);
    await removeFolder();
    await git(['worktree', 'prune'], { cwd: top, okCodes: [0, 1, 128] }).catch(() => undefined);
    throw error;
  }
  let disposed: Promise<void> | undefined;
  return {
    path,
    dispose() {
      disposed ??= (async () => {
        const removed = await git(['worktree', 'remove', '--force', '--force', path], { cwd: top, okCodes: [0, 1, 128] }).catch(() => undefined);
        await removeFolder().catch(() => undefined);
        if (removed?.exitCode !== 0) await git(['worktree', 'prune'], { cwd: top, okCodes: [0, 1, 128] }).catch(() => undefined);
      })();
      return disposed;
    },
  };
}
