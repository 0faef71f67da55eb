/**
 * The in-process queue's record of one job: its options, state and outcome, its slot in a heap, and
 * the promise behind `JobHandle.finished()`. That promise is created only when someone asks for it,
 * so a job nobody awaits can fail without an unhandled rejection.
 */
import { CancelledError, errorMessage } from '../errors/errors.js';
import type { HeapNode } from './binary-heap.js';
import type { ParsedJobOptions } from './parse-job-options.js';
import type { BackoffOptions, Job, JobInfo, JobState } from './task-queue.js';
import type { JsonValue } from './to-json-value.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One job inside {@link InProcessTaskQueue}. */
export class JobRecord implements HeapNode {
  heapIndex = -1;
  state: JobState = 'waiting';
  attemptsMade = 0;
  /** Order among equals: a fresh number each time the job enters a heap. */
  seq = 0;
  runAt = 0;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  result: unknown;
  /** Last error (while retrying or failed) or the cancellation reason. */
  error: unknown;
  /** Aborts the running attempt. */
  controller: AbortController | undefined;
  readonly priority: number;
  readonly attempts: number;
  readonly backoff: BackoffOptions | undefined;
  readonly idempotencyKey: string | undefined;
  readonly traceId: string | undefined;
  private outcome: Outcome | undefined;
  private deferred: { promise: Promise<unknown>; resolve(value: unknown): void; reject(error: unknown): void } | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly data: JsonValue,
    options: ParsedJobOptions,
    readonly addedAt: number,
  ) {
    this.priority = options.priority;
    this.attempts = options.attempts;
    this.backoff = options.backoff;
    this.idempotencyKey = options.idempotencyKey;
    this.traceId = options.traceId;
  }

  /** The view a handler gets for the current attempt. */
  jobView(): Job {
    return {
      id: this.id,
      name: this.name,
      data: this.data,
      attempt: this.attemptsMade,
      attempts: this.attempts,
      priority: this.priority,
      idempotencyKey: this.idempotencyKey,
      traceId: this.traceId,
      addedAt: this.addedAt,
    };
  }

  /** A snapshot for `getJob` and events. */
  info(): JobInfo {
    return {
      id: this.id,
      name: this.name,
      data: this.data,
      state: this.state,
      priority: this.priority,
      attemptsMade: this.attemptsMade,
      attempts: this.attempts,
      idempotencyKey: this.idempotencyKey,
      traceId: this.traceId,
      addedAt: this.addedAt,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      runAt: this.state === 'delayed' ? this.runAt : undefined,
      result: this.state === 'completed' ? this.result : undefined,
      error: this.error === undefined ? undefined : errorMessage(this.error),
    };
  }

  /** Records the final outcome and settles `finished()` if anyone waits. Called once, by the queue. */
  settle(): void {
    if (this.state === 'completed') this.outcome = { ok: true, value: this.result };
    else if (this.state === 'failed') this.outcome = { ok: false, error: asError(this.error) };
    else this.outcome = { ok: false, error: new CancelledError(`Job ${this.id} ("${this.name}") was cancelled: ${errorMessage(this.error)}`) };
    if (!this.deferred) return;
    if (this.outcome.ok) this.deferred.resolve(this.outcome.value);
    else this.deferred.reject(this.outcome.error);
  }

  /** See `JobHandle.finished`. */
  finished(signal: AbortSignal | undefined): Promise<unknown> {
    const base = this.basePromise();
    if (!signal) return base;
    if (signal.aborted) return Promise.reject(new CancelledError('Stopped waiting for the job', { cause: signal.reason }));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new CancelledError('Stopped waiting for the job', { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      base.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private basePromise(): Promise<unknown> {
    if (this.outcome) return this.outcome.ok ? Promise.resolve(this.outcome.value) : Promise.reject(this.outcome.error);
    if (!this.deferred) {
      let resolve!: (value: unknown) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<unknown>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.deferred = { promise, resolve, reject };
    }
    return this.deferred.promise;
  }
}

/** Handlers should throw Errors; a thrown string or object still rejects `finished()` with an Error. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(errorMessage(error), { cause: error });
}
