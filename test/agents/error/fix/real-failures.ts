/**
 * Real failures for the fix-suggester's tests: small programs written to a temp folder and run
 * with the real node / python3 / java / tsc, so every message the tests feed in is one a runtime
 * really printed. Also reads the fault (first frame in the folder) and its code line, as the
 * stack tracer would.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultLocation } from '../../../../agents/error/types.js';

/** The repository root (for its node_modules/.bin/tsc and jest). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** What a program printed. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temp folder holding files; `dispose()` removes it. */
export interface TempDir {
  dir: string;
  write(path: string, content: string, mode?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Makes a temp folder (real path, so traces print it the same way). */
export async function tempDir(prefix = 'orchestra-fix-'): Promise<TempDir> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return {
    dir,
    async write(path, content, mode) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content, mode !== undefined ? { mode } : {});
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs a command and collects its output; never rejects on a non-zero exit. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_OPTIONS: '', ...env } },
      (error, stdout, stderr) => {
        const failed = error as (Error & { code?: unknown; signal?: unknown }) | null;
        if (failed !== null && typeof failed.code !== 'number' && typeof failed.signal !== 'string') {
          reject(failed); // could not run at all
          return;
        }
        resolve({ code: failed === null ? 0 : typeof failed.code === 'number' ? failed.code : null, stdout, stderr });
      },
    );
  });
}

/** True when a command runs here (`python3 --version`). */
export function available(command: string, args: readonly string[] = ['--version']): boolean {
  try {
    return spawnSync(command, [...args], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  } catch {
    return false;
  }
}

const ERROR_START = /^(?:Uncaught )?(?:[\w.$]*(?:Error|Exception|Rejection)(?: \[[A-Z_]+\])?:|FATAL ERROR:|Exception in thread|\[?UnhandledPromiseRejection)/;

/**
 * The error as the log analyzer would report it: the first line that starts an error, plus the
 * lines after it up to the first stack frame (node:assert's diff, a Require stack, a cause).
 */
export function errorMessage(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => ERROR_START.test(line.trim()));
  if (start < 0) throw new Error(`no error line in:\n${output.slice(0, 2000)}`);
  const out: string[] = [];
  for (let i = start; i < lines.length && out.length < 40; i++) {
    const line = lines[i] as string;
    if (i > start && /^\s+at /.test(line)) break;
    out.push(line.trimEnd());
  }
  return out.join('\n').trim();
}

/** The first `dir/file:line[:col]` a trace names inside `dir`, with its code line. */
export function faultIn(output: string, dir: string): { fault: FaultLocation; codeLine: string } {
  const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const withColumn = new RegExp(`${escaped}/([^:)\\s'"]+):(\\d+):(\\d+)`).exec(output);
  const python = [...output.matchAll(new RegExp(`File "${escaped}/([^"]+)", line (\\d+)(?:, in (\\w+))?`, 'g'))].pop();
  const java = /\((\w+\.java):(\d+)\)/.exec(output);
  const lineOnly = new RegExp(`${escaped}/([^:)\\s'"]+):(\\d+)`).exec(output);
  const match = withColumn ?? python ?? java ?? lineOnly;
  if (match === null || match === undefined) throw new Error(`no frame in ${dir}:\n${output.slice(0, 2000)}`);
  const file = match[1] as string;
  const line = Number(match[2]);
  const column = withColumn !== null && match === withColumn ? Number(match[3]) : undefined;
  const codeLine = readFileSync(join(dir, file), 'utf8').split('\n')[line - 1] ?? '';
  // The function, when the frame names one: `at walk (/tmp/x/a.js:1:19)`.
  const fn = (match === python ? python?.[3] : undefined) ?? new RegExp(`at (?:async )?([^\\s(]+) \\((?:file://)?${escaped}/${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:`).exec(output)?.[1];
  return { fault: { file, line, ...(column !== undefined ? { column } : {}), ...(fn !== undefined ? { function: fn } : {}), via: 'stack' }, codeLine };
}

/** Writes `files`, runs `node [args] entry` in the folder, returns the message, fault and code line. */
export async function nodeFailure(
  files: Record<string, string>,
  entry: string,
  nodeArgs: readonly string[] = [],
): Promise<{ message: string; fault: FaultLocation; codeLine: string; output: string }> {
  const tmp = await tempDir();
  try {
    for (const [path, content] of Object.entries(files)) await tmp.write(path, content);
    const result = await run(process.execPath, [...nodeArgs, entry], tmp.dir);
    if (result.code === 0) throw new Error(`${entry} did not fail:\n${result.stdout}`);
    const output = result.stderr;
    const message = errorMessage(output);
    let located: { fault: FaultLocation; codeLine: string };
    try {
      located = faultIn(output, tmp.dir);
    } catch {
      located = { fault: { file: entry, line: 1, via: 'stack' }, codeLine: readFileSync(join(tmp.dir, entry), 'utf8').split('\n')[0] ?? '' };
    }
    return { message, ...located, output };
  } finally {
    await tmp.dispose();
  }
}
