/**
 * Real tool runs for the log analyzer's tests: a temp folder with the given files, the command run
 * in it through `sh -c '… 2>&1'` (stdout and stderr interleaved as a CI log has them), the folder
 * removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The repository root (the tools under test come from its node_modules). */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const REPO_BIN = {
  jest: join(REPO, 'node_modules', 'jest', 'bin', 'jest.js'),
  tsc: join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
  eslint: join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'),
};

/** True when `command` runs and exits 0. */
export function available(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 60_000 });
  return result.status === 0;
}

/** Creates a temp folder with `files` (path → content). */
export async function tempFolder(files: Record<string, string>): Promise<{ root: string; dispose(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'orchestra-logs-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}

/** Runs a shell command in `cwd` and returns its combined output (and exit status). */
export function runTool(command: string, cwd: string, env: Record<string, string> = {}): { output: Buffer; status: number | null } {
  const result = spawnSync('sh', ['-c', `${command} 2>&1`], {
    cwd,
    env: { ...process.env, CI: 'true', NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false', ...env },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { output: result.stdout, status: result.status };
}

/** The bytes as a stream of small chunks that cut lines, characters and escapes anywhere. */
export function dribble(bytes: Uint8Array, size = 7): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at >= bytes.length) {
        this.push(null);
        return;
      }
      this.push(Buffer.from(bytes.subarray(at, at + size)));
      at += size;
    },
  });
}
