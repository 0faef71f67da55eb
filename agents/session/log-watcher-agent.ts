/**
 * A log watcher: a background agent that follows a log file (inside or outside the workspace) with
 * chokidar, reads only what was appended, and hands each appended batch of lines to the error swarm's
 * log analyzer: every error it extracts (an ERROR/FATAL line, an exception with its stack trace, a
 * Python traceback, a Go panic, a test failure) is published as one `error.detected` event with its
 * stack and fingerprint, so the error swarm can trace it to the code. Its task `log_tail` returns the
 * failures seen so far. A file that is truncated or rotated is read from its start again; a missing
 * file is waited for.
 */
import { watch, type FSWatcher } from 'chokidar';
import { open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventBus } from '../../shared/bus/event-bus.js';
import type { Agent, AgentContext, AgentTask } from '../../shared/runtime/agent.js';
import { analyzeLog } from '../error/logs/index.js';

/** An error found in a log. */
export interface LogFailure {
  file: string;
  /** 1-based line of the log where it starts. */
  line: number;
  message: string;
  stack?: string;
  fingerprint: string;
}

const MAX_LINE = 64 * 1024;
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

  /** `level()` says, per batch, whether warnings count too (the error swarm's sensitivity). */
  constructor(readonly id: string, readonly file: string, private readonly level: () => 'error' | 'warn' = () => 'error') {}

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

  /** Splits text into complete lines (keeping the unfinished tail) and reports the errors they hold. */
  private async scan(text: string): Promise<void> {
    const end = text.lastIndexOf('\n');
    this.partial = text.slice(end + 1).slice(-MAX_LINE);
    if (end < 0) return;
    const complete = text.slice(0, end + 1);
    const firstLine = this.lineNo;
    for (let at = complete.indexOf('\n'); at >= 0; at = complete.indexOf('\n', at + 1)) this.lineNo++;
    const { groups } = await analyzeLog(complete, { maxLineBytes: MAX_LINE, minLevel: this.level() });
    for (const group of groups) {
      const failure: LogFailure = {
        file: this.file,
        line: firstLine + group.first.logLine,
        message: group.first.message.slice(0, 2000),
        fingerprint: group.fingerprint,
        ...(group.first.stack ? { stack: group.first.stack } : {}),
      };
      this.failures.push(failure);
      if (this.failures.length > 1000) this.failures.shift();
      await this.bus
        ?.publish('error.detected', { source: `log:${this.file}`, message: failure.message, file: this.file, line: failure.line, fingerprint: failure.fingerprint, ...(failure.stack ? { stack: failure.stack } : {}) }, { source: this.id })
        .catch(() => undefined);
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
