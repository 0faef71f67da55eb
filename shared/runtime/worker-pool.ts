/**
 * A pre-started pool of worker threads for CPU-heavy agents, on piscina. Threads are sized to the
 * cores and started up front (a thread takes ~40 ms to start; a round trip to a warm one ~10 µs).
 * Each worker has a heap limit: a task that exceeds it fails with {@link ResourceLimitError} and
 * piscina replaces the worker, so the pool recovers. Aborting a task's signal cancels it; a task that
 * is already running is stopped by terminating its worker (which is then replaced).
 */
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { Piscina } from 'piscina';
import {
  CancelledError,
  InvalidInputError,
  isErrorNamed,
  QueueOverflowError,
  ResourceLimitError,
  throwIfAborted,
} from '../errors/errors.js';
import type { Disposable } from '../lifecycle/disposable.js';

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * Module tasks run by default: an absolute path or `file:` URL of an ES module or CommonJS file
   * whose default export (or the export named at run time) is `(input) => output | Promise<output>`.
   */
  filename?: string | URL;
  /** Most threads. Default: the number of cores (`os.availableParallelism()`). */
  threads?: number;
  /** Threads started up front and kept alive. Default: `threads` (the whole pool is pre-started). */
  minThreads?: number;
  /** Milliseconds an extra thread (above `minThreads`) may idle before it exits. Default 30,000. */
  idleTimeoutMs?: number;
  /** Old-generation heap limit per worker, in MB. Default 256. */
  maxOldGenerationSizeMb?: number;
  /** Young-generation heap limit per worker, in MB. Default: V8's. */
  maxYoungGenerationSizeMb?: number;
  /** Tasks that may wait for a free thread; beyond it run() rejects with QueueOverflowError. Default: threads². */
  maxQueue?: number;
  /** Receives worker errors that belong to no task (a worker that failed while idle). */
  onError?: (error: unknown) => void;
}

/** Options of one {@link WorkerPool.run} call. */
export interface WorkerRunOptions {
  /** Module to run instead of the pool's default. */
  filename?: string | URL;
  /** Export to call instead of the default export. */
  name?: string;
  /** Cancels the task: a queued one is dropped, a running one's worker is terminated and replaced. */
  signal?: AbortSignal;
}

const positiveInt = (value: unknown, key: string, max: number): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidInputError(`WorkerPool option '${key}' must be an integer in 1..${max}, got ${JSON.stringify(value)}`, { key });
  }
  return value;
};

/** Turns a path or URL into what piscina accepts, refusing relative paths (they would resolve against piscina's own folder). */
function moduleLocation(filename: string | URL, key: string): string {
  const href = filename instanceof URL ? filename.href : filename;
  if (typeof href !== 'string' || !(href.startsWith('file:') || isAbsolute(href))) {
    throw new InvalidInputError(`WorkerPool '${key}' must be an absolute path or a file: URL, got ${JSON.stringify(href)}`, { key });
  }
  return href;
}

/** A pre-started worker-thread pool with per-worker heap limits. */
export class WorkerPool implements Disposable {
  /** The old-generation heap limit per worker, in MB. */
  readonly maxOldGenerationSizeMb: number;
  private readonly pool: Piscina;
  private readonly onPoolError: (error: unknown) => void;
  private closing: Promise<void> | undefined;

  constructor(options: WorkerPoolOptions = {}) {
    const threads = positiveInt(options.threads, 'threads', 1024) ?? Math.max(1, availableParallelism());
    const minThreads = positiveInt(options.minThreads, 'minThreads', threads) ?? threads;
    this.maxOldGenerationSizeMb = positiveInt(options.maxOldGenerationSizeMb, 'maxOldGenerationSizeMb', 1 << 20) ?? 256;
    const young = positiveInt(options.maxYoungGenerationSizeMb, 'maxYoungGenerationSizeMb', 1 << 20);
    const idleTimeout = positiveInt(options.idleTimeoutMs, 'idleTimeoutMs', 2 ** 31 - 1) ?? 30_000;
    const maxQueue = positiveInt(options.maxQueue, 'maxQueue', 2 ** 31 - 1) ?? threads * threads;
    const report = options.onError ?? ((error: unknown) => process.emitWarning(`Worker pool: ${String(error)}`, { code: 'ORCHESTRA_WORKER_POOL' }));
    this.onPoolError = (error) => report(error);
    this.pool = new Piscina({
      filename: options.filename === undefined ? null : moduleLocation(options.filename, 'filename'),
      minThreads,
      maxThreads: threads,
      idleTimeout,
      maxQueue,
      resourceLimits: { maxOldGenerationSizeMb: this.maxOldGenerationSizeMb, ...(young ? { maxYoungGenerationSizeMb: young } : {}) },
    });
    // Without a listener, an 'error' from an idle worker would crash the process.
    this.pool.on('error', this.onPoolError);
  }

  /** Threads alive now. */
  get threads(): number {
    return this.pool.threads.length;
  }

  /** Tasks waiting for a free thread. */
  get queueSize(): number {
    return this.pool.queueSize;
  }

  /** Tasks completed since the pool started. */
  get completed(): number {
    return this.pool.completed;
  }

  /**
   * Runs one task on a worker. Rejects with {@link ResourceLimitError} if the worker runs out of
   * heap, {@link QueueOverflowError} if the queue is full, the signal's reason (or a
   * {@link CancelledError}) if cancelled, or the error the task threw.
   */
  async run<I = unknown, O = unknown>(input: I, options: WorkerRunOptions = {}): Promise<O> {
    if (this.closing !== undefined) throw new CancelledError('The worker pool is closed');
    throwIfAborted(options.signal);
    const filename = options.filename === undefined ? undefined : moduleLocation(options.filename, 'filename');
    return this.runOn<O>(input, filename, options.name, options.signal);
  }

  /**
   * Used heap (bytes) of one worker. Runs V8's own `getHeapStatistics` in a worker (piscina loads a
   * built-in module like any other), so no extra worker file has to ship with the build.
   */
  async heapUsed(signal?: AbortSignal): Promise<number> {
    if (this.closing !== undefined) throw new CancelledError('The worker pool is closed');
    const stats = await this.runOn<{ used_heap_size: number }>(null, 'node:v8', 'getHeapStatistics', signal);
    return stats.used_heap_size;
  }

  private async runOn<O>(input: unknown, filename: string | undefined, name: string | undefined, signal: AbortSignal | undefined): Promise<O> {
    const runOptions: { filename?: string; name?: string; signal?: AbortSignal } = {};
    if (filename !== undefined) runOptions.filename = filename;
    if (name !== undefined) runOptions.name = name;
    if (signal !== undefined) runOptions.signal = signal;
    try {
      return (await this.pool.run(input, runOptions)) as O;
    } catch (error) {
      throw this.translate(error, signal);
    }
  }

  /** Terminates the workers; queued and running tasks reject with CancelledError. */
  close(): Promise<void> {
    this.closing ??= this.pool.destroy().finally(() => {
      this.pool.off('error', this.onPoolError);
      // Piscina is an EventEmitterAsyncResource and never ends its async resource itself; without
      // this, async_hooks-based leak detectors (jest --detectOpenHandles) see the pool as open forever.
      this.pool.emitDestroy();
    });
    return this.closing;
  }

  /** Same as {@link close}, without waiting for the threads to exit. */
  dispose(): void {
    this.close().catch(this.onPoolError);
  }

  private translate(error: unknown, signal: AbortSignal | undefined): unknown {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const limit = `maxOldGenerationSizeMb=${this.maxOldGenerationSizeMb}`;
      return new ResourceLimitError(
        `A worker task ran out of memory: each worker may use ${this.maxOldGenerationSizeMb} MB of heap (${limit}). ` +
          `The worker was replaced; reduce the task's memory use or raise maxOldGenerationSizeMb.`,
        limit,
        { cause: error },
      );
    }
    if (this.closing !== undefined && (isErrorNamed(error, 'AbortError') || (error instanceof Error && error.message === 'Terminating worker thread'))) {
      return new CancelledError('The worker task was cancelled because the pool closed', { cause: error });
    }
    if (isErrorNamed(error, 'AbortError')) {
      if (signal?.aborted) {
        const reason: unknown = signal.reason;
        // Keep a typed reason (a DeadlineExceededError from the host, say) as the rejection itself.
        if (reason instanceof Error && reason.name !== 'AbortError') return reason;
        return new CancelledError('The worker task was cancelled', { cause: reason });
      }
      return new CancelledError('The worker task was cancelled', { cause: error });
    }
    if (error instanceof Error && /queue is at limit/i.test(error.message)) {
      return new QueueOverflowError(`The worker pool's queue is full (maxQueue); retry later or raise maxQueue`, { cause: error });
    }
    return error;
  }
}
