/**
 * Runs the CLI in-process with captured output, a private cache folder and no TTY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/main.js';
import type { CommandIO } from '../../cli/command.js';

/** Output of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const cacheRoot = mkdtempSync(join(tmpdir(), 'orchestra-cli-cache-'));

/** Removes the shared cache folder (call in afterAll). */
export function cleanupCliCache(): void {
  rmSync(cacheRoot, { recursive: true, force: true });
}

/** Runs `orchestra ...args` in `cwd`. */
export async function cli(cwd: string, ...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true), isTTY: false } as unknown as CommandIO['stdout'],
    stderr: { write: (chunk: string) => ((stderr += chunk), true), isTTY: false } as unknown as CommandIO['stderr'],
    cwd,
    env: { ...process.env, XDG_CACHE_HOME: cacheRoot, NO_COLOR: '1' },
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}
