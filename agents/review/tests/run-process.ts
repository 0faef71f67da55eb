/**
 * Runs one test command in its own process group, with a timeout, an AbortSignal and bounded
 * output capture. Test runners start workers (jest, vitest) and tests start servers: killing only
 * the direct child would orphan them, so the whole group is killed on timeout, on abort, and after
 * the main process exits (anything it left behind in its group goes too).
 */
import { spawn } from 'node:child_process';
import { CancelledError, throwIfAborted } from '../../../shared/errors/errors.js';

/** What to run. */
export interface RunProcessOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Milliseconds before the process group is killed and the run reported as timed out. */
  timeoutMs: number;
  /** Cancels the run: the group is killed and the promise rejects with CancelledError. */
  signal?: AbortSignal;
  /** Bytes kept per stream (stdout, stderr); the rest is counted but dropped. Default 8 MiB. */
  maxOutputBytes?: number;
}

/** How the run ended. */
export interface RunProcessResult {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when a stream exceeded `maxOutputBytes` and was cut. */
  truncated: boolean;
  /** True when the timeout fired and the group was killed. */
  timedOut: boolean;
  /** Set when the command could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
}

const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;

/** Sends a signal to a whole process group; a group that is already gone is not an error. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already; EPERM cannot happen for our own detached child.
  }
}

/** A bounded collector for one output stream. */
class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.kept += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Runs the command and resolves when it and its stdio are closed. Rejects only with CancelledError. */
export async function runProcess(options: RunProcessOptions): Promise<RunProcessResult> {
  throwIfAborted(options.signal);
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise<RunProcessResult>((resolve, reject) => {
    const stdout = new OutputBuffer(limit);
    const stderr = new OutputBuffer(limit);
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const pid = child.pid;
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pid, 'SIGKILL');
    }, options.timeoutMs);
    timer.unref();
    const onAbort = (): void => {
      aborted = true;
      killGroup(pid, 'SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (result: RunProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (aborted) reject(new CancelledError('Test run cancelled', { cause: options.signal?.reason }));
      else resolve(result);
    };

    child.on('error', (error) => {
      // Spawn failures (ENOENT) arrive here without an 'exit'; 'close' still follows.
      finish({ exitCode: null, exitSignal: null, stdout: '', stderr: '', truncated: false, timedOut: false, spawnError: error });
    });
    // The main process exited: whatever it left running in its group (workers, servers) goes too,
    // so that the pipes close and nothing outlives the run.
    child.on('exit', () => killGroup(pid, 'SIGKILL'));
    child.on('close', (code, signal) => {
      finish({
        exitCode: code,
        exitSignal: signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
        timedOut,
      });
    });
  });
}
