/**
 * A log watcher: a background agent that follows a log file (inside or outside the workspace) with
 * chokidar, reads only what was appended, and publishes an `error.detected` event for each line that
 * looks like a failure (an ERROR/FATAL level, an exception or a Python traceback, a Go panic). Its
 * task `log_tail` returns the failures seen so far. A file that is truncated or rotated is read from
 * its start again; a missing file is waited for.
 */
import { watch, type FSWatcher } from 'chokidar';
import { open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventBus } from '../../shared/bus/event-bus.js';
import type { Agent, AgentContext, AgentTask } from '../../shared/runtime/agent.js';

/** A line of a log that looks like a failure. */
export interface LogFailure {
  file: string;
  line: number;
  message: string;
}

/** Lines that look like failures. Bounded patterns: each runs on one line of at most 4,096 characters. */
const FAILURE = /\b(?:ERROR|FATAL|CRITICAL|Exception|Traceback \(most recent call last\)|Unhandled(?:PromiseRejection)?|panic:)/;
const MAX_LINE = 4096;
/** Most bytes read per change, so a log growing by gigabytes cannot stall the watcher. */
const MAX_READ = 1024 * 1024;

export class LogWatcherAgent implements Agent<unknown, LogFailure[]> {
  readonly kind = 'watcher';
  readonly capabilities = ['log_watch'] as const;
  readonly permission = 'read_only' as const;
  private watcher: FSWatcher | undefined;
  private bus: EventBus | undefined;
  private offset = 0;
  private lineNo = 0;
  private partial = '';
  private reading: Promise<void> = Promise.resolve();
  readonly failures: LogFailure[] = [];

  constructor(readonly id: string, readonly file: string) {}

  start(context: { bus: EventBus }): void {
    this.bus = context.bus;
    // The folder is watched (depth 0), not the file: a log that does not exist yet, or is rotated by
    // rename, is picked up when it appears.
    const folder = dirname(this.file);
    this.watcher = watch(folder, { ignoreInitial: false, awaitWriteFinish: false, depth: 0, ignored: (path: string) => path !== folder && path !== this.file });
    const onChange = (path: string) => {
      if (path === this.file) this.reading = this.reading.then(() => this.readAppended()).catch(() => undefined);
    };
    this.watcher.on('add', onChange).on('change', onChange).on('error', () => undefined);
  }

  /** Reads what was appended since the last read and reports failure lines. */
  private async readAppended(): Promise<void> {
    const info = await stat(this.file).catch(() => undefined);
    if (!info) return;
    if (info.size < this.offset) {
      // Truncated or rotated: start over.
      this.offset = 0;
      this.lineNo = 0;
      this.partial = '';
    }
    const handle = await open(this.file, 'r');
    try {
      // In chunks of at most MAX_READ, so a log that grew by gigabytes is read in bounded memory.
      while (this.offset < info.size) {
        const buffer = Buffer.alloc(Math.min(info.size - this.offset, MAX_READ));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        await this.scan(this.partial + buffer.subarray(0, bytesRead).toString('utf8'));
      }
    } finally {
      await handle.close();
    }
  }

  /** Splits text into complete lines (keeping the unfinished tail) and reports failure lines. */
  private async scan(text: string): Promise<void> {
    const lines = text.split(/\r?\n/);
    this.partial = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const raw of lines) {
      this.lineNo++;
      const line = raw.slice(0, MAX_LINE);
      if (!FAILURE.test(line)) continue;
      const failure = { file: this.file, line: this.lineNo, message: line.trim().slice(0, 500) };
      this.failures.push(failure);
      if (this.failures.length > 1000) this.failures.shift();
      await this.bus?.publish('error.detected', { source: `log:${this.file}`, message: failure.message, file: this.file, line: failure.line }, { source: this.id }).catch(() => undefined);
    }
  }

  /** Waits for pending reads (tests, shutdown). */
  settled(): Promise<void> {
    return this.reading;
  }

  async handle(_task: AgentTask, _context: AgentContext): Promise<LogFailure[]> {
    await this.reading;
    return [...this.failures];
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
    await this.reading;
  }
}
