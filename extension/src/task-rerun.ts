/**
 * Running a failed task again to read its output. VS Code gives extensions a task's exit code but
 * not what it printed, so the only faithful way to triage a task that did not run under shell
 * integration is to run its command once more, capturing the output. That executes the project's
 * code: the caller does it only in a trusted workspace and through an `execute` approval.
 *
 * Only shell and process tasks can be re-run (a custom execution's command is not visible), and only
 * when their variables are ones resolvable here (`${workspaceFolder}`, `${env:X}`, …): anything that
 * needs the editor's resolver (`${file}`, `${input:x}`, a command variable) would change the command.
 */
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { CancelledError } from '../../shared/errors/errors.js';
import { formatArgv, OutputTail, resolveTaskVariables } from './error-output.js';

/** What re-runs a task: an argv (a process task, or the shell with its arguments and the command line). */
export interface TaskCommand {
  readonly argv: readonly string[];
  /** As shown to a person. */
  readonly display: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

function quote(value: string | vscode.ShellQuotedString): string {
  if (typeof value === 'string') return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
  switch (value.quoting) {
    case vscode.ShellQuoting.Escape:
      return value.value.replace(/([^\w@%+=:,./-])/g, '\\$1');
    case vscode.ShellQuoting.Weak:
      return `"${value.value.replace(/(["\\$`])/g, '\\$1')}"`;
    default:
      return `'${value.value.replace(/'/g, `'\\''`)}'`;
  }
}

/** The command that re-runs `task`, or why it cannot be re-run. */
export function taskCommand(task: vscode.Task, workspaceFolder: string): TaskCommand | { problem: string } {
  const execution = task.execution;
  const context = { workspaceFolder, env: process.env };
  const resolveAll = (texts: string[]): string[] | { problem: string } => {
    const out: string[] = [];
    for (const text of texts) {
      const r = resolveTaskVariables(text, context);
      if (!r.ok) return { problem: `the task uses ${r.variable}, which only the editor's task runner can resolve` };
      out.push(r.text);
    }
    return out;
  };
  let argv: string[];
  let options: vscode.ShellExecutionOptions | vscode.ProcessExecutionOptions | undefined;
  if (execution instanceof vscode.ShellExecution) {
    const line = execution.commandLine ?? [execution.command, ...(execution.args ?? [])].filter((part) => part !== undefined).map(quote).join(' ');
    options = execution.options;
    const windows = process.platform === 'win32';
    const shell = execution.options?.executable ?? (windows ? 'cmd.exe' : (process.env.SHELL ?? '/bin/sh'));
    argv = [shell, ...(execution.options?.shellArgs ?? (windows ? ['/d', '/s', '/c'] : ['-c'])), line];
  } else if (execution instanceof vscode.ProcessExecution) {
    argv = [execution.process, ...execution.args];
    options = execution.options;
  } else {
    return { problem: 'its command is not visible to extensions (a custom or contributed execution)' };
  }
  const resolvedArgv = resolveAll(argv);
  if ('problem' in resolvedArgv) return resolvedArgv;
  const cwd = resolveAll([options?.cwd ?? workspaceFolder]);
  if ('problem' in cwd) return cwd;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options?.env ?? {})) {
    const resolved = resolveAll([value]);
    if ('problem' in resolved) return resolved;
    env[key] = resolved[0]!;
  }
  const display = execution instanceof vscode.ShellExecution ? resolvedArgv[resolvedArgv.length - 1]! : formatArgv(resolvedArgv);
  return { argv: resolvedArgv, display, cwd: cwd[0]!, env };
}

/** How a re-run ended. */
export interface RerunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** stdout and stderr as they arrived, the last 2 Mi characters. */
  readonly output: string;
  readonly truncated: boolean;
}

/**
 * Runs the command without a terminal, output captured in bounded memory. The process group is
 * killed when `signal` fires (rejects with CancelledError) or after `timeoutMs`.
 */
export function runForOutput(command: TaskCommand, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<RerunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new CancelledError('The re-run was cancelled'));
    const [file, ...args] = command.argv;
    const child = spawn(file!, args, { cwd: command.cwd, env: { ...process.env, ...command.env, CI: process.env.CI ?? '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const tail = new OutputTail();
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs ?? 10 * 60_000);
    const onAbort = () => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => tail.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => tail.push(chunk));
    child.once('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(new CancelledError('The re-run was cancelled'));
      resolve({ exitCode, signal, timedOut, output: tail.text(), truncated: tail.truncated });
    });
  });
}
