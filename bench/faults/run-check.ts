/**
 * A case's check as a runnable script, and one run of it. The script lives outside the release
 * repository (so it is in no commit and bisection's worktree never sees it) and finds the package
 * through its working directory: the repository, bisection's worktree, or an unpacked tarball.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { FaultCase } from './corpus.js';

/** Defines `load` and `assert` for the check's body. */
const PREAMBLE = `'use strict';
const assert = require('node:assert/strict');
const packageRoot = process.cwd();
const load = (relativePath = '.') => require(require('node:path').resolve(packageRoot, relativePath));
`;

/** Writes the check of `c` to `path` (a `.cjs` file outside the repository). */
export async function writeCheck(c: FaultCase, path: string): Promise<void> {
  await writeFile(path, `${PREAMBLE}${c.check.trimStart()}`);
}

/** What one run printed and how it ended. */
export interface CheckRun {
  /** null when killed (timeout). */
  exitCode: number | null;
  timedOut: boolean;
  /** stdout then stderr, as a person running it would read them. */
  output: string;
}

/** Runs `node checkPath` in `cwd`. */
export function runCheck(checkPath: string, cwd: string, timeoutMs = 30_000): Promise<CheckRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [checkPath],
      { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 << 20, env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const output = `${stdout}${stdout && stderr ? '\n' : ''}${stderr}`;
        if (!error) return resolve({ exitCode: 0, timedOut: false, output });
        const e = error as { code?: unknown; killed?: boolean; signal?: string | null };
        const timedOut = e.killed === true && e.signal === 'SIGKILL';
        resolve({ exitCode: typeof e.code === 'number' ? e.code : null, timedOut, output });
      },
    );
  });
}
