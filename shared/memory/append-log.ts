/**
 * The durable half of the memory store: one append-only file of checksummed frames.
 *
 * - Durability: `append()` resolves only after the frame is written and fdatasync'd. Appends that
 *   arrive while a write+sync is in flight are batched into the next one (group commit), so throughput
 *   grows with concurrency while every acknowledged frame is on disk.
 * - Recovery: `open()` scans the file and truncates a torn or corrupt tail. Only a batch whose sync
 *   never completed can be there, so nothing acknowledged is lost; the cut bytes are first copied to a
 *   `.corrupt-*` file next to the log for inspection.
 * - Compaction: `rewrite()` writes a new file, syncs it, renames it over the log and syncs the
 *   directory: a crash leaves either the old or the new file, never a mix.
 */
import { open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { CancelledError, InvalidInputError, throwIfAborted } from '../errors/errors.js';
import { LOG_MAGIC, type LogRecord } from './log-record.js';
import { scanLog, type ScanProblem } from './scan-log.js';
import { syncDir } from './sync-dir.js';

/** Largest batch written by one group commit. */
const MAX_BATCH_BYTES = 8 << 20;
/** Bytes buffered before a compaction writes to its new file. */
const REWRITE_CHUNK_BYTES = 1 << 20;

/** What recovery did when it found a damaged tail. */
export interface RecoveryReport extends ScanProblem {
  /** Bytes cut from the end of the log. */
  truncatedBytes: number;
  /** Where the cut bytes were saved, or undefined if saving them failed. */
  quarantinedTo: string | undefined;
}

interface PendingAppend {
  frame: Buffer;
  onCommit: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Counters for stats and benchmarks. */
export interface AppendLogCounters {
  /** write+sync rounds (group commits). */
  commits: number;
  /** Frames appended. */
  frames: number;
}

/** An open append-only log file. Not safe for two processes: hold a {@link StoreLock} first. */
export class AppendLog {
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private mutex: Promise<unknown> = Promise.resolve();
  /** Set when a failed write or sync makes further writes unsafe; holds that failure. */
  private broken: { error: unknown } | undefined;
  private closed = false;
  /** Counters since open. */
  readonly counters: AppendLogCounters = { commits: 0, frames: 0 };

  private constructor(
    /** Path of the log file. */
    readonly path: string,
    private file: FileHandle,
    private end: number,
  ) {}

  /**
   * Opens (creating if needed) the log at `path`, replays every intact record through `onRecord` and
   * truncates a damaged tail. `recovery` is set when it did.
   */
  static async open(
    path: string,
    options: { maxFrameBytes: number; onRecord: (record: LogRecord, frameBytes: number) => void; signal?: AbortSignal },
  ): Promise<{ log: AppendLog; recovery: RecoveryReport | undefined }> {
    await Promise.all([unlink(`${path}.compact`).catch(() => undefined), unlink(`${path}.new`).catch(() => undefined)]);
    let file = await open(path, 'r+').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!file) {
      await AppendLog.create(path);
      file = await open(path, 'r+');
    }
    try {
      let size = (await file.stat()).size;
      if (size < LOG_MAGIC.length) {
        const head = Buffer.alloc(size);
        await file.read(head, 0, size, 0);
        if (!head.equals(LOG_MAGIC.subarray(0, size))) AppendLog.notALog(path);
        // Only an interrupted creation by an older writer, or `touch`, leaves this: start afresh.
        await file.write(LOG_MAGIC, 0, LOG_MAGIC.length, 0);
        await file.datasync();
        size = LOG_MAGIC.length;
      }
      const magic = Buffer.alloc(LOG_MAGIC.length);
      await file.read(magic, 0, magic.length, 0);
      if (!magic.subarray(0, -1).equals(LOG_MAGIC.subarray(0, -1))) AppendLog.notALog(path);
      if (magic.at(-1) !== LOG_MAGIC.at(-1)) {
        throw new InvalidInputError(
          `${path} is a memory log of format version ${magic.at(-1)}, but this Orchestra reads version ${LOG_MAGIC.at(-1)}; upgrade Orchestra or move the file away.`,
          { file: path },
        );
      }
      const scan = await scanLog(file, LOG_MAGIC.length, size, options.maxFrameBytes, (r, _o, bytes) => options.onRecord(r, bytes), options.signal);
      let recovery: RecoveryReport | undefined;
      if (scan.problem) recovery = await AppendLog.cutTail(path, file, scan.end, size, scan.problem);
      return { log: new AppendLog(path, file, scan.end), recovery };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  private static notALog(path: string): never {
    throw new InvalidInputError(`${path} is not an Orchestra memory log (its first bytes are wrong); move it away or open the store in another directory.`, { file: path });
  }

  /** Creates an empty log atomically, so a crash never leaves a file without its header. */
  private static async create(path: string): Promise<void> {
    const temp = `${path}.new`;
    const handle = await open(temp, 'w');
    try {
      await handle.write(LOG_MAGIC, 0, LOG_MAGIC.length, 0);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDir(dirname(path));
  }

  private static async cutTail(path: string, file: FileHandle, end: number, size: number, problem: ScanProblem): Promise<RecoveryReport> {
    const tail = Buffer.alloc(size - end);
    await file.read(tail, 0, tail.length, end);
    let quarantinedTo: string | undefined = `${path}.corrupt-${Date.now()}-${end}`;
    try {
      await writeFile(quarantinedTo, tail, { flush: true });
    } catch {
      quarantinedTo = undefined;
    }
    await file.truncate(end);
    await file.datasync();
    return { ...problem, truncatedBytes: size - end, quarantinedTo };
  }

  /** Bytes in the log file, header included. */
  get size(): number {
    return this.end;
  }

  /** File name of the log, for messages. */
  get name(): string {
    return basename(this.path);
  }

  /**
   * Appends one frame. Resolves once it is durable; `onCommit` runs just before, in append order,
   * so the caller's index changes exactly when the write becomes durable.
   */
  append(frame: Buffer, onCommit: () => void): Promise<void> {
    if (this.closed) return Promise.reject(new CancelledError('The memory log is closed'));
    if (this.broken !== undefined) return Promise.reject(this.broken.error);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ frame, onCommit, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Runs `fn` with no append or other exclusive work in progress. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(fn);
    this.mutex = run.catch(() => undefined);
    return run;
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < this.queue.length && (count === 0 || bytes + this.queue[count]!.frame.length <= MAX_BATCH_BYTES)) {
        bytes += this.queue[count]!.frame.length;
        count++;
      }
      const batch = this.queue.splice(0, count);
      try {
        await this.exclusive(() => this.commit(batch));
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.flushing = undefined;
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    if (this.broken !== undefined) {
      for (const item of batch) item.reject(this.broken.error);
      return;
    }
    const data = batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((b) => b.frame));
    const start = this.end;
    try {
      await this.writeFully(this.file, data, start);
    } catch (error) {
      // Undo a partial write so the next batch starts on a frame boundary; if that fails too, stop.
      await this.file.truncate(start).then(
        () => undefined,
        () => (this.broken = { error }),
      );
      for (const item of batch) item.reject(error);
      return;
    }
    try {
      await this.file.datasync();
    } catch (error) {
      // After a failed fsync the page cache cannot be trusted (a later fsync may "succeed" without
      // the data): refuse further writes until the store is reopened and the log rescanned.
      this.broken = { error };
      for (const item of batch) item.reject(error);
      return;
    }
    this.end = start + data.length;
    this.counters.commits++;
    this.counters.frames += batch.length;
    for (const item of batch) {
      try {
        item.onCommit();
      } catch (error) {
        item.reject(error);
        continue;
      }
      item.resolve();
    }
  }

  private async writeFully(file: FileHandle, data: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await file.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  }

  /**
   * Replaces the log's content with `frames` (compaction). Call inside {@link exclusive}. Atomic: on
   * failure or abort the old log stays as it was.
   */
  async rewrite(frames: Iterable<Buffer>, signal?: AbortSignal): Promise<void> {
    if (this.broken !== undefined) throw this.broken.error;
    const temp = `${this.path}.compact`;
    const out = await open(temp, 'w');
    let size = 0;
    try {
      let chunk: Buffer[] = [LOG_MAGIC];
      let chunkBytes = LOG_MAGIC.length;
      const flush = async (): Promise<void> => {
        throwIfAborted(signal);
        await this.writeFully(out, Buffer.concat(chunk, chunkBytes), size);
        size += chunkBytes;
        chunk = [];
        chunkBytes = 0;
      };
      for (const frame of frames) {
        chunk.push(frame);
        chunkBytes += frame.length;
        if (chunkBytes >= REWRITE_CHUNK_BYTES) await flush();
      }
      await flush();
      await out.datasync();
      throwIfAborted(signal);
    } catch (error) {
      await out.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await out.close();
    // Windows refuses to rename over a file that is open, so the old handle goes first.
    await this.file.close();
    try {
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      await this.reopen();
      throw error;
    }
    await this.reopen();
    this.end = size;
    try {
      await syncDir(dirname(this.path));
    } catch (error) {
      // The new file is in place but its name may not survive a crash: stop writing until reopened.
      this.broken = { error };
      throw error;
    }
  }

  private async reopen(): Promise<void> {
    try {
      this.file = await open(this.path, 'r+');
    } catch (error) {
      this.broken = { error };
      throw error;
    }
  }

  /** Waits for pending appends, then closes the file. Appends after this reject. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.exclusive(async () => {
      // A failed reopen after compaction leaves the handle already closed.
      await this.file.close().catch((error: unknown) => {
        if (this.broken === undefined) throw error;
      });
    });
  }
}
