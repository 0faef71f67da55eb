/**
 * Runs git for the culprit finder and the rollback. Every call:
 * - runs with `core.hooksPath=/dev/null`: checking out or committing in a temporary worktree must not
 *   run the repository's hooks (that would execute repository code, which is the test command's job
 *   alone, and only inside the worktree);
 * - drops the `GIT_DIR`-style variables a caller inside a git hook may have inherited (they would point
 *   git at the user's own index and working tree), and forces `LC_ALL=C` because bisect's messages are
 *   parsed;
 * - never prompts (`GIT_TERMINAL_PROMPT=0`).
 */
import { execFile } from 'node:child_process';
import { CancelledError, OrchestraError, throwIfAborted } from '../../../shared/errors/errors.js';

/** git failed in a way the caller did not allow (an exit code not in `okCodes`, or it could not start). */
export class GitCommandError extends OrchestraError {
  override readonly name = 'GitCommandError' as const;
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Type guard for {@link GitCommandError}. */
export function isGitCommandError(error: unknown): error is GitCommandError {
  return error instanceof Error && error.name === 'GitCommandError';
}

/** Variables that redirect git away from the folder it runs in. */
const REDIRECTING_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_PREFIX',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
] as const;

/** `base` (default: this process's environment) without the variables that redirect git. */
export function gitFreeEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of REDIRECTING_VARIABLES) delete env[name];
  return env;
}

/** The environment every git call gets (read from this process's environment at each call). */
export function gitEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  return { ...gitFreeEnv(), LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat', ...extra };
}

/** Config given to every git call (put before the subcommand). */
export const GIT_CONFIG: readonly string[] = ['-c', 'core.hooksPath=/dev/null', '-c', 'advice.detachedHead=false', '-c', 'color.ui=false', '-c', 'core.pager=cat'];

/** Options for {@link git}. */
export interface GitOptions {
  cwd: string;
  /** Exit codes that resolve instead of rejecting. Default `[0]`. */
  okCodes?: readonly number[];
  /** Kills git and rejects with CancelledError. Leave it out for clean-up calls that must finish. */
  signal?: AbortSignal;
  /** Extra environment variables (identity for commits). */
  env?: Record<string, string>;
  /** Written to git's stdin. */
  input?: string;
}

/** What git printed and how it exited. */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs `git <args>` in `cwd`. Resolves for exit codes in `okCodes`, rejects with {@link GitCommandError} otherwise. */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  throwIfAborted(options.signal);
  const okCodes = options.okCodes ?? [0];
  return new Promise<GitResult>((resolve, reject) => {
    const child = execFile(
      'git',
      [...GIT_CONFIG, ...args],
      {
        cwd: options.cwd,
        env: gitEnv(options.env),
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        windowsHide: true,
        ...(options.signal && { signal: options.signal }),
      },
      (error, stdout, stderr) => {
        if (options.signal?.aborted) {
          reject(new CancelledError('git was cancelled', { cause: options.signal.reason }));
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (code !== null && okCodes.includes(code)) {
          resolve({ stdout, stderr, exitCode: code });
          return;
        }
        const detail = stderr.trim().split('\n').slice(-3).join(' ') || error?.message || 'unknown error';
        reject(new GitCommandError(`git ${args.slice(0, 3).join(' ')} failed (exit ${code ?? 'none'}): ${detail}`, args, code, stderr, { cause: error }));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** `git <args>` trimmed stdout. */
export async function gitText(args: readonly string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.trim();
}

/** The commit a ref names, or undefined when it names none. */
export async function resolveCommit(cwd: string, ref: string, signal?: AbortSignal): Promise<string | undefined> {
  if (ref.trim() === '' || ref.startsWith('-')) return undefined;
  const result = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd, okCodes: [0, 1, 128], ...(signal && { signal }) });
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

/** True when `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(cwd: string, ancestor: string, descendant: string, signal?: AbortSignal): Promise<boolean> {
  const result = await git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd, okCodes: [0, 1], ...(signal && { signal }) });
  return result.exitCode === 0;
}
