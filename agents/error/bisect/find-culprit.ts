/**
 * `findCulprit`: which commit made a command start failing.
 *
 * The search runs in a detached worktree in a temporary folder (temp-worktree.ts), so the user's
 * working tree, index, HEAD, stash and bisect state are never touched, and it works while the tree
 * is dirty. The worktree is removed afterwards whatever happens (found, failure, budget, abort).
 *
 * Bisection is driven here rather than by `git bisect run`: git still picks every commit
 * (`git bisect start/good/bad/skip` in the worktree, see bisect-session.ts), but owning the loop lets
 * us re-run for flakiness, stop at a time budget, count runs, time our own overhead, and build before
 * testing. The steps and the counting are described in culprit-search.ts.
 */
import { join } from 'node:path';
import { InvalidInputError, throwIfAborted } from '../../../shared/errors/errors.js';
import { CommandRunner } from './command-runner.js';
import { buildReport } from './culprit-report.js';
import { CulpritSearch } from './culprit-search.js';
import { git, gitText, isAncestor, isGitCommandError, resolveCommit } from './git-command.js';
import { openTempWorktree } from './temp-worktree.js';
import type { CulpritReport, FindCulpritOptions } from './types.js';

const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_FLAKE_RETRIES = 2;

/**
 * Finds the first commit between a good and a bad ref where `command` fails. Resolves with a
 * {@link CulpritReport} whatever the search found (including `flaky`, `partial` and `impossible`);
 * rejects with {@link InvalidInputError} for bad options (not a repository, unknown refs, good not an
 * ancestor of bad, a command that cannot start), and with CancelledError when `signal` fires.
 */
export async function findCulprit(options: FindCulpritOptions): Promise<CulpritReport> {
  const startedAt = Date.now();
  const settings = validate(options);
  const { signal } = options;
  throwIfAborted(signal);
  const { top, prefix, shallow } = await describeRepo(options.repo, signal);
  const { bad, good, subjects } = await resolveRefs(top, options, signal);
  if (good !== undefined) {
    if (good === bad) throw new InvalidInputError(`The good and bad refs are the same commit (${good.slice(0, 10)}): nothing to bisect.`, { key: 'good' });
    if (!(await isAncestor(top, good, bad, signal))) {
      throw new InvalidInputError(`The good ref "${options.good}" is not an ancestor of the bad ref "${options.bad ?? 'HEAD'}": bisection needs good to be older than bad.`, { key: 'good' });
    }
  }
  const subjectOf = async (sha: string): Promise<string> => {
    let subject = subjects.get(sha);
    if (subject === undefined) {
      subject = await gitText(['log', '-1', '--format=%s', sha], { cwd: top, ...(signal && { signal }) });
      subjects.set(sha, subject);
    }
    return subject;
  };

  const worktree = await openTempWorktree(top, bad, { prefix: 'orchestra-bisect-', ...(signal && { signal }) });
  try {
    const runner = new CommandRunner({
      cwd: join(worktree.path, prefix),
      command: options.command,
      ...(options.build && options.build.length > 0 && { build: options.build }),
      ...(options.env && { env: options.env }),
      runTimeoutMs: settings.runTimeoutMs,
      deadline: options.budgetMs === undefined ? Number.POSITIVE_INFINITY : startedAt + options.budgetMs,
      ...(signal && { signal }),
    });
    const search = new CulpritSearch({
      worktree: worktree.path,
      runner,
      bad,
      ...(good !== undefined && { good }),
      flakeRetries: settings.flakeRetries,
      shallow,
      ...(signal && { signal }),
      ...(options.onStep && { onStep: options.onStep }),
      subjectOf,
    });
    const outcome = await search.run();
    return await buildReport(search, outcome, { cwd: top, bad, flakeRetries: settings.flakeRetries, runner, startedAt, ...(signal && { signal }) });
  } finally {
    await worktree.dispose();
  }
}

function validate(options: FindCulpritOptions): { runTimeoutMs: number; flakeRetries: number } {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError('findCulprit needs an options object');
  if (typeof options.repo !== 'string' || options.repo === '') throw new InvalidInputError('repo must be a folder inside a git repository', { key: 'repo' });
  checkArgv(options.command, 'command');
  if (options.build !== undefined && options.build.length > 0) checkArgv(options.build, 'build');
  const positive = (value: number | undefined, key: string): void => {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new InvalidInputError(`${key} must be a positive number of milliseconds, got ${value}`, { key });
  };
  positive(options.budgetMs, 'budgetMs');
  positive(options.runTimeoutMs, 'runTimeoutMs');
  const flakeRetries = options.flakeRetries ?? DEFAULT_FLAKE_RETRIES;
  if (!Number.isInteger(flakeRetries) || flakeRetries < 0 || flakeRetries > 50) {
    throw new InvalidInputError(`flakeRetries must be an integer from 0 to 50, got ${flakeRetries}`, { key: 'flakeRetries' });
  }
  return { runTimeoutMs: options.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS, flakeRetries };
}

function checkArgv(argv: unknown, key: string): void {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string') || argv[0] === '') {
    throw new InvalidInputError(`${key} must be a non-empty array of strings (program and arguments, no shell), e.g. ["npm", "test"]`, { key });
  }
}

/** The top folder, the sub-folder `repo` is in, and whether the clone is shallow: one git call. */
async function describeRepo(repo: string, signal: AbortSignal | undefined): Promise<{ top: string; prefix: string; shallow: boolean }> {
  let lines: string[];
  try {
    lines = (await git(['rev-parse', '--show-toplevel', '--show-prefix', '--is-shallow-repository'], { cwd: repo, ...(signal && { signal }) })).stdout.split('\n');
  } catch (error) {
    if (isGitCommandError(error)) throw new InvalidInputError(`${repo} is not inside a git work tree, so there is no history to bisect.`, { key: 'repo' }, { cause: error });
    throw error;
  }
  return { top: lines[0] ?? repo, prefix: lines[1] ?? '', shallow: lines[2] === 'true' };
}

/** The bad and (when given) good commits with their subjects, in one git call; otherwise says which ref names nothing. */
async function resolveRefs(
  top: string,
  options: FindCulpritOptions,
  signal: AbortSignal | undefined,
): Promise<{ bad: string; good: string | undefined; subjects: Map<string, string> }> {
  const badRef = options.bad ?? 'HEAD';
  const refs = [badRef, ...(options.good !== undefined ? [options.good] : [])];
  if (refs.every((ref) => ref.trim() !== '' && !ref.startsWith('-'))) {
    // No option can sneak in: every ref was checked not to start with "-". Equal refs come out once.
    const result = await git(['log', '--no-walk=unsorted', '--format=%H%x00%s', ...refs.map((ref) => `${ref}^{commit}`), '--'], { cwd: top, okCodes: [0, 128], ...(signal && { signal }) });
    const rows = result.stdout.split('\n').filter(Boolean).map((line) => line.split('\0') as [string, string]);
    if (result.exitCode === 0 && rows.length > 0 && rows.every(([sha]) => /^[0-9a-f]{40,64}$/.test(sha))) {
      const subjects = new Map(rows);
      const bad = rows[0]![0];
      return { bad, good: options.good === undefined ? undefined : (rows[1]?.[0] ?? bad), subjects };
    }
  }
  if ((await resolveCommit(top, badRef, signal)) === undefined) throw new InvalidInputError(`The bad ref "${badRef}" names no commit in ${top}.`, { key: 'bad' });
  throw new InvalidInputError(`The good ref "${options.good}" names no commit in ${top}: fetch it or name another tag, branch or commit.`, { key: 'good' });
}
