/**
 * `proposeRevert`: offers `git revert <culprit>` as a new branch (or a patch file), never on the
 * user's branch, never pushed, only with a person's approval.
 *
 * 1. Checks: the culprit is a commit in HEAD's history; its message has no `Orchestra-No-Revert: true`
 *    trailer (read with `%(trailers:key=…)`, so git's own trailer parsing decides) → `opted-out`;
 *    today's cap is not used up → `capped`.
 * 2. Dry run (prepare-revert.ts): the revert is made and committed in a temporary worktree, so a
 *    conflict is reported before anyone is asked (`conflict`, nothing left behind), and the approver
 *    sees which files change.
 * 3. A slot of the daily cap is reserved (revert-cap.ts), then `engine.perform` asks for approval of
 *    `git.revert` at level `critical` (`approval.requested` on the bus; a host answers with
 *    `approval.decided`), and only when approved creates the branch `orchestra/revert-<short>` at the
 *    prepared commit (`git update-ref` that refuses an existing ref: a suffix -2, -3… is taken instead)
 *    or writes the patch under `<git dir>/orchestra/patches/`. The engine audits the decision and the
 *    action (input, output or error). Refused, denied, timed out → `denied`, slot released, no branch.
 *
 * The user's working tree, index, HEAD and current branch are never touched: only a new ref (or a file
 * inside the git folder) appears.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInputError, isErrorNamed, throwIfAborted } from '../../../shared/errors/errors.js';
import { readCommits } from '../bisect/commit-info.js';
import { git, gitText, isAncestor, isGitCommandError, resolveCommit } from '../bisect/git-command.js';
import { prepareRevert } from './prepare-revert.js';
import { RevertCap } from './revert-cap.js';
import type { ProposeRevertOptions, RevertOutcome } from './types.js';

const DEFAULT_AGENT = 'error-rollback';
const DEFAULT_MAX_PER_DAY = 3;
const OPT_OUT_KEY = 'Orchestra-No-Revert';

/** Proposes reverting `culprit`; see the module comment for the steps. Rejects with CancelledError when `signal` fires. */
export async function proposeRevert(options: ProposeRevertOptions): Promise<RevertOutcome> {
  const { signal } = options;
  const withSignal = signal ? { signal } : {};
  const mode = options.mode ?? 'branch';
  const maxPerDay = options.maxPerDay ?? DEFAULT_MAX_PER_DAY;
  const agentId = options.agentId ?? DEFAULT_AGENT;
  validate(options, mode, maxPerDay);
  throwIfAborted(signal);

  const top = await topLevel(options.repo, signal);
  const culprit = await resolveCommit(top, options.culprit, signal);
  if (culprit === undefined) throw new InvalidInputError(`The culprit "${options.culprit}" names no commit in ${top}.`, { key: 'culprit' });
  const base = await resolveCommit(top, 'HEAD', signal);
  if (base === undefined || !(await isAncestor(top, culprit, base, signal))) {
    throw new InvalidInputError(`The culprit ${culprit.slice(0, 10)} is not in the history of HEAD, so there is nothing to revert on top of it.`, { key: 'culprit' });
  }
  const commit = (await readCommits(top, [culprit], signal)).get(culprit)!;

  if (await optedOut(top, culprit, signal)) return { status: 'opted-out' };

  const gitDir = await gitText(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: top, ...withSignal });
  const cap = new RevertCap(options.statePath ?? join(gitDir, 'orchestra', 'revert-cap.json'));
  if ((await cap.usedToday()) >= maxPerDay) return { status: 'capped', limit: maxPerDay };

  const message = revertMessage(commit.sha, commit.subject, agentId);
  const prepared = await prepareRevert({ top, base, culprit, parents: commit.parents.length, message, ...withSignal });
  if (prepared.kind === 'conflict') return { status: 'conflict', files: prepared.files };

  const branch = mode === 'branch' ? await freeBranchName(top, `orchestra/revert-${commit.short}`, signal) : undefined;
  const reservation = await cap.reserve(culprit, maxPerDay, signal);
  if (!reservation) return { status: 'capped', limit: maxPerDay };

  let done = false;
  let patchText = '';
  try {
    const where = mode === 'branch' ? `on a new branch ${branch}` : 'as a patch file';
    const outcome = await options.engine.perform(
      {
        agentId,
        action: 'git.revert',
        level: 'critical',
        input: {
          repo: top,
          culprit: commit.sha,
          subject: commit.subject,
          author: commit.author.name,
          base,
          mode,
          ...(branch !== undefined && { branch }),
          revertCommit: prepared.commit,
          files: prepared.files,
          stat: prepared.stat,
        },
        ...(options.user !== undefined && { user: options.user }),
        summary: `${agentId} wants to revert ${commit.short} "${commit.subject}" ${where} (${prepared.stat || `${prepared.files.length} files`}); nothing is pushed and the current branch is not touched`,
        ...withSignal,
      },
      // What is returned here is what the audit records: the branch, or the patch file and its size (not its text).
      async () => {
        if (mode === 'branch') return createBranch(top, branch!, prepared.commit, commit.short);
        const written = await writePatch(top, gitDir, prepared.commit, commit.short);
        patchText = written.patch;
        return { file: written.file, bytes: Buffer.byteLength(written.patch), commit: prepared.commit };
      },
    );
    done = true;
    return 'branch' in outcome ? { status: 'reverted', ...outcome } : { status: 'patch', patch: patchText, file: outcome.file };
  } catch (error) {
    if (isErrorNamed(error, 'PermissionDeniedError')) return { status: 'denied', reason: error.message };
    throw error;
  } finally {
    if (!done) await reservation.release();
  }
}

/** Points a new branch at the prepared commit; a name taken meanwhile gets the next suffix. */
async function createBranch(top: string, wanted: string, commit: string, short: string): Promise<{ branch: string; commit: string }> {
  let name = wanted;
  for (let attempt = 2; ; attempt++) {
    const created = await git(['update-ref', '-m', `orchestra: revert ${short} (approved)`, `refs/heads/${name}`, commit, ''], { cwd: top, okCodes: [0, 128] });
    if (created.exitCode === 0) return { branch: name, commit };
    if (attempt > 20) throw new InvalidInputError(`Could not create a branch for the revert: ${created.stderr.trim()}`);
    name = await freeBranchName(top, `${wanted}-${attempt}`, undefined);
  }
}

async function writePatch(top: string, gitDir: string, commit: string, short: string): Promise<{ patch: string; file: string }> {
  const patch = await gitText(['format-patch', '-1', '--stdout', '--no-signature', commit], { cwd: top });
  const folder = join(gitDir, 'orchestra', 'patches');
  await mkdir(folder, { recursive: true });
  const file = join(folder, `revert-${short}-${commit.slice(0, 10)}.patch`);
  await writeFile(file, `${patch}\n`);
  return { patch: `${patch}\n`, file };
}

/** `wanted`, or `wanted-2`, `wanted-3`… whichever names no branch yet. */
async function freeBranchName(top: string, wanted: string, signal: AbortSignal | undefined): Promise<string> {
  const checked = await git(['check-ref-format', '--branch', wanted], { cwd: top, okCodes: [0, 1, 128], ...(signal && { signal }) });
  if (checked.exitCode !== 0) throw new InvalidInputError(`"${wanted}" is not a valid branch name.`);
  for (let n = 1; n < 100; n++) {
    const name = n === 1 ? wanted : `${wanted}-${n}`;
    const exists = await git(['show-ref', '--verify', '--quiet', `refs/heads/${name}`], { cwd: top, okCodes: [0, 1], ...(signal && { signal }) });
    if (exists.exitCode === 1) return name;
  }
  throw new InvalidInputError(`Too many branches named ${wanted}-N already: delete old revert branches.`);
}

/** True when the culprit's message has an `Orchestra-No-Revert` trailer saying true/yes/1/on. */
async function optedOut(top: string, sha: string, signal: AbortSignal | undefined): Promise<boolean> {
  const values = await gitText(['log', '-1', `--format=%(trailers:key=${OPT_OUT_KEY},valueonly,separator=%x1f)`, sha], { cwd: top, ...(signal && { signal }) });
  return values.split('\x1f').some((value) => /^(true|yes|1|on)$/i.test(value.trim()));
}

function revertMessage(sha: string, subject: string, agentId: string): string {
  return [
    `Revert "${subject}"`,
    '',
    `This reverts commit ${sha}.`,
    '',
    `The error swarm's culprit finder found this commit to be the first where the failure appears. Proposed by Orchestra (${agentId}) on its own branch for review; it was not pushed.`,
    '',
    `Orchestra-Revert-Of: ${sha}`,
    '',
  ].join('\n');
}

function validate(options: ProposeRevertOptions, mode: string, maxPerDay: number): void {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError('proposeRevert needs an options object');
  if (typeof options.repo !== 'string' || options.repo === '') throw new InvalidInputError('repo must be a folder inside a git repository', { key: 'repo' });
  if (typeof options.culprit !== 'string' || options.culprit.trim() === '' || options.culprit.startsWith('-')) throw new InvalidInputError('culprit must name a commit', { key: 'culprit' });
  if (typeof options.engine?.perform !== 'function') throw new InvalidInputError('engine must be the governance PolicyEngine', { key: 'engine' });
  if (mode !== 'branch' && mode !== 'patch') throw new InvalidInputError(`mode must be "branch" or "patch", got ${JSON.stringify(mode)}`, { key: 'mode' });
  if (!Number.isInteger(maxPerDay) || maxPerDay < 0) throw new InvalidInputError(`maxPerDay must be a whole number ≥ 0, got ${maxPerDay}`, { key: 'maxPerDay' });
  if (options.statePath !== undefined && (typeof options.statePath !== 'string' || options.statePath === '')) throw new InvalidInputError('statePath must be a file path', { key: 'statePath' });
}

async function topLevel(repo: string, signal: AbortSignal | undefined): Promise<string> {
  try {
    return resolve(await gitText(['rev-parse', '--show-toplevel'], { cwd: repo, ...(signal && { signal }) }));
  } catch (error) {
    if (isGitCommandError(error)) throw new InvalidInputError(`${repo} is not inside a git work tree.`, { key: 'repo' }, { cause: error });
    throw error;
  }
}
