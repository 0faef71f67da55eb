/** Temporary project folders for the test-runner tests: made with mkdtemp, always removed. */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's own jest, which a temp project links to as its node_modules/.bin/jest. */
export const REPO_JEST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'node_modules', 'jest', 'bin', 'jest.js');

/** Creates a folder holding `files` (path → content); `dispose()` removes it. */
export async function tempProject(files: Record<string, string>): Promise<{ root: string; dispose(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'orchestra-tests-project-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}

/** Links `node_modules/.bin/jest` in `root` to the repository's jest. */
export async function linkJest(root: string): Promise<void> {
  await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
  await symlink(REPO_JEST, join(root, 'node_modules', '.bin', 'jest'));
}

/** True while a process with this pid exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) S …"; a killed orphan is a zombie (Z) until init reaps it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/**
 * Resolves with whether the process is still alive after SIGKILL had time to land (a kill is
 * delivered asynchronously). Polls up to `patienceMs`; this bounds the wait, it does not time the code.
 */
export async function stillAliveAfterKill(pid: number, patienceMs = 5000): Promise<boolean> {
  for (let waited = 0; waited < patienceMs; waited += 25) {
    if (!isAlive(pid)) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return isAlive(pid);
}
