/**
 * The task queue contract. `InProcessTaskQueue` (in-process-task-queue.ts) is the embedded
 * implementation; a BullMQ one arrives with the GitHub App's scale-out. The contract follows BullMQ's
 * concepts so that implementation is a thin mapping:
 * - `add(name, data, {priority, delayMs, attempts, backoff, idempotencyKey})` ↔ `Queue.add(name, data,
 *   {priority, delay, attempts, backoff: {type, delay, jitter}, jobId})`; with `removeOnComplete: {age:
 *   window}` and `removeOnFail: true`, BullMQ's jobId de-duplication gives the same idempotency rule.
 * - `process(name, handler, {concurrency})` ↔ a `Worker` with that concurrency dispatching on `job.name`.
 * - `onDidComplete` / `onDidFail` ↔ `QueueEvents` `completed` / `failed`; `cancel` ↔ `job.remove()`
 *   for a waiting job and `worker.cancelJob()` for an active one.
 * Job data and results must be JSON (they cross Redis): `add` checks and rejects anything else.
 * Every method that would talk to Redis is async.
 */
import type { Disposable } from '../lifecycle/disposable.js';
import type { Event } from './emitter.js';

/** Named priority levels and the numbers they stand for (lower runs sooner). */
export const PRIORITY_LEVELS = { critical: 1, high: 10, normal: 100, low: 1_000, background: 10_000 } as const;

/** A named priority level. */
export type PriorityLevel = keyof typeof PRIORITY_LEVELS;

/** Largest numeric priority (BullMQ's limit, 2^21). */
export const MAX_PRIORITY = 2_097_152;

/** A priority: an integer 0..{@link MAX_PRIORITY} (lower runs sooner) or a named level. Default `normal`. */
export type Priority = number | PriorityLevel;

/** How long to wait between attempts (BullMQ's built-in strategies). */
export interface BackoffOptions {
  /** `fixed`: always `delayMs`; `exponential`: `delayMs * 2^(attempt - 1)` after the attempt-th failure. */
  type: 'fixed' | 'exponential';
  /** Base delay in milliseconds. */
  delayMs: number;
  /** 0..1: the delay is drawn uniformly from [delay·(1-jitter), delay). Default 0 (no jitter). */
  jitter?: number;
}

/** Options for one job. */
export interface JobOptions {
  /** Lower runs sooner; jobs of equal priority run in the order they became ready (FIFO). */
  priority?: Priority;
  /** Run no sooner than this many milliseconds from now. Default 0. */
  delayMs?: number;
  /** Total attempts, the first included. Default 1 (no retry). */
  attempts?: number;
  /** Wait between attempts. Default: retry at once. */
  backoff?: BackoffOptions;
  /**
   * Adding a job whose key belongs to a waiting, delayed, active or recently completed job (see the
   * queue's idempotency window) returns that job instead of a new one. Failed and cancelled jobs
   * release their key.
   */
  idempotencyKey?: string;
  /** Trace id carried into the bus events about this job. */
  traceId?: string;
}

/** Where a job is in its life. The last three are final. */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'cancelled';

/** A job as its handler sees it. */
export interface Job<D = unknown> {
  readonly id: string;
  readonly name: string;
  /** A copy of the data given to `add`. */
  readonly data: D;
  /** This attempt's number, 1 for the first. */
  readonly attempt: number;
  /** Total attempts allowed. */
  readonly attempts: number;
  readonly priority: number;
  readonly idempotencyKey: string | undefined;
  readonly traceId: string | undefined;
  /** Milliseconds since the epoch when added. */
  readonly addedAt: number;
}

/** A job's state as `getJob` and the events report it (a snapshot). */
export interface JobInfo<D = unknown, R = unknown> {
  readonly id: string;
  readonly name: string;
  readonly data: D;
  readonly state: JobState;
  readonly priority: number;
  /** Attempts started so far. */
  readonly attemptsMade: number;
  readonly attempts: number;
  readonly idempotencyKey: string | undefined;
  readonly traceId: string | undefined;
  readonly addedAt: number;
  /** When the current or last attempt started. */
  readonly startedAt: number | undefined;
  /** When it reached a final state. */
  readonly finishedAt: number | undefined;
  /** For a delayed job: when it becomes ready. */
  readonly runAt: number | undefined;
  /** For a completed job: its handler's result. */
  readonly result: R | undefined;
  /** For a failed job (or one waiting to retry): the last error's message; for a cancelled job, the reason. */
  readonly error: string | undefined;
}

/** What `add` returns. */
export interface JobHandle<R = unknown> {
  readonly id: string;
  readonly name: string;
  /** True when the idempotency key matched an existing job and this handle is that job's. */
  readonly deduplicated: boolean;
  /**
   * Resolves with the result once the job completes; rejects with its last error once it fails for
   * good (across a process boundary: an `Error` with that message), or with a `CancelledError` if it is
   * cancelled. `signal` stops the waiting (rejecting with `CancelledError`), not the job.
   */
  finished(options?: { signal?: AbortSignal }): Promise<R>;
}

/** Handles one job. Must honour `signal`: it fires when the job is cancelled or the queue closes. */
export type JobHandler<D = unknown, R = unknown> = (job: Job<D>, signal: AbortSignal) => R | Promise<R>;

/** Options for a processor. */
export interface ProcessOptions {
  /** Jobs of this name handled at once. Default 1. */
  concurrency?: number;
}

/** Job counts. `completed`, `failed` and `cancelled` are totals since the queue was created. */
export interface JobCounts {
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
  cancelled: number;
}

/** Payload of {@link TaskQueue.onDidComplete}. */
export interface JobCompletedEvent {
  readonly job: JobInfo;
  readonly result: unknown;
  /** Duration of the successful attempt. */
  readonly durationMs: number;
}

/** Payload of {@link TaskQueue.onDidFail}: fired for every failed attempt. */
export interface JobFailedEvent {
  readonly job: JobInfo;
  readonly error: unknown;
  /** False when another attempt follows (at `retryAt`). */
  readonly final: boolean;
  readonly retryAt: number | undefined;
}

/** Payload of {@link TaskQueue.onDidCancel}. */
export interface JobCancelledEvent {
  readonly job: JobInfo;
  readonly reason: string;
}

/** Data and result types of one job name. */
export interface JobSpec {
  data: unknown;
  result: unknown;
}

/** Job specs by name, e.g. `{ 'review.file': { data: { path: string }; result: Finding[] } }`. */
export type JobTypes<M> = { [K in keyof M]: JobSpec };

/** Options for {@link TaskQueue.close}. */
export interface CloseOptions {
  /**
   * Milliseconds running jobs get to finish on their own; then their signals are aborted, they end
   * cancelled, and close waits up to as long again for their handlers to return. Default 5,000.
   */
  graceMs?: number;
}

/** A queue of named jobs run by registered processors. */
export interface TaskQueue<M extends JobTypes<M> = Record<string, JobSpec>> extends Disposable {
  /**
   * Adds a job. Rejects with `InvalidInputError` when the name, data or options are invalid (the
   * message names the key), and with `CancelledError` once the queue is closed.
   */
  add<N extends keyof M & string>(name: N, data: M[N]['data'], options?: JobOptions): Promise<JobHandle<M[N]['result']>>;
  /**
   * Registers the processor for one job name. Dispose the result to stop taking new jobs (running
   * ones finish). One processor per name.
   */
  process<N extends keyof M & string>(name: N, handler: JobHandler<M[N]['data'], M[N]['result']>, options?: ProcessOptions): Disposable;
  /** A job that is pending, running, or finished recently enough to be retained. */
  getJob(id: string): Promise<JobInfo | undefined>;
  /** Cancels a waiting or delayed job, or aborts a running one. Resolves false if it was already final or unknown. */
  cancel(id: string, reason?: string): Promise<boolean>;
  /** Counts by state. */
  counts(): Promise<JobCounts>;
  /** Stops starting jobs (running ones continue; adding still works). */
  pause(): Promise<void>;
  /** Starts jobs again after {@link pause}. */
  resume(): Promise<void>;
  /** Whether {@link pause} is in effect. */
  isPaused(): Promise<boolean>;
  /** Cancels every waiting and delayed job (not running ones), as BullMQ's `drain` does. Resolves with how many. */
  drain(): Promise<number>;
  /**
   * Resolves when no job is waiting, delayed or running and every event has been handed to the bus.
   * Jobs of a name without a processor, or a paused queue with work, keep it pending.
   */
  idle(options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Stops taking jobs, cancels the waiting and delayed ones and the timer, gives running ones a grace
   * period, then aborts them. Never rejects (invalid options throw at once); calling it again returns
   * the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
  /** A job completed. */
  readonly onDidComplete: Event<JobCompletedEvent>;
  /** An attempt failed (`final` says whether the job is now failed). */
  readonly onDidFail: Event<JobFailedEvent>;
  /** A job was cancelled. */
  readonly onDidCancel: Event<JobCancelledEvent>;
}
