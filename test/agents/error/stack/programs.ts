/**
 * Real failing programs for the stack tracer's tests: a temp project is written, a real runtime
 * (node, python3, java, chromium) runs it, and what it printed is what the tests parse. Compiling
 * TypeScript uses the repository's own `typescript` package.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export interface TempProject {
  root: string;
  dispose(): Promise<void>;
}

/** A folder holding `files` (path → content); its real path, so traces and root agree under symlinked temp dirs. */
export async function tempProject(files: Record<string, string>, prefix = 'orchestra-stack-'): Promise<TempProject> {
  const root = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  await writeFiles(root, files);
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Runs a command that is expected to fail; returns what it printed (stderr, then stdout). */
export function runFailing(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0', ...env } });
  if (result.error) throw result.error;
  if (result.status === 0) throw new Error(`${command} ${args.join(' ')} was expected to fail but exited 0:\n${result.stdout}${result.stderr}`);
  return `${result.stderr}${result.stdout}`;
}

/** Runs a command that must succeed (a compiler); throws with its output otherwise. */
export function runSucceeding(command: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
}

/** Runs a Node script with this Node. */
export function runNode(root: string, script: string, extraArgs: readonly string[] = []): string {
  return runFailing(process.execPath, [...extraArgs, script], root);
}

/** True when `command` runs on this machine (`--version` or the given probe exits 0). */
export function hasCommand(command: string, args: readonly string[] = ['--version']): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  return !result.error && result.status === 0;
}

/**
 * Compiles files of a temp project with the TypeScript compiler API. Only emit matters here (the
 * JavaScript and its source maps), so type checking and the default libraries are skipped — they
 * cost seconds per program; syntax errors and emit errors still fail.
 */
export function compileTypeScript(root: string, fileNames: readonly string[], options: ts.CompilerOptions): void {
  const program = ts.createProgram(
    fileNames.map((f) => join(root, f)),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noCheck: true, noLib: true, types: [], ...options },
  );
  const emitted = program.emit();
  const diagnostics = [...program.getSyntacticDiagnostics(), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0) throw new Error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
}

/** 1-based number of the first line of `source` containing `needle`. */
export function lineOf(source: string, needle: string): number {
  const index = source.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the source`);
  return index + 1;
}
