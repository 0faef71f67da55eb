/**
 * Fast test histories: commits written with one `git fast-import` (100 commits in tens of
 * milliseconds, where porcelain commits take seconds), then checked out, in a repo from makeRepo.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeRepo, type TempRepo } from '../../../helpers/git-repo.js';

/** One commit: files to write (`null` deletes). */
export interface CommitSpec {
  message: string;
  files?: Record<string, string | null>;
  author?: { name: string; email: string };
}

const ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Appends `commits` to the repo's current branch with fast-import and checks the result out; returns their shas, oldest first. */
export function importCommits(repo: TempRepo, commits: readonly CommitSpec[], startTime = 1_700_000_000): string[] {
  const branch = repo.git('symbolic-ref', 'HEAD').trim();
  const parent = (() => {
    try {
      return repo.git('rev-parse', '--verify', '--quiet', 'HEAD').trim();
    } catch {
      return undefined;
    }
  })();
  const chunks: string[] = [];
  commits.forEach((commit, i) => {
    const author = commit.author ?? { name: 'Test', email: 'test@example.invalid' };
    const when = `${startTime + i * 60} +0000`;
    const message = Buffer.from(commit.message, 'utf8');
    chunks.push(`commit ${branch}\nmark :${i + 1}\n`);
    chunks.push(`author ${author.name} <${author.email}> ${when}\ncommitter Test <test@example.invalid> ${when}\n`);
    chunks.push(`data ${message.length}\n${commit.message}\n`);
    if (i === 0 && parent) chunks.push(`from ${parent}\n`);
    for (const [path, content] of Object.entries(commit.files ?? {})) {
      if (content === null) chunks.push(`D ${path}\n`);
      else chunks.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    }
    chunks.push('\n');
  });
  const marks = join(repo.dir, '.git', 'test-marks');
  execFileSync('git', ['fast-import', '--quiet', `--export-marks=${marks}`], { cwd: repo.dir, env: ENV, input: chunks.join('') });
  repo.git('reset', '--hard', '--quiet');
  const byMark = new Map(
    readFileSync(marks, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  );
  return commits.map((_, i) => byMark.get(`:${i + 1}`)!);
}

/**
 * A repo of `count` commits editing `calc.txt` (and a few other files); from commit index `culpritIndex`
 * on, `calc.txt` says `factor = 3` instead of 2. `test` is a command that fails when the bug is there.
 */
export function regressionRepo(count: number, culpritIndex: number, extra: (i: number) => Record<string, string | null> = () => ({})): {
  repo: TempRepo;
  shas: string[];
  culprit: string;
  test: string[];
} {
  const repo = makeRepo('orchestra-test-bisect-');
  const commits: CommitSpec[] = [];
  for (let i = 0; i < count; i++) {
    const factor = i >= culpritIndex ? 3 : 2;
    commits.push({
      message: i === culpritIndex ? `change the factor (commit ${i})` : `commit ${i}`,
      files: { 'calc.txt': `factor = ${factor}\nround ${i}\n`, [`notes/n${i % 7}.txt`]: `note ${i}\n`, ...extra(i) },
      ...(i === culpritIndex && { author: { name: 'Culprit Author', email: 'culprit@example.invalid' } }),
    });
  }
  const shas = importCommits(repo, commits);
  return { repo, shas, culprit: shas[culpritIndex]!, test: ['sh', '-c', "! grep -q 'factor = 3' calc.txt"] };
}

/** Everything a user could notice about a working tree: bytes of every file, status, stash, HEAD, index, bisect state. */
export function snapshot(repo: TempRepo): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(repo.dir, path);
      if (rel === '.git') continue;
      if (statSync(path).isDirectory()) walk(path);
      else out[`file:${rel}`] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(repo.dir);
  out.status = repo.git('status', '--porcelain=v1', '--untracked-files=all');
  out.stash = repo.git('stash', 'list');
  out.head = repo.git('rev-parse', 'HEAD');
  out.symbolicHead = repo.git('rev-parse', '--symbolic-full-name', 'HEAD');
  out.index = repo.git('ls-files', '--stage');
  out.cached = repo.git('diff', '--cached');
  out.refs = repo.git('for-each-ref', '--format=%(refname) %(objectname)');
  out.bisectRefs = repo.git('for-each-ref', 'refs/bisect');
  out.worktrees = repo.git('worktree', 'list', '--porcelain');
  return out;
}
