/**
 * The embedded {@link TaskQueue}. Pending jobs wait in a {@link JobSchedule} (a heap per job name, one
 * timer for all delayed jobs); this class runs them under each processor's concurrency limit, retries,
 * de-duplicates by idempotency key, and reports outcomes as events and bus messages. Finished jobs and
 * idempotency keys are pruned lazily, on the next add or finish, so no sweeper timer exists.
 */
import { randomUUID } from 'node:crypto';
import { BugIndicatingError, CancelledError, errorMessage, InvalidInputError, isErrorNamed } from '../errors/errors.js';
import type { EventBus } from '../bus/event-bus.js';
import type { Topic, TopicMap } from '../bus/topics.js';
import { toDisposable, type Disposable } from '../lifecycle/disposable.js';
import { backoffDelay } from './backoff-delay.js';
import { Emitter } from './emitter.js';
import { JobRecord } from './job-record.js';
import { JobSchedule } from './job-schedule.js';
import { parseCloseOptions, parseJobName, parseJobOptions, parseProcessOptions, parseQueueOptions } from './parse-job-options.js';
import type {
  CloseOptions, JobCancelledEvent, JobCompletedEvent, JobCounts, JobFailedEvent, JobHandle, JobHandler, JobInfo,
  JobOptions, JobSpec, JobTypes, ProcessOptions, TaskQueue,
} from './task-queue.js';
import { toJsonValue } from './to-json-value.js';

/** Options for {@link InProcessTaskQueue}. */
export interface InProcessTaskQueueOptions {
  /** Source of the bus events. Default `task-queue`. */
  name?: string;
  /** When given, `task.completed`, `task.failed` and `task.cancelled` are published on it. */
  bus?: EventBus;
  /** How long a completed job's idempotency key keeps returning that job. Default 60,000 ms. */
  idempotencyWindowMs?: number;
  /** Finished jobs kept for `getJob`, at most. Default 1,000. */
  retainFinished?: number;
  /** Finished jobs kept for `getJob` this long, at most. Default 600,000 ms. */
  retainFinishedMs?: number;
  /**
   * Whether the timer for delayed jobs keeps the process alive. Default true: a CLI waiting for a
   * retry must not exit under it. Pass false for ambient background queues.
   */
  keepAlive?: boolean;
  /** Random source for backoff jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Receives what an event listener or the bus throws. Default: a process warning. */
  onUnexpectedError?: (error: unknown) => void;
}

interface Processor {
  readonly handler: JobHandler<unknown, unknown>;
  readonly concurrency: number;
  active: number;
}

/** The in-process task queue. Dispose it (or `await close()`) to free its timer and abort running jobs. */
export class InProcessTaskQueue<M extends JobTypes<M> = Record<string, JobSpec>> implements TaskQueue<M> {
  private readonly jobs = new Map<string, JobRecord>();
  /** Finished jobs still retained, oldest first. */
  private readonly finishedOrder = new Map<string, JobRecord>();
  /** Idempotency key → job, for pending, active and recently completed jobs. */
  private readonly keys = new Map<string, JobRecord>();
  /** Keys of completed jobs, in completion order, with the time they expire. */
  private readonly keyExpiry = new Map<string, { job: JobRecord; expiresAt: number }>();
  private readonly schedule: JobSchedule;
  private readonly active = new Set<JobRecord>();
  private readonly processors = new Map<string, Processor>();
  private readonly totals = { completed: 0, failed: 0, cancelled: 0 };
  private readonly idleWaiters = new Set<() => void>();
  private readonly settleWaiters = new Set<() => void>();
  private readonly completeEmitter: Emitter<JobCompletedEvent>;
  private readonly failEmitter: Emitter<JobFailedEvent>;
  private readonly cancelEmitter: Emitter<JobCancelledEvent>;
  private readonly source: string;
  private readonly idempotencyWindowMs: number;
  private readonly retainFinished: number;
  private readonly retainFinishedMs: number;
  private readonly random: () => number;
  private readonly reportError: (error: unknown) => void;
  /** Handlers in flight, including those of jobs already cancelled: they hold their slot until they return. */
  private running = 0;
  private publishing = 0;
  private paused = false;
  private closing: Promise<void> | undefined;

  /** @throws InvalidInputError when an option is out of range. */
  constructor(private readonly options: InProcessTaskQueueOptions = {}) {
    parseQueueOptions(options);
    this.source = options.name ?? 'task-queue';
    this.idempotencyWindowMs = options.idempotencyWindowMs ?? 60_000;
    this.retainFinished = options.retainFinished ?? 1_000;
    this.retainFinishedMs = options.retainFinishedMs ?? 600_000;
    this.random = options.random ?? Math.random;
    this.reportError =
      options.onUnexpectedError ?? ((error) => process.emitWarning(`Task queue "${this.source}": ${errorMessage(error)}`, 'TaskQueueWarning'));
    this.completeEmitter = new Emitter(this.reportError);
    this.failEmitter = new Emitter(this.reportError);
    this.cancelEmitter = new Emitter(this.reportError);
    this.schedule = new JobSchedule((job) => this.enqueue(job), options.keepAlive !== false);
  }

  /** @inheritdoc */
  readonly onDidComplete = (listener: (event: JobCompletedEvent) => void): Disposable => this.completeEmitter.event(listener);
  /** @inheritdoc */
  readonly onDidFail = (listener: (event: JobFailedEvent) => void): Disposable => this.failEmitter.event(listener);
  /** @inheritdoc */
  readonly onDidCancel = (listener: (event: JobCancelledEvent) => void): Disposable => this.cancelEmitter.event(listener);

  /** Listeners subscribed to the three events: tests use it to prove nothing leaked. */
  get listenerCount(): number {
    return this.completeEmitter.listenerCount + this.failEmitter.listenerCount + this.cancelEmitter.listenerCount;
  }

  async add<N extends keyof M & string>(name: N, data: M[N]['data'], options?: JobOptions): Promise<JobHandle<M[N]['result']>> {
    if (this.closing) throw new CancelledError(`Task queue "${this.source}" is closed: job "${String(name)}" was not added`);
    const jobName = parseJobName(name);
    const parsed = parseJobOptions(jobName, options);
    let copy;
    try {
      copy = toJsonValue(data, 'data');
    } catch (error) {
      if (!isErrorNamed(error, 'InvalidInputError')) throw error;
      throw new InvalidInputError(`Job "${jobName}" data must be JSON: ${error.message}`, (error as InvalidInputError).where, { cause: error });
    }
    const now = Date.now();
    this.prune(now);
    const existing = parsed.idempotencyKey === undefined ? undefined : this.keys.get(parsed.idempotencyKey);
    if (existing) return this.handle(existing, true);
    const job = new JobRecord(randomUUID(), jobName, copy, parsed, now);
    this.jobs.set(job.id, job);
    if (job.idempotencyKey !== undefined) this.keys.set(job.idempotencyKey, job);
    if (parsed.delayMs > 0) this.schedule.delay(job, now + parsed.delayMs);
    else this.enqueue(job);
    return this.handle(job, false);
  }

  process<N extends keyof M & string>(name: N, handler: JobHandler<M[N]['data'], M[N]['result']>, options?: ProcessOptions): Disposable {
    if (this.closing) throw new CancelledError(`Task queue "${this.source}" is closed: no processor for "${String(name)}" was registered`);
    const jobName = parseJobName(name);
    const concurrency = parseProcessOptions(jobName, options);
    if (this.processors.has(jobName)) {
      throw new BugIndicatingError(`A processor for job "${jobName}" is already registered; dispose it before registering another`);
    }
    const processor: Processor = { handler: handler as JobHandler<unknown, unknown>, concurrency, active: 0 };
    this.processors.set(jobName, processor);
    this.pump(jobName);
    return toDisposable(() => {
      if (this.processors.get(jobName) === processor) this.processors.delete(jobName);
    });
  }

  async getJob(id: string): Promise<JobInfo | undefined> {
    this.prune(Date.now());
    return this.jobs.get(id)?.info();
  }

  async cancel(id: string, reason = 'cancelled by request'): Promise<boolean> {
    const job = this.jobs.get(id);
    return job ? this.cancelJob(job, reason) : false;
  }

  async counts(): Promise<JobCounts> {
    return { waiting: this.schedule.waitingCount, delayed: this.schedule.delayedCount, active: this.active.size, ...this.totals };
  }

  async pause(): Promise<void> {
    this.paused = true;
  }

  async resume(): Promise<void> {
    this.paused = false;
    for (const name of this.schedule.names()) this.pump(name);
  }

  async isPaused(): Promise<boolean> {
    return this.paused;
  }

  async drain(): Promise<number> {
    return this.cancelPending('the queue was drained');
  }

  idle(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    if (this.isIdle()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(new CancelledError('Stopped waiting for the queue to be idle', { cause: signal.reason }));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.idleWaiters.delete(done);
        reject(new CancelledError('Stopped waiting for the queue to be idle', { cause: signal?.reason }));
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.idleWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(options?: CloseOptions): Promise<void> {
    if (!this.closing) {
      const graceMs = parseCloseOptions(options);
      this.closing = this.shutDown(graceMs);
    }
    return this.closing;
  }

  /** Closes without waiting: running jobs are aborted at once. */
  dispose(): void {
    void this.close({ graceMs: 0 });
  }

  private async shutDown(graceMs: number): Promise<void> {
    this.cancelPending('the queue was closed');
    await this.handlersSettled(graceMs);
    for (const job of [...this.active]) this.cancelJob(job, 'the queue was closed');
    await this.handlersSettled(graceMs);
    for (const done of [...this.idleWaiters]) done();
    this.idleWaiters.clear();
    this.completeEmitter.dispose();
    this.failEmitter.dispose();
    this.cancelEmitter.dispose();
  }

  /** Resolves when no handler is running, or after `ms` (at least one macrotask turn). */
  private handlersSettled(ms: number): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.settleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.settleWaiters.add(done);
    });
  }

  private handle<R>(job: JobRecord, deduplicated: boolean): JobHandle<R> {
    return {
      id: job.id,
      name: job.name,
      deduplicated,
      finished: (options) => job.finished(options?.signal) as Promise<R>,
    };
  }

  private enqueue(job: JobRecord): void {
    this.schedule.makeReady(job);
    this.pump(job.name);
  }

  /** Starts ready jobs of one name while its processor has free slots. */
  private pump(name: string): void {
    if (this.paused || this.closing) return;
    const processor = this.processors.get(name);
    if (!processor) return;
    while (processor.active < processor.concurrency) {
      const job = this.schedule.nextReady(name);
      if (!job) return;
      void this.run(job, processor);
    }
  }

  /** Runs one attempt. Never rejects: every outcome becomes a state change. */
  private async run(job: JobRecord, processor: Processor): Promise<void> {
    job.state = 'active';
    job.attemptsMade++;
    job.startedAt = Date.now();
    this.active.add(job);
    processor.active++;
    this.running++;
    const controller = new AbortController();
    job.controller = controller;
    let ok = false;
    let outcome: unknown;
    try {
      // Start handlers on a fresh microtask: never inside the caller's add() or process().
      await Promise.resolve();
      if (controller.signal.aborted) throw controller.signal.reason;
      const result = await processor.handler(job.jobView(), controller.signal);
      outcome = result === undefined ? undefined : toJsonValue(result, 'result');
      ok = true;
    } catch (error) {
      outcome = error;
    }
    processor.active--;
    this.running--;
    job.controller = undefined;
    if (job.state === 'active') {
      this.active.delete(job);
      if (ok) this.complete(job, outcome);
      else this.fail(job, outcome);
    }
    for (const done of [...this.settleWaiters]) if (this.running === 0) done();
    this.pump(job.name);
    this.checkIdle();
  }

  private complete(job: JobRecord, result: unknown): void {
    job.result = result;
    job.error = undefined;
    this.finish(job, 'completed');
    const durationMs = job.finishedAt! - job.startedAt!;
    this.completeEmitter.fire({ job: job.info(), result, durationMs });
    this.publish('task.completed', { taskId: job.id, name: job.name, attempts: job.attemptsMade, durationMs }, job);
    job.settle();
  }

  private fail(job: JobRecord, error: unknown): void {
    job.error = error;
    const final = job.attemptsMade >= job.attempts || this.closing !== undefined;
    const delay = final ? 0 : backoffDelay(job.backoff, job.attemptsMade, this.random);
    const retryAt = final ? undefined : Date.now() + delay;
    let info: JobInfo;
    if (final) {
      this.finish(job, 'failed');
      info = job.info();
    } else if (delay > 0) {
      this.schedule.delay(job, retryAt!);
      info = job.info();
    } else {
      // Snapshot first: enqueueing may start the next attempt (its handler runs a microtask later).
      info = { ...job.info(), state: 'waiting' };
      this.enqueue(job);
    }
    this.failEmitter.fire({ job: info, error, final, retryAt });
    this.publish('task.failed', { taskId: job.id, name: job.name, attempts: info.attemptsMade, error: errorMessage(error), final }, job);
    if (final) job.settle();
  }

  /** Cancels a non-final job. A running one is aborted and ends cancelled now; its slot frees when its handler returns. */
  private cancelJob(job: JobRecord, reason: string): boolean {
    if (job.state === 'active') {
      this.active.delete(job);
      job.controller?.abort(new CancelledError(`Job ${job.id} ("${job.name}") was cancelled: ${reason}`));
    } else if (!this.schedule.remove(job)) {
      return false;
    }
    this.markCancelled(job, reason);
    return true;
  }

  /** Cancels every waiting and delayed job; returns how many. */
  private cancelPending(reason: string): number {
    const pending = this.schedule.takeAll();
    for (const job of pending) this.markCancelled(job, reason);
    return pending.length;
  }

  /** The part of cancelling shared by every state: the job is already out of its heap or the active set. */
  private markCancelled(job: JobRecord, reason: string): void {
    job.error = reason;
    this.finish(job, 'cancelled');
    this.cancelEmitter.fire({ job: job.info(), reason });
    this.publish('task.cancelled', { taskId: job.id, name: job.name }, job);
    job.settle();
    this.checkIdle();
  }

  /** Moves a job to a final state and does the bookkeeping every final state shares. */
  private finish(job: JobRecord, state: 'completed' | 'failed' | 'cancelled'): void {
    const now = Date.now();
    job.state = state;
    job.finishedAt = now;
    this.totals[state]++;
    this.finishedOrder.set(job.id, job);
    const key = job.idempotencyKey;
    if (key !== undefined && this.keys.get(key) === job) {
      if (state === 'completed') {
        this.keyExpiry.delete(key);
        this.keyExpiry.set(key, { job, expiresAt: now + this.idempotencyWindowMs });
      }
      else this.keys.delete(key);
    }
    this.prune(now);
  }

  /** Forgets finished jobs past the retention limits and idempotency keys past their window. */
  private prune(now: number): void {
    for (const [id, job] of this.finishedOrder) {
      if (this.finishedOrder.size <= this.retainFinished && job.finishedAt! + this.retainFinishedMs > now) break;
      this.finishedOrder.delete(id);
      if (this.jobs.get(id) === job) this.jobs.delete(id);
    }
    for (const [key, entry] of this.keyExpiry) {
      if (entry.expiresAt > now) break;
      this.keyExpiry.delete(key);
      if (this.keys.get(key) === entry.job) this.keys.delete(key);
    }
  }

  private publish<T extends Topic>(topic: T, payload: TopicMap[T], job: JobRecord): void {
    const bus = this.options.bus;
    if (!bus) return;
    this.publishing++;
    const done = (): void => {
      this.publishing--;
      this.checkIdle();
    };
    try {
      bus.publish(topic, payload, { source: this.source, traceId: job.traceId }).then(done, (error: unknown) => {
        this.reportError(error);
        done();
      });
    } catch (error) {
      this.reportError(error);
      done();
    }
  }

  private isIdle(): boolean {
    return this.schedule.waitingCount === 0 && this.schedule.delayedCount === 0 && this.active.size === 0 && this.running === 0 && this.publishing === 0;
  }

  private checkIdle(): void {
    if (this.idleWaiters.size === 0 || !this.isIdle()) return;
    const waiters = [...this.idleWaiters];
    this.idleWaiters.clear();
    for (const done of waiters) done();
  }
}
