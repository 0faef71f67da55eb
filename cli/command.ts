/**
 * The shape of a CLI command. `cli/main.ts` only parses the command name and dispatches; each
 * command parses its own options (node:util parseArgs) and calls the core.
 */

/** Exit codes shared by every command. */
export const ExitCode = {
  /** Nothing at or above the failure threshold. */
  Ok: 0,
  /** Findings at or above the threshold, or a check that failed (e.g. a tampered audit log). */
  Findings: 1,
  /** Usage or configuration error. */
  Usage: 2,
} as const;

/** Where a command writes. Injected so tests capture output without spawning a process. */
export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Standard input, for commands that read `-` (triage). Absent: nothing to read. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** One `orchestra <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text shown by `orchestra help <name>` and on a usage error. */
  usage: string;
  run(args: string[], io: CommandIO): Promise<number>;
}

/** A usage error: the command prints its usage and exits with {@link ExitCode.Usage}. */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const;
}
