/**
 * Where the editor's failures come from. Terminal commands: with shell integration VS Code reports
 * each command's start and end; the output of a command is read from its start (at most the last
 * 2 Mi characters are kept) and, when it ends with a failing exit code (not Ctrl-C), handed on for
 * triage. Tasks: VS Code reports a task process's exit code but not its output, so a failed task is
 * handed on with what is needed to run it again (its shell or process command), which the host offers
 * as "Re-run and Triage" (error-actions.ts: trusted workspace and an approval only).
 */
import * as vscode from 'vscode';
import { cleanTerminalOutput, failureSource, isFailureExit, OutputTail } from './error-output.js';

/** A terminal command that failed, with the end of its output. */
export interface TerminalFailure {
  readonly source: string;
  readonly commandLine: string;
  /** The folder it ran in, when shell integration knew it. */
  readonly cwd: string | undefined;
  readonly exitCode: number;
  /** The output as seen (escape sequences removed), from its first whole line when the start was dropped. */
  readonly output: string;
  readonly truncated: boolean;
}

/** A task whose process failed. */
export interface TaskFailure {
  readonly source: string;
  readonly task: vscode.Task;
  readonly exitCode: number;
}

/** What the watcher calls. */
export interface ErrorWatchDeps {
  readonly log: vscode.LogOutputChannel;
  onTerminalFailure(failure: TerminalFailure): void;
  onTaskFailure(failure: TaskFailure): void;
  /** Output kept per command (default 2 Mi characters). */
  readonly maxOutputChars?: number;
}

/** How long the end of a command waits for the last of its output to be read. */
const DRAIN_MS = 2_000;

type Running = { tail: OutputTail; reading: Promise<void> };

/** Follows terminal commands and tasks; every listener is in `context.subscriptions`. */
export function registerErrorWatch(context: vscode.ExtensionContext, deps: ErrorWatchDeps): void {
  const running = new Map<vscode.TerminalShellExecution, Running>();
  // Terminals whose last command failed and was handed on: a task run in such a terminal is not offered again.
  const failedTerminals = new Map<string, number>();

  const ended = async (event: vscode.TerminalShellExecutionEndEvent, exitCode: number, entry: Running): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.reading, new Promise<void>((done) => (timer = setTimeout(done, DRAIN_MS)))]);
    clearTimeout(timer);
    const output = cleanTerminalOutput(entry.tail.text());
    if (output.trim() === '') return;
    const commandLine = event.execution.commandLine.value.trim();
    failedTerminals.set(event.terminal.name, Date.now());
    deps.log.info(`terminal command failed (exit ${exitCode}): ${commandLine}`);
    deps.onTerminalFailure({
      source: failureSource('terminal', commandLine || event.terminal.name),
      commandLine,
      cwd: event.execution.cwd?.fsPath,
      exitCode,
      output,
      truncated: entry.tail.truncated,
    });
  };

  context.subscriptions.push(
    vscode.window.onDidStartTerminalShellExecution((event) => {
      const tail = new OutputTail(deps.maxOutputChars);
      // read() yields only what is written after its first call: call it at once.
      const stream = event.execution.read();
      const reading = (async () => {
        for await (const chunk of stream) tail.push(chunk);
      })().catch((error: unknown) => deps.log.warn(`could not read the output of "${event.execution.commandLine.value}": ${String(error)}`));
      running.set(event.execution, { tail, reading });
    }),
    vscode.window.onDidEndTerminalShellExecution((event) => {
      const entry = running.get(event.execution);
      running.delete(event.execution);
      if (entry && isFailureExit(event.exitCode)) void ended(event, event.exitCode, entry);
    }),
    vscode.tasks.onDidEndTaskProcess((event) => {
      if (!isFailureExit(event.exitCode)) return;
      const task = event.execution.task;
      // A shell task whose terminal reported the failing command through shell integration is covered already.
      const seen = [...failedTerminals].some(([name, at]) => name.includes(task.name) && Date.now() - at < 10_000);
      deps.log.info(`task "${task.name}" failed (exit ${event.exitCode})${seen ? '; its terminal output was triaged already' : ''}`);
      if (!seen) deps.onTaskFailure({ source: failureSource('task', task.name), task, exitCode: event.exitCode });
    }),
    { dispose: () => running.clear() },
  );
}
