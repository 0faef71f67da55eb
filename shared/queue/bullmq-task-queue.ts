/**
 * The {@link TaskQueue} over BullMQ and Redis, for running jobs across processes (the GitHub App's
 * scale-out). Each job name has its own BullMQ queue — a "lane": a `Queue`, a `QueueEvents` and, where
 * this process registered a processor, a `Worker` — so priorities, concurrency and "a name without a
 * processor stays pending" hold per name as in {@link InProcessTaskQueue}. Where BullMQ differs:
 * - Events (`onDidComplete`/`onDidFail`/`onDidCancel`, bus messages) fire in the process that ran the
 *   job (or that cancelled a waiting one): once per job in the cluster, not once per listening process.
 *   `finished()` works from any process (it listens to the lane's `QueueEvents`).
 * - A waiting or delayed job is cancelled with `job.remove()`, so `getJob` forgets it. A running job
 *   gets a cancel marker (a Redis key and a lane event); the process running it aborts the handler's
 *   signal (`worker.cancelJob`), and the job ends failed in Redis with a `orchestra-cancelled:` reason,
 *   reported as `cancelled`. A handler that ignores its signal runs to the end regardless.
 * - Failed jobs are removed at once (`removeOnFail`), releasing their idempotency key; completed ones
 *   stay for the idempotency window. Idempotency keys are scoped to a job name.
 * - `close()` closes only this process's connections: waiting jobs stay in Redis for other workers.
 * - A worker that dies mid-job leaves it "stalled"; BullMQ re-runs it (at least once, not exactly once):
 *   handlers must be idempotent by job id.
 */
import { Queue, QueueEvents, QueueEventsProducer, UnrecoverableError, Worker, type Job as BullJob, type JobType, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { BugIndicatingError, CancelledError, errorMessage, InvalidInputError, isErrorNamed } from '../errors/errors.js';
import type { EventBus } from '../bus/event-bus.js';
import type { Topic, TopicMap } from '../bus/topics.js';
import { toDisposable, type Disposable } from '../lifecycle/disposable.js';
import { backoffDelay } from './backoff-delay.js';
import { bullmqConnection, redisUrlFromEnv } from './bullmq-connection.js';
import { bullmqJobId, jobNameOfId, nameToken } from './bullmq-job-id.js';
import { CANCELLED_PREFIX, toJobInfo, toJobState, toJobView, type BullmqEnvelope } from './bullmq-job-info.js';
import { Emitter } from './emitter.js';
import { parseCloseOptions, parseJobName, parseJobOptions, parseProcessOptions } from './parse-job-options.js';
import type {
  CloseOptions, JobCancelledEvent, JobCompletedEvent, JobCounts, JobFailedEvent, JobHandle, JobHandler, JobInfo,
  JobOptions, JobSpec, JobTypes, ProcessOptions, TaskQueue,
} from './task-queue.js';
import { toJsonValue } from './to-json-value.js';

/** Options for {@link BullMqTaskQueue}. */
export interface BullMqTaskQueueOptions {
  /** `redis://host:port/db`; see {@link BullMqTaskQueue.fromEnv} for reading `ORCHESTRA_REDIS_URL`. */
  redisUrl: string;
  /** Redis key prefix: processes sharing work must agree on it. Default `orchestra`. */
  prefix?: string;
  /** Source of the bus events, and the first part of each lane's BullMQ queue name. Default `task-queue`. */
  name?: string;
  /** When given, `task.completed`, `task.failed` and `task.cancelled` are published on it. */
  bus?: EventBus;
  /** How long a completed job (and so its idempotency key) is kept. Default 60,000 ms. */
  idempotencyWindowMs?: number;
  /** BullMQ's lock duration: a worker silent this long is presumed dead. Default 30,000 ms. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs. Default 30,000 ms. */
  stalledIntervalMs?: number;
  /** Receives errors of connections, listeners and the bus. Default: a process warning. */
  onUnexpectedError?: (error: unknown) => void;
}

interface Lane {
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly producer: QueueEventsProducer;
  worker: Worker | undefined;
}

interface Waiter {
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

const CANCEL_EVENT = 'orchestra.cancel';
const PENDING_STATES: JobType[] = ['wait', 'prioritized', 'delayed', 'waiting-children'];

/** The BullMQ task queue. `await close()` to release its Redis connections. */
export class BullMqTaskQueue<M extends JobTypes<M> = Record<string, JobSpec>> implements TaskQueue<M> {
  private readonly connection: RedisOptions;
  private readonly redis: Redis;
  private readonly lanes = new Map<string, Lane>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly workerClosing = new Set<Promise<void>>();
  /** Jobs whose handler this process started and whose outcome event has not fired yet. */
  private readonly inFlight = new Set<string>();
  private readonly completeEmitter: Emitter<JobCompletedEvent>;
  private readonly failEmitter: Emitter<JobFailedEvent>;
  private readonly cancelEmitter: Emitter<JobCancelledEvent>;
  private readonly prefix: string;
  private readonly source: string;
  private readonly windowMs: number;
  private readonly reportError: (error: unknown) => void;
  private publishing = 0;
  private paused = false;
  private closing: Promise<void> | undefined;

  /** @throws InvalidInputError when the URL or an option is invalid. */
  constructor(private readonly options: BullMqTaskQueueOptions) {
    this.connection = bullmqConnection(options.redisUrl, 'redisUrl');
    this.prefix = options.prefix ?? 'orchestra';
    this.source = options.name ?? 'task-queue';
    if (this.source.includes(':') || this.prefix.includes(':')) throw new InvalidInputError('options.name and options.prefix must not contain ":"', { key: 'name' });
    this.windowMs = options.idempotencyWindowMs ?? 60_000;
    this.reportError =
      options.onUnexpectedError ?? ((error) => process.emitWarning(`Task queue "${this.source}": ${errorMessage(error)}`, 'TaskQueueWarning'));
    this.completeEmitter = new Emitter(this.reportError);
    this.failEmitter = new Emitter(this.reportError);
    this.cancelEmitter = new Emitter(this.reportError);
    this.redis = new Redis({ ...this.connection, lazyConnect: false });
    this.redis.on('error', this.reportError);
  }

  /** A queue on the Redis named by `ORCHESTRA_REDIS_URL`. @throws InvalidInputError when it is unset or invalid. */
  static fromEnv<M extends JobTypes<M> = Record<string, JobSpec>>(options: Omit<BullMqTaskQueueOptions, 'redisUrl'> = {}, env = process.env): BullMqTaskQueue<M> {
    return new BullMqTaskQueue<M>({ ...options, redisUrl: redisUrlFromEnv(env) });
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
    this.throwIfClosed(`job "${String(name)}" was not added`);
    const jobName = parseJobName(name);
    const parsed = parseJobOptions(jobName, options);
    let copy;
    try {
      copy = toJsonValue(data, 'data');
    } catch (error) {
      if (!isErrorNamed(error, 'InvalidInputError')) throw error;
      throw new InvalidInputError(`Job "${jobName}" data must be JSON: ${error.message}`, (error as InvalidInputError).where, { cause: error });
    }
    const lane = this.lane(jobName);
    await lane.events.waitUntilReady();
    const envelope: BullmqEnvelope = { d: copy };
    if (parsed.idempotencyKey !== undefined) envelope.k = parsed.idempotencyKey;
    if (parsed.traceId !== undefined) envelope.t = parsed.traceId;
    const jobId = bullmqJobId(jobName, parsed.idempotencyKey);
    // BullMQ's add() returns the job whether or not the id was taken, so look first. Two concurrent
    // adds of one key may both report `deduplicated: false`; the job still exists once.
    const existing = parsed.idempotencyKey === undefined ? undefined : await lane.queue.getJob(jobId);
    if (!existing) await this.redis.del(this.markerKey(jobId), this.outcomeKey(jobId));
    await lane.queue.add(jobName, envelope, {
      jobId,
      priority: parsed.priority,
      delay: parsed.delayMs,
      attempts: parsed.attempts,
      ...(parsed.backoff && { backoff: { type: parsed.backoff.type, delay: parsed.backoff.delayMs, jitter: parsed.backoff.jitter ?? 0 } }),
      removeOnComplete: { age: Math.max(1, Math.ceil(this.windowMs / 1000)) },
      removeOnFail: true,
    });
    const deduplicated = existing !== undefined;
    return { id: jobId, name: jobName, deduplicated, finished: (opts) => this.finished(jobId, opts?.signal) as Promise<M[N]['result']> };
  }

  process<N extends keyof M & string>(name: N, handler: JobHandler<M[N]['data'], M[N]['result']>, options?: ProcessOptions): Disposable {
    this.throwIfClosed(`no processor for "${String(name)}" was registered`);
    const jobName = parseJobName(name);
    const concurrency = parseProcessOptions(jobName, options);
    const lane = this.lane(jobName);
    if (lane.worker) throw new BugIndicatingError(`A processor for job "${jobName}" is already registered; dispose it before registering another`);
    const worker = new Worker(this.queueName(jobName), (job, _token, signal) => this.runJob(job, handler as JobHandler, signal), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency,
      lockDuration: this.options.lockDurationMs ?? 30_000,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
    });
    worker.on('error', this.reportError);
    worker.on('completed', (job, result) => this.onCompleted(job, result));
    worker.on('failed', (job, error) => job && this.onFailed(job, error));
    lane.worker = worker;
    return toDisposable(() => {
      if (lane.worker !== worker) return;
      lane.worker = undefined;
      void this.closeWorker(worker, 5_000);
    });
  }

  async getJob(id: string): Promise<JobInfo | undefined> {
    const name = jobNameOfId(id);
    if (name === undefined) return undefined;
    const job = await this.lane(name).queue.getJob(id);
    if (!job) return undefined;
    const state = toJobState(await job.getState(), job.failedReason);
    return state && toJobInfo(job, state);
  }

  async cancel(id: string, reason = 'cancelled by request'): Promise<boolean> {
    const name = jobNameOfId(id);
    if (name === undefined) return false;
    const lane = this.lane(name);
    const job = await lane.queue.getJob(id);
    if (!job) return false;
    const state = toJobState(await job.getState(), job.failedReason);
    if (state === 'waiting' || state === 'delayed') {
      try {
        await job.remove();
        await this.redis.set(this.outcomeKey(id), `${CANCELLED_PREFIX}${reason}`, 'PX', this.windowMs);
        this.markCancelled(toJobInfo(job, 'cancelled'), reason);
        return true;
      } catch {
        // It became active meanwhile (BullMQ refuses to remove a locked job): cancel it as running.
      }
    } else if (state !== 'active') {
      return false;
    }
    // The marker covers a worker that picks the job up right now; the event reaches the one running it.
    await this.redis.set(this.markerKey(id), reason, 'PX', 600_000);
    lane.worker?.cancelJob(id, reason);
    await lane.producer.publishEvent({ eventName: CANCEL_EVENT, jobId: id, reason });
    return true;
  }

  async counts(): Promise<JobCounts> {
    const result: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const lane of this.lanes.values()) {
      const c = await lane.queue.getJobCounts('wait', 'prioritized', 'waiting-children', 'delayed', 'active');
      result.waiting += (c.wait ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0);
      result.delayed += c.delayed ?? 0;
      result.active += c.active ?? 0;
    }
    const totals = await this.redis.hgetall(this.totalsKey());
    for (const key of ['completed', 'failed', 'cancelled'] as const) result[key] = Number(totals[key] ?? 0);
    return result;
  }

  async pause(): Promise<void> {
    this.paused = true;
    for (const lane of this.lanes.values()) await lane.queue.pause();
  }

  async resume(): Promise<void> {
    this.paused = false;
    for (const lane of this.lanes.values()) await lane.queue.resume();
  }

  async isPaused(): Promise<boolean> {
    for (const lane of this.lanes.values()) if (await lane.queue.isPaused()) return true;
    return this.paused;
  }

  async drain(): Promise<number> {
    let count = 0;
    for (const lane of this.lanes.values()) {
      for (;;) {
        const jobs = await lane.queue.getJobs(PENDING_STATES, 0, 499);
        let removed = 0;
        for (const job of jobs) if (job.id !== undefined && (await this.cancel(job.id, 'the queue was drained'))) removed++;
        count += removed;
        if (jobs.length === 0 || removed === 0) break;
      }
    }
    return count;
  }

  idle(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError('Stopped waiting for the queue to be idle', { cause: signal.reason }));
      const onAbort = (): void => {
        this.idleWaiters.delete(done);
        reject(new CancelledError('Stopped waiting for the queue to be idle', { cause: signal?.reason }));
      };
      const done = (): void => {
        this.idleWaiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.idleWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.checkIdle();
    });
  }

  close(options?: CloseOptions): Promise<void> {
    if (!this.closing) this.closing = this.shutDown(parseCloseOptions(options));
    return this.closing;
  }

  /** Closes without waiting for running jobs: their signals are aborted at once. */
  dispose(): void {
    void this.close({ graceMs: 0 });
  }

  private throwIfClosed(what: string): void {
    if (this.closing) throw new CancelledError(`Task queue "${this.source}" is closed: ${what}`);
  }

  private queueName(jobName: string): string {
    return `${this.source}.${nameToken(jobName)}`;
  }

  private markerKey(id: string): string {
    return `${this.prefix}:${this.source}:cancel:${id}`;
  }

  /** Why a removed job ended (a failure or a cancellation), kept for the idempotency window for late `finished()` calls. */
  private outcomeKey(id: string): string {
    return `${this.prefix}:${this.source}:outcome:${id}`;
  }

  private totalsKey(): string {
    return `${this.prefix}:${this.source}:totals`;
  }

  /** The lane of a job name, created on first use. */
  private lane(jobName: string): Lane {
    let lane = this.lanes.get(jobName);
    if (lane) return lane;
    const queueName = this.queueName(jobName);
    const shared = { connection: this.redis, prefix: this.prefix };
    const queue = new Queue(queueName, shared);
    const producer = new QueueEventsProducer(queueName, shared);
    const events = new QueueEvents(queueName, { connection: this.connection, prefix: this.prefix });
    queue.on('error', this.reportError);
    producer.on('error', this.reportError);
    events.on('error', this.reportError);
    events.on('completed', ({ jobId, returnvalue }) => {
      if (returnvalue !== null && returnvalue !== undefined) return this.settle(jobId, (w) => w.resolve(returnvalue));
      // A job re-run after its worker died can be reported without its value: read it from the job.
      void queue.getJob(jobId).then(
        (job) => this.settle(jobId, (w) => w.resolve(job?.returnvalue ?? returnvalue)),
        () => this.settle(jobId, (w) => w.resolve(returnvalue)),
      );
    });
    events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, (w) => w.reject(finalError(jobId, failedReason))));
    events.on('removed', ({ jobId }) => this.settle(jobId, (w) => w.reject(new CancelledError(`Job ${jobId} was cancelled`))));
    events.on('drained', () => this.checkIdle());
    // A custom event (see `cancel`): QueueEvents emits it under its own name, which its typings do not list.
    (events as unknown as NodeJS.EventEmitter).on(CANCEL_EVENT, (args: { jobId: string; reason: string }) => {
      this.lanes.get(jobName)?.worker?.cancelJob(args.jobId, args.reason);
    });
    lane = { queue, events, producer, worker: undefined };
    this.lanes.set(jobName, lane);
    if (this.paused) queue.pause().catch(this.reportError);
    return lane;
  }

  /** The processor BullMQ calls: runs the handler, turning cancellation into an unrecoverable failure. */
  private async runJob(job: BullJob, handler: JobHandler, signal: AbortSignal | undefined): Promise<unknown> {
    this.inFlight.add(job.id!);
    const marker = await this.redis.get(this.markerKey(job.id!));
    if (marker !== null) throw new UnrecoverableError(`${CANCELLED_PREFIX}${marker}`);
    const controller = signal ? undefined : new AbortController();
    const jobSignal = signal ?? controller!.signal;
    try {
      const result = await handler(toJobView(job), jobSignal);
      if (jobSignal.aborted) throw jobSignal.reason;
      return result === undefined ? undefined : toJsonValue(result, 'result');
    } catch (error) {
      if (jobSignal.aborted) throw new UnrecoverableError(`${CANCELLED_PREFIX}${errorMessage(jobSignal.reason)}`);
      throw error;
    }
  }

  private onCompleted(job: BullJob, result: unknown): void {
    this.inFlight.delete(job.id!);
    const info = toJobInfo(job, 'completed');
    const durationMs = (job.finishedOn ?? Date.now()) - (job.processedOn ?? job.timestamp);
    this.count('completed');
    this.completeEmitter.fire({ job: info, result, durationMs });
    this.publish('task.completed', { taskId: info.id, name: info.name, attempts: info.attemptsMade, durationMs }, info.traceId);
  }

  private onFailed(job: BullJob, error: Error): void {
    this.inFlight.delete(job.id!);
    const attempts = job.opts.attempts ?? 1;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= attempts;
    if (final) this.remember(job.id!, job.failedReason || errorMessage(error));
    if (job.failedReason?.startsWith(CANCELLED_PREFIX)) {
      this.markCancelled(toJobInfo(job, 'cancelled'), job.failedReason.slice(CANCELLED_PREFIX.length));
      return;
    }
    const backoff = openBackoff(job);
    const retryAt = final ? undefined : Date.now() + backoffDelay(backoff, job.attemptsMade, () => 0.5);
    const info = toJobInfo(job, final ? 'failed' : retryAt! > Date.now() ? 'delayed' : 'waiting');
    if (final) this.count('failed');
    this.failEmitter.fire({ job: info, error, final, retryAt });
    this.publish('task.failed', { taskId: info.id, name: info.name, attempts: job.attemptsMade, error: errorMessage(error), final }, info.traceId);
    this.checkIdle();
  }

  private markCancelled(info: JobInfo, reason: string): void {
    this.count('cancelled');
    this.cancelEmitter.fire({ job: { ...info, error: reason }, reason });
    this.publish('task.cancelled', { taskId: info.id, name: info.name }, info.traceId);
  }

  /** Records a removed job's outcome for late `finished()` calls and clears its cancel marker. */
  private remember(id: string, failedReason: string): void {
    this.publishing++;
    this.redis
      .multi()
      .set(this.outcomeKey(id), failedReason, 'PX', Math.max(1, this.windowMs))
      .del(this.markerKey(id))
      .exec()
      .then(
        () => this.published(),
        (error: unknown) => {
          this.reportError(error);
          this.published();
        },
      );
  }

  private count(state: 'completed' | 'failed' | 'cancelled'): void {
    this.publishing++;
    this.redis.hincrby(this.totalsKey(), state, 1).then(
      () => this.published(),
      (error: unknown) => {
        this.reportError(error);
        this.published();
      },
    );
  }

  private publish<T extends Topic>(topic: T, payload: TopicMap[T], traceId: string | undefined): void {
    const bus = this.options.bus;
    if (!bus) return;
    this.publishing++;
    try {
      bus.publish(topic, payload, { source: this.source, traceId }).then(
        () => this.published(),
        (error: unknown) => {
          this.reportError(error);
          this.published();
        },
      );
    } catch (error) {
      this.reportError(error);
      this.published();
    }
  }

  private published(): void {
    this.publishing--;
    this.checkIdle();
  }

  /** Waits for a job's outcome through the lane's events, then checks Redis in case it already ended. */
  private finished(id: string, signal: AbortSignal | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError(`Stopped waiting for job ${id}`, { cause: signal.reason }));
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const onAbort = (): void => waiter.reject(new CancelledError(`Stopped waiting for job ${id}`, { cause: signal?.reason }));
      const end = (): void => {
        signal?.removeEventListener('abort', onAbort);
        const current = this.waiters.get(id);
        current?.delete(waiter);
        if (current?.size === 0) this.waiters.delete(id);
      };
      const waiter: Waiter = {
        resolve: (value) => (end(), resolve(value)),
        reject: (error) => (end(), reject(error)),
      };
      set.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.lane(jobNameOfId(id)!).queue.getJob(id).then(async (job) => {
        if (!job) {
          // A job removed a moment ago may not have its outcome recorded yet (remember() is in flight,
          // possibly in another process): look again for a short while before calling it unknown.
          let outcome = await this.redis.get(this.outcomeKey(id));
          for (let tries = 0; outcome === null && tries < 40 && set.has(waiter); tries++) {
            await new Promise((r) => setTimeout(r, 50));
            outcome = await this.redis.get(this.outcomeKey(id));
          }
          if (!set.has(waiter)) return; // settled meanwhile by the lane's events
          return waiter.reject(outcome === null ? new Error(`Job ${id} is unknown: it never existed or ended too long ago`) : finalError(id, outcome));
        }
        // The state is read after the job: a job that completed in between has a stale snapshot
        // (no return value yet), so a finished job is read again.
        const state = await job.getState();
        if (state !== 'completed' && state !== 'failed') return;
        const fresh = (await this.lane(jobNameOfId(id)!).queue.getJob(id)) ?? job;
        if (state === 'completed') waiter.resolve(fresh.returnvalue);
        else waiter.reject(finalError(id, fresh.failedReason));
      }).catch((error: unknown) => waiter.reject(error));
    });
  }

  private settle(jobId: string, fn: (waiter: Waiter) => void): void {
    for (const waiter of [...(this.waiters.get(jobId) ?? [])]) fn(waiter);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.idleWaiters.size === 0 || this.publishing > 0 || this.inFlight.size > 0 || this.closing) return;
    const lanes = [...this.lanes.values()];
    Promise.all(lanes.map((lane) => lane.queue.getJobCounts(...PENDING_STATES, 'active'))).then((all) => {
      const busy = all.some((c) => Object.values(c).some((n) => n > 0));
      if (busy || this.publishing > 0 || this.inFlight.size > 0) return;
      for (const done of [...this.idleWaiters]) done();
    }, this.reportError);
  }

  private closeWorker(worker: Worker, graceMs: number): Promise<void> {
    const closing = (async () => {
      const closed = worker.close();
      if (!(await settlesWithin(closed, graceMs))) {
        worker.cancelAllJobs('the queue was closed');
        if (!(await settlesWithin(closed, graceMs))) await worker.close(true);
      }
    })().catch(this.reportError);
    this.workerClosing.add(closing);
    return closing;
  }

  private async shutDown(graceMs: number): Promise<void> {
    for (const lane of this.lanes.values()) {
      if (lane.worker) void this.closeWorker(lane.worker, graceMs);
      lane.worker = undefined;
    }
    await Promise.all(this.workerClosing);
    for (const [id, set] of this.waiters) {
      for (const waiter of [...set]) waiter.reject(new CancelledError(`Task queue "${this.source}" closed while waiting for job ${id}`));
    }
    for (const done of [...this.idleWaiters]) done();
    for (const lane of this.lanes.values()) {
      await Promise.all([lane.events.close(), lane.producer.close(), lane.queue.close()]).catch(this.reportError);
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
    this.completeEmitter.dispose();
    this.failEmitter.dispose();
    this.cancelEmitter.dispose();
  }
}

/** The error `finished()` rejects with for a job that ended without a result. */
function finalError(id: string, failedReason: string | undefined): Error {
  if (failedReason?.startsWith(CANCELLED_PREFIX)) return new CancelledError(`Job ${id} was cancelled: ${failedReason.slice(CANCELLED_PREFIX.length)}`);
  return new Error(failedReason || `Job ${id} failed`);
}

/** The contract's backoff of a BullMQ job, for estimating `retryAt`. */
function openBackoff(job: BullJob): { type: 'fixed' | 'exponential'; delayMs: number; jitter?: number } | undefined {
  const backoff = job.opts.backoff;
  if (backoff === undefined || typeof backoff === 'number') return backoff ? { type: 'fixed', delayMs: backoff } : undefined;
  return { type: backoff.type === 'exponential' ? 'exponential' : 'fixed', delayMs: backoff.delay ?? 0, jitter: backoff.jitter };
}

/** True if `promise` settles within `ms` (the timer is unref'd and cleared). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
