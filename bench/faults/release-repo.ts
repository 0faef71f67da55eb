/**
 * A git repository with one commit per published release: each commit replaces the whole tree with
 * the release's unpacked tarball (package contents at the root), message `release X`. Identity and
 * dates are fixed and the user's git config is ignored, so the history is the same on every run.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A built repository: its folder and the commit of each release. */
export interface ReleaseRepo {
  path: string;
  /** version → full sha. */
  commits: Map<string, string>;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'npm registry',
  GIT_AUTHOR_EMAIL: 'releases@example.invalid',
  GIT_COMMITTER_NAME: 'npm registry',
  GIT_COMMITTER_EMAIL: 'releases@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: { ...process.env, ...IDENTITY, ...env },
    maxBuffer: 16 << 20,
    timeout: 120_000,
  });
  return stdout.trim();
}

/**
 * Builds the repository in `path` (created; must not exist or be empty) from the releases, oldest
 * first. `releases[i].dir` is the unpacked package folder of that version.
 */
export async function buildReleaseRepo(path: string, releases: readonly { version: string; dir: string }[]): Promise<ReleaseRepo> {
  await mkdir(path, { recursive: true });
  await git(path, ['init', '-q', '-b', 'main']);
  const commits = new Map<string, string>();
  // One day apart, from a fixed origin: stable shas, and dates that read in release order.
  const origin = Date.UTC(2020, 0, 1) / 1000;
  for (const [i, release] of releases.entries()) {
    for (const entry of await readdir(path)) if (entry !== '.git') await rm(join(path, entry), { recursive: true, force: true });
    await cp(release.dir, path, { recursive: true });
    await git(path, ['add', '-A', '--force']);
    const date = `@${origin + i * 86_400} +0000`;
    await git(path, ['commit', '-q', '--no-verify', '--allow-empty', '-m', `release ${release.version}`], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    commits.set(release.version, await git(path, ['rev-parse', 'HEAD']));
  }
  return { path, commits };
}
