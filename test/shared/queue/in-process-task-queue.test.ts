import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { BugIndicatingError, CancelledError, InvalidInputError } from '../../../shared/errors/errors.js';
import { InProcessTaskQueue, type InProcessTaskQueueOptions } from '../../../shared/queue/in-process-task-queue.js';
import type { JobFailedEvent, JobSpec } from '../../../shared/queue/task-queue.js';
import { flush, gate, timersCreatedBy, trackTimers, untilAborted } from './helpers.js';

const queues: InProcessTaskQueue[] = [];

function makeQueue<M extends { [K in keyof M]: JobSpec } = Record<string, JobSpec>>(options?: InProcessTaskQueueOptions): InProcessTaskQueue<M> {
  const queue = new InProcessTaskQueue<M>(options);
  queues.push(queue as unknown as InProcessTaskQueue);
  return queue;
}

afterEach(async () => {
  jest.useRealTimers();
  for (const queue of queues.splice(0)) {
    await queue.close({ graceMs: 0 });
    expect(queue.listenerCount).toBe(0);
  }
});

/** Fake clock and timers; promise and immediate machinery stays real so awaits still work. */
function useFakeTime(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
}

describe('InProcessTaskQueue: priorities', () => {
  it('runs lower priorities first, named or numeric, FIFO within a priority', async () => {
    const queue = makeQueue();
    await queue.pause();
    const order: string[] = [];
    queue.process('job', (job) => {
      order.push(job.data as string);
    });
    await queue.add('job', 'normal-1');
    await queue.add('job', 'low', { priority: 'low' });
    await queue.add('job', 'critical', { priority: 'critical' });
    await queue.add('job', 'five-1', { priority: 5 });
    await queue.add('job', 'normal-2', { priority: 'normal' });
    await queue.add('job', 'high', { priority: 'high' });
    await queue.add('job', 'five-2', { priority: 5 });
    await queue.add('job', 'zero', { priority: 0 });
    expect(order).toEqual([]);
    await queue.resume();
    await queue.idle();
    expect(order).toEqual(['zero', 'critical', 'five-1', 'five-2', 'high', 'normal-1', 'normal-2', 'low']);
  });
});

describe('InProcessTaskQueue: retries', () => {
  it('retries with exponential backoff until an attempt succeeds', async () => {
    useFakeTime();
    const queue = makeQueue();
    const attempts: number[] = [];
    queue.process('flaky', (job) => {
      attempts.push(job.attempt);
      if (job.attempt < 3) throw new Error(`attempt ${job.attempt} failed`);
      return 'ok';
    });
    const failures: Pick<JobFailedEvent, 'final' | 'retryAt'>[] = [];
    queue.onDidFail((event) => failures.push({ final: event.final, retryAt: event.retryAt }));
    const start = Date.now();
    const handle = await queue.add('flaky', {}, { attempts: 5, backoff: { type: 'exponential', delayMs: 1000 } });
    await jest.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual([1]);
    expect((await queue.getJob(handle.id))?.state).toBe('delayed');
    await jest.advanceTimersByTimeAsync(999);
    expect(attempts).toEqual([1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(1999);
    expect(attempts).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2, 3]);
    await expect(handle.finished()).resolves.toBe('ok');
    expect(failures).toEqual([
      { final: false, retryAt: start + 1000 },
      { final: false, retryAt: start + 1000 + 2000 },
    ]);
    const info = await queue.getJob(handle.id);
    expect(info).toMatchObject({ state: 'completed', attemptsMade: 3, result: 'ok', error: undefined });
  });

  it('fails for good after the last attempt and rejects finished() with the last error', async () => {
    const queue = makeQueue();
    const errors: Error[] = [];
    queue.process('doomed', (job) => {
      const error = new Error(`nope ${job.attempt}`);
      errors.push(error);
      throw error;
    });
    const finals: boolean[] = [];
    queue.onDidFail((event) => finals.push(event.final));
    let completed = 0;
    queue.onDidComplete(() => completed++);
    const handle = await queue.add('doomed', null, { attempts: 3, backoff: { type: 'fixed', delayMs: 1 } });
    const outcome = await handle.finished().catch((error: unknown) => error);
    expect(outcome).toBe(errors[2]);
    expect(finals).toEqual([false, false, true]);
    expect(completed).toBe(0);
    expect(await queue.getJob(handle.id)).toMatchObject({ state: 'failed', attemptsMade: 3, error: 'nope 3' });
    expect(await queue.counts()).toMatchObject({ failed: 1, completed: 0, waiting: 0, delayed: 0, active: 0 });
  });

  it('retries at once without a backoff, and puts the retry behind jobs already waiting at its priority', async () => {
    const queue = makeQueue();
    await queue.pause();
    const order: string[] = [];
    queue.process('job', (job) => {
      order.push(`${String(job.data)}#${job.attempt}`);
      if (job.data === 'a' && job.attempt === 1) throw new Error('once');
    });
    await queue.add('job', 'a', { attempts: 2 });
    await queue.add('job', 'b');
    await queue.resume();
    await queue.idle();
    expect(order).toEqual(['a#1', 'b#1', 'a#2']);
  });

  it('applies jitter from the random source', async () => {
    useFakeTime();
    const queue = makeQueue({ random: () => 0 });
    queue.process('job', () => {
      throw new Error('x');
    });
    const retryAts: (number | undefined)[] = [];
    queue.onDidFail((event) => retryAts.push(event.retryAt));
    const start = Date.now();
    await queue.add('job', 1, { attempts: 2, backoff: { type: 'fixed', delayMs: 1000, jitter: 0.5 } });
    await jest.advanceTimersByTimeAsync(0);
    expect(retryAts).toEqual([start + 500]);
  });

  it('turns a thrown non-Error into an Error carrying its text', async () => {
    const queue = makeQueue();
    queue.process('job', () => {
      throw 'plain string';
    });
    const handle = await queue.add('job', 1);
    await expect(handle.finished()).rejects.toThrow('plain string');
  });

  it('fails a job whose handler returns something JSON cannot carry', async () => {
    const queue = makeQueue();
    queue.process('job', () => ({ when: new Date(0) }));
    const handle = await queue.add('job', 1);
    await expect(handle.finished()).rejects.toThrow(/result\.when is a Date/);
  });
});

describe('InProcessTaskQueue: idempotency keys', () => {
  it('returns the waiting job for a repeated key', async () => {
    const queue = makeQueue();
    await queue.pause();
    const first = await queue.add('job', { v: 1 }, { idempotencyKey: 'k' });
    const second = await queue.add('job', { v: 2 }, { idempotencyKey: 'k' });
    expect(second.id).toBe(first.id);
    expect([first.deduplicated, second.deduplicated]).toEqual([false, true]);
    expect(await queue.counts()).toMatchObject({ waiting: 1 });
    expect((await queue.getJob(first.id))?.data).toEqual({ v: 1 });
  });

  it('returns the running job for a repeated key', async () => {
    const queue = makeQueue();
    const started = gate();
    const release = gate();
    let runs = 0;
    queue.process('job', async () => {
      runs++;
      started.open();
      await release.promise;
      return runs;
    });
    const first = await queue.add('job', 1, { idempotencyKey: 'k' });
    await started.promise;
    const second = await queue.add('job', 1, { idempotencyKey: 'k' });
    expect(second).toMatchObject({ id: first.id, deduplicated: true });
    release.open();
    await expect(second.finished()).resolves.toBe(1);
    expect(runs).toBe(1);
  });

  it('remembers a completed key for the idempotency window, then forgets it', async () => {
    useFakeTime();
    const queue = makeQueue({ idempotencyWindowMs: 1000 });
    let runs = 0;
    queue.process('job', () => ++runs);
    const first = await queue.add('job', 1, { idempotencyKey: 'k' });
    await expect(first.finished()).resolves.toBe(1);
    await jest.advanceTimersByTimeAsync(999);
    const again = await queue.add('job', 1, { idempotencyKey: 'k' });
    expect(again).toMatchObject({ id: first.id, deduplicated: true });
    await expect(again.finished()).resolves.toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    const fresh = await queue.add('job', 1, { idempotencyKey: 'k' });
    expect(fresh.id).not.toBe(first.id);
    expect(fresh.deduplicated).toBe(false);
    await expect(fresh.finished()).resolves.toBe(2);
  });

  it('releases the key of a failed or cancelled job', async () => {
    const queue = makeQueue();
    queue.process('fails', () => {
      throw new Error('x');
    });
    const failed = await queue.add('fails', 1, { idempotencyKey: 'f' });
    await expect(failed.finished()).rejects.toThrow('x');
    expect((await queue.add('fails', 1, { idempotencyKey: 'f' })).id).not.toBe(failed.id);

    await queue.pause();
    const cancelled = await queue.add('other', 1, { idempotencyKey: 'c' });
    await queue.cancel(cancelled.id);
    expect((await queue.add('other', 1, { idempotencyKey: 'c' })).id).not.toBe(cancelled.id);
  });
});

describe('InProcessTaskQueue: delays', () => {
  it('runs a delayed job after a non-delayed one added later', async () => {
    const queue = makeQueue();
    const order: string[] = [];
    queue.process('job', (job) => {
      order.push(job.data as string);
    });
    const late = await queue.add('job', 'late', { delayMs: 20 });
    expect((await queue.getJob(late.id))?.state).toBe('delayed');
    await queue.add('job', 'now');
    await queue.idle();
    expect(order).toEqual(['now', 'late']);
  });

  it('uses one timer for many delayed jobs and runs them in due order', async () => {
    const timers = trackTimers();
    const queue = makeQueue();
    const order: number[] = [];
    queue.process('job', (job) => {
      order.push(job.data as number);
    });
    const added: { delayMs: number; runAt: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const delayMs = 40 - i;
      const handle = await queue.add('job', delayMs, { delayMs });
      added.push({ delayMs, runAt: (await queue.getJob(handle.id))!.runAt! });
    }
    expect(await timers.live()).toBe(1);
    await queue.idle();
    // Due order: by run time, then by the order they were added (a stable sort keeps that).
    expect(order).toEqual([...added].sort((a, b) => a.runAt - b.runAt).map((a) => a.delayMs));
    expect(await timers.live()).toBe(0);
    timers.dispose();
  });

  it('re-arms the timer when a job due sooner than the armed one arrives', async () => {
    useFakeTime();
    const queue = makeQueue();
    const order: string[] = [];
    queue.process('job', (job) => {
      order.push(job.data as string);
    });
    await queue.add('job', 'at-5000', { delayMs: 5000 });
    await queue.add('job', 'at-1000', { delayMs: 1000 });
    await queue.add('job', 'at-1000-second', { delayMs: 1000 });
    await jest.advanceTimersByTimeAsync(1000);
    expect(order).toEqual(['at-1000', 'at-1000-second']);
    await jest.advanceTimersByTimeAsync(4000);
    expect(order).toEqual(['at-1000', 'at-1000-second', 'at-5000']);
  });
});

describe('InProcessTaskQueue: keepAlive', () => {
  it.each([
    [undefined, true],
    [false, false],
  ])('with keepAlive %p the delay timer keeps the process alive: %p', async (keepAlive, alive) => {
    const queue = makeQueue({ keepAlive });
    const timers = await timersCreatedBy(() => queue.add('job', 1, { delayMs: 60_000 }));
    expect(timers).toHaveLength(1);
    expect(timers[0]!.hasRef()).toBe(alive);
  });
});

describe('InProcessTaskQueue: cancellation', () => {
  it('cancels a waiting job: it never runs and finished() rejects with CancelledError', async () => {
    const queue = makeQueue();
    await queue.pause();
    let runs = 0;
    queue.process('job', () => {
      runs++;
    });
    const reasons: string[] = [];
    queue.onDidCancel((event) => reasons.push(event.reason));
    const handle = await queue.add('job', 1);
    expect(await queue.cancel(handle.id, 'not needed')).toBe(true);
    expect(await queue.cancel(handle.id)).toBe(false);
    await expect(handle.finished()).rejects.toBeInstanceOf(CancelledError);
    await queue.resume();
    await queue.idle();
    expect(runs).toBe(0);
    expect(reasons).toEqual(['not needed']);
    expect(await queue.getJob(handle.id)).toMatchObject({ state: 'cancelled', error: 'not needed' });
    expect(await queue.counts()).toMatchObject({ waiting: 0, cancelled: 1 });
  });

  it('cancels a delayed job and drops the timer', async () => {
    const timers = trackTimers();
    const queue = makeQueue();
    const handle = await queue.add('job', 1, { delayMs: 60_000 });
    expect(await timers.live()).toBe(1);
    expect(await queue.cancel(handle.id)).toBe(true);
    expect(await timers.live()).toBe(0);
    timers.dispose();
    await expect(handle.finished()).rejects.toBeInstanceOf(CancelledError);
  });

  it('cancels a running job by aborting its signal', async () => {
    const queue = makeQueue();
    const started = gate<AbortSignal>();
    queue.process('job', (_job, signal) => {
      started.open(signal);
      return untilAborted(signal);
    });
    let failures = 0;
    queue.onDidFail(() => failures++);
    const handle = await queue.add('job', 1, { attempts: 3 });
    const signal = await started.promise;
    expect(await queue.cancel(handle.id)).toBe(true);
    expect(signal.aborted).toBe(true);
    await expect(handle.finished()).rejects.toBeInstanceOf(CancelledError);
    await queue.idle();
    expect(failures).toBe(0);
    expect(await queue.getJob(handle.id)).toMatchObject({ state: 'cancelled', attemptsMade: 1 });
  });

  it('keeps a cancelled job slot until its handler returns, and ignores its late result', async () => {
    const queue = makeQueue();
    const release = gate();
    const started: string[] = [];
    queue.process(
      'job',
      async (job) => {
        started.push(job.data as string);
        if (job.data === 'stubborn') await release.promise; // ignores its signal
        return job.data;
      },
      { concurrency: 1 },
    );
    const completed: string[] = [];
    queue.onDidComplete((event) => completed.push(event.job.data as string));
    const stubborn = await queue.add('job', 'stubborn');
    await queue.add('job', 'next');
    await flush();
    await queue.cancel(stubborn.id);
    await flush();
    expect(started).toEqual(['stubborn']);
    release.open();
    await queue.idle();
    expect(started).toEqual(['stubborn', 'next']);
    expect(completed).toEqual(['next']);
    expect((await queue.getJob(stubborn.id))?.state).toBe('cancelled');
  });

  it('drains waiting and delayed jobs but not running ones', async () => {
    const queue = makeQueue();
    const release = gate();
    const started = gate();
    queue.process('busy', async () => {
      started.open();
      await release.promise;
      return 'done';
    });
    const running = await queue.add('busy', 1);
    await started.promise;
    const pending = [await queue.add('busy', 2), await queue.add('idle', 3), await queue.add('busy', 4, { delayMs: 60_000 })];
    expect(await queue.drain()).toBe(3);
    for (const handle of pending) await expect(handle.finished()).rejects.toBeInstanceOf(CancelledError);
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 1, cancelled: 3 });
    release.open();
    await expect(running.finished()).resolves.toBe('done');
  });
});

describe('InProcessTaskQueue: processors', () => {
  it('never runs more jobs at once than the concurrency limit', async () => {
    const queue = makeQueue();
    const release = gate();
    let current = 0;
    let peak = 0;
    queue.process(
      'job',
      async () => {
        current++;
        peak = Math.max(peak, current);
        await release.promise;
        current--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 10; i++) await queue.add('job', i);
    await flush();
    expect(await queue.counts()).toMatchObject({ active: 3, waiting: 7 });
    release.open();
    await queue.idle();
    expect(peak).toBe(3);
    expect(await queue.counts()).toMatchObject({ active: 0, waiting: 0, completed: 10 });
  });

  it('keeps jobs of a name without a processor waiting until one is registered', async () => {
    const queue = makeQueue();
    const handle = await queue.add('later', { x: 1 });
    await flush();
    expect((await queue.getJob(handle.id))?.state).toBe('waiting');
    const first = queue.process('later', (job) => job.data);
    expect(() => queue.process('later', () => 0)).toThrow(BugIndicatingError);
    await expect(handle.finished()).resolves.toEqual({ x: 1 });
    first.dispose();
    const orphan = await queue.add('later', 2);
    await flush();
    expect((await queue.getJob(orphan.id))?.state).toBe('waiting');
    queue.process('later', () => 'second processor');
    await expect(orphan.finished()).resolves.toBe('second processor');
  });

  it('pauses and resumes', async () => {
    const queue = makeQueue();
    let runs = 0;
    queue.process('job', () => {
      runs++;
    });
    await queue.pause();
    expect(await queue.isPaused()).toBe(true);
    await queue.add('job', 1);
    await flush();
    expect(runs).toBe(0);
    await queue.resume();
    await queue.idle();
    expect(runs).toBe(1);
  });

  it('gives the handler a copy of the data and the job attributes', async () => {
    const queue = makeQueue();
    const data = { files: ['a.ts'] };
    const seen = gate<unknown>();
    queue.process('job', (job) => seen.open(job));
    await queue.pause();
    const handle = await queue.add('job', data, { priority: 'high', idempotencyKey: 'key', traceId: 'trace-1', attempts: 2 });
    data.files.push('b.ts');
    await queue.resume();
    expect(await seen.promise).toMatchObject({
      id: handle.id,
      name: 'job',
      data: { files: ['a.ts'] },
      attempt: 1,
      attempts: 2,
      priority: 10,
      idempotencyKey: 'key',
      traceId: 'trace-1',
    });
  });
});

describe('InProcessTaskQueue: input errors', () => {
  it('rejects data that JSON cannot carry, naming the job and the key', async () => {
    const queue = makeQueue();
    const error = await queue.add('report', { when: new Date() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).where.key).toBe('data.when');
    expect((error as Error).message).toMatch(/Job "report" data must be JSON: data\.when is a Date/);
  });

  it.each([
    [{ attempts: 0 }, 'options.attempts'],
    [{ priority: 'urgent' }, 'options.priority'],
    [{ priority: -1 }, 'options.priority'],
    [{ delayMs: Number.NaN }, 'options.delayMs'],
    [{ backoff: { type: 'linear', delayMs: 1 } }, 'options.backoff.type'],
    [{ backoff: { type: 'fixed', delayMs: 1, jitter: 2 } }, 'options.backoff.jitter'],
    [{ delay: 100 }, 'options'],
  ])('rejects options %p naming %s', async (options, key) => {
    const queue = makeQueue();
    const error = await queue.add('job', 1, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).where.key).toBe(key);
    expect((error as Error).message).toContain('Invalid options for job "job"');
  });

  it('names an unknown option (e.g. BullMQ spelling "delay" instead of "delayMs")', async () => {
    const queue = makeQueue();
    await expect(queue.add('job', 1, { delay: 100 } as never)).rejects.toThrow(/delay/);
  });

  it('rejects an empty job name, bad concurrency and bad queue options', async () => {
    const queue = makeQueue();
    await expect(queue.add('', 1)).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => queue.process('job', () => 0, { concurrency: 0 })).toThrow(/options\.concurrency/);
    expect(() => new InProcessTaskQueue({ idempotencyWindowMs: -1 })).toThrow(/options\.idempotencyWindowMs/);
  });
});

describe('InProcessTaskQueue: events and idle', () => {
  it('isolates a throwing listener and reports it', async () => {
    const reported: unknown[] = [];
    const queue = makeQueue({ onUnexpectedError: (error) => reported.push(error) });
    queue.process('job', () => 'ok');
    const boom = new Error('listener bug');
    queue.onDidComplete(() => {
      throw boom;
    });
    const handle = await queue.add('job', 1);
    await expect(handle.finished()).resolves.toBe('ok');
    expect(reported).toEqual([boom]);
  });

  it('stops delivering to a disposed subscription', async () => {
    const queue = makeQueue();
    queue.process('job', () => 'ok');
    let calls = 0;
    const subscription = queue.onDidComplete(() => calls++);
    await (await queue.add('job', 1)).finished();
    subscription.dispose();
    await (await queue.add('job', 2)).finished();
    expect(calls).toBe(1);
    expect(queue.listenerCount).toBe(0);
  });

  it('stops waiting for idle or for a job when the caller aborts', async () => {
    const queue = makeQueue();
    await queue.pause();
    const handle = await queue.add('job', 1);
    const controller = new AbortController();
    const idle = queue.idle({ signal: controller.signal });
    const finished = handle.finished({ signal: controller.signal });
    controller.abort();
    await expect(idle).rejects.toBeInstanceOf(CancelledError);
    await expect(finished).rejects.toBeInstanceOf(CancelledError);
    expect((await queue.getJob(handle.id))?.state).toBe('waiting');
  });

  it('forgets finished jobs beyond the retention limit', async () => {
    const queue = makeQueue({ retainFinished: 2 });
    queue.process('job', (job) => job.data);
    const handles = [];
    for (let i = 0; i < 4; i++) handles.push(await queue.add('job', i));
    await queue.idle();
    const kept = await Promise.all(handles.map(async (h) => (await queue.getJob(h.id))?.state));
    expect(kept).toEqual([undefined, undefined, 'completed', 'completed']);
    await expect(handles[0]!.finished()).resolves.toBe(0);
  });
});

describe('InProcessTaskQueue: close', () => {
  it('cancels pending jobs, lets a running job finish within the grace period, then refuses work', async () => {
    const queue = makeQueue();
    const started = gate();
    const release = gate();
    queue.process('job', async (job) => {
      if (job.data === 'running') {
        started.open();
        await release.promise;
      }
      return job.data;
    });
    const running = await queue.add('job', 'running');
    await started.promise;
    const pending = await queue.add('job', 'pending');
    const delayed = await queue.add('job', 'delayed', { delayMs: 60_000 });
    let closed = false;
    const closing = queue.close({ graceMs: 60_000 }).then(() => (closed = true));
    await expect(pending.finished()).rejects.toBeInstanceOf(CancelledError);
    await expect(delayed.finished()).rejects.toBeInstanceOf(CancelledError);
    await flush();
    expect(closed).toBe(false);
    release.open();
    await closing;
    await expect(running.finished()).resolves.toBe('running');
    await expect(queue.add('job', 'late')).rejects.toBeInstanceOf(CancelledError);
    expect(() => queue.process('other', () => 0)).toThrow(CancelledError);
    expect(queue.close()).toBe(queue.close());
  });

  it('aborts running jobs after the grace period: they end cancelled, not failed', async () => {
    const queue = makeQueue();
    const started = gate<AbortSignal>();
    queue.process('job', (_job, signal) => {
      started.open(signal);
      return untilAborted(signal);
    });
    const ends: string[] = [];
    queue.onDidFail(() => ends.push('failed'));
    queue.onDidCancel(() => ends.push('cancelled'));
    const handle = await queue.add('job', 1, { attempts: 3 });
    const signal = await started.promise;
    await queue.close({ graceMs: 0 });
    expect(signal.aborted).toBe(true);
    expect(ends).toEqual(['cancelled']);
    await expect(handle.finished()).rejects.toBeInstanceOf(CancelledError);
  });

  it('does not wait forever for a handler that ignores its signal', async () => {
    const queue = makeQueue();
    const release = gate();
    const started = gate();
    queue.process('job', async () => {
      started.open();
      await release.promise;
    });
    const handle = await queue.add('job', 1);
    await started.promise;
    await queue.close({ graceMs: 5 });
    await expect(handle.finished()).rejects.toBeInstanceOf(CancelledError);
    release.open();
  });

  it('leaves no timers or other handles behind', async () => {
    await flush();
    const resourcesBefore = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
    const timers = trackTimers();
    const queue = new InProcessTaskQueue();
    queue.process('job', (_job, signal) => untilAborted(signal));
    queue.onDidComplete(() => {});
    for (let i = 0; i < 5; i++) await queue.add('job', i, { delayMs: 10_000 + i });
    await queue.add('job', 'running');
    expect(await timers.live()).toBe(1);
    await queue.close({ graceMs: 20 });
    expect(await timers.live()).toBe(0);
    timers.dispose();
    // Timers aside (the test runner has its own, which come and go), nothing else was left open.
    expect(process.getActiveResourcesInfo().filter((r) => r !== 'Timeout')).toEqual(resourcesBefore);
    expect(queue.listenerCount).toBe(0);
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, cancelled: 6 });
  });

  it('closes on dispose', async () => {
    const queue = makeQueue();
    const handle = await queue.add('job', 1, { delayMs: 60_000 });
    queue.dispose();
    await expect(handle.finished()).rejects.toBeInstanceOf(CancelledError);
    await expect(queue.add('job', 2)).rejects.toBeInstanceOf(CancelledError);
  });
});
