/**
 * `git apply --check` as a second opinion when the root is inside a git work tree: git is stricter
 * than jsdiff about some things (whitespace at end of file, line endings under `.gitattributes`).
 * Git is run from the work tree's top with `--directory` set to the root's place in it, because
 * from a subfolder git silently ignores paths outside that folder.
 */
import { execFile, spawn } from 'node:child_process';

/** Git gets this long per call; a slow or hung git is not a reason to hold a suggestion forever. */
const GIT_TIMEOUT_MS = 10_000;

/** The work tree's top and the root's path inside it, or undefined when the root is not in a git work tree (or git is missing). */
export function gitLocation(root: string, signal?: AbortSignal): Promise<{ top: string; prefix: string } | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['rev-parse', '--show-toplevel', '--show-prefix'],
      { cwd: root, timeout: GIT_TIMEOUT_MS, signal, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => {
        if (error !== null) return resolve(undefined);
        const [top, prefix = ''] = stdout.split('\n');
        resolve(top !== undefined && top.length > 0 ? { top, prefix: prefix.replace(/\/$/, '') } : undefined);
      },
    );
  });
}

/** The outcome of `git apply --check`: `skipped` when the root is not in a git work tree. */
export type GitCheck = { ok: true; skipped: boolean } | { ok: false; reason: string };

/** Runs `git apply --check -p1` on a patch with `a/`/`b/` prefixes, relative to `root`. Never writes. */
export async function gitApplyCheck(root: string, patch: string, signal?: AbortSignal): Promise<GitCheck> {
  const location = await gitLocation(root, signal);
  if (location === undefined) return { ok: true, skipped: true };
  const args = ['apply', '--check', '-p1', ...(location.prefix.length > 0 ? [`--directory=${location.prefix}`] : [])];
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd: location.top, timeout: GIT_TIMEOUT_MS, signal, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    child.on('error', (error) => resolve({ ok: false, reason: `git apply --check could not run: ${error.message}` }));
    child.on('close', (code) => {
      if (code === 0) resolve({ ok: true, skipped: false });
      else resolve({ ok: false, reason: `git apply --check refused it: ${stderr.trim().split('\n').slice(0, 3).join('; ') || `exit code ${String(code)}`}` });
    });
    child.stdin.on('error', () => undefined); // git may exit before reading everything; 'close' reports it
    child.stdin.end(patch);
  });
}
