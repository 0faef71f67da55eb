import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import type { AnyEvent } from '../../../shared/bus/topics.js';
import { BullMqTaskQueue, type BullMqTaskQueueOptions } from '../../../shared/queue/bullmq-task-queue.js';
import type { JobCancelledEvent, JobCompletedEvent, JobFailedEvent } from '../../../shared/queue/task-queue.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { gate, untilAborted } from './helpers.js';

let redis: RedisServer;
let admin: Redis;
const open: BullMqTaskQueue[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url, { maxRetriesPerRequest: null });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((queue) => queue.close({ graceMs: 0 })));
});

afterAll(async () => {
  await admin?.quit();
  await redis?.stop();
});

/** A queue under a prefix of its own, so tests never see each other's keys. */
function makeQueue(options: Partial<BullMqTaskQueueOptions> = {}): BullMqTaskQueue {
  const queue = new BullMqTaskQueue({ redisUrl: redis.url, prefix: `t-${randomUUID()}`, onUnexpectedError: (e) => { throw e; }, ...options });
  open.push(queue);
  return queue;
}

describe('BullMqTaskQueue against a real Redis', () => {
  it('runs jobs in priority order (lower first), FIFO within a priority', async () => {
    const queue = makeQueue();
    const handles = [];
    for (const [label, priority] of [['low', 'low'], ['crit', 'critical'], ['n1', 'normal'], ['high', 'high'], ['n2', 'normal']] as const) {
      handles.push(await queue.add('scan', { label }, { priority }));
    }
    const order: string[] = [];
    queue.process('scan', (job) => void order.push((job.data as { label: string }).label), { concurrency: 1 });
    await Promise.all(handles.map((h) => h.finished()));
    expect(order).toEqual(['crit', 'high', 'n1', 'n2', 'low']);
  });

  it('retries a failing job, counting attempts, and reports each failed attempt', async () => {
    const queue = makeQueue();
    const failures: JobFailedEvent[] = [];
    const completions: JobCompletedEvent[] = [];
    queue.onDidFail((e) => failures.push(e));
    queue.onDidComplete((e) => completions.push(e));
    const seen: number[] = [];
    queue.process('flaky', (job) => {
      seen.push(job.attempt);
      if (job.attempt < 3) throw new Error(`boom ${job.attempt}`);
      return { ok: job.attempt };
    });
    const handle = await queue.add('flaky', { x: 1 }, { attempts: 3, backoff: { type: 'fixed', delayMs: 10 } });
    await expect(handle.finished()).resolves.toEqual({ ok: 3 });
    await queue.idle(); // events fire in the worker's process, after the outcome reaches Redis
    expect(seen).toEqual([1, 2, 3]);
    expect(failures.map((f) => [f.final, errorText(f.error)])).toEqual([[false, 'boom 1'], [false, 'boom 2']]);
    expect(completions).toHaveLength(1);
    expect(completions[0]!.result).toEqual({ ok: 3 });
    expect(completions[0]!.job.state).toBe('completed');
    const info = await queue.getJob(handle.id);
    expect(info).toMatchObject({ state: 'completed', result: { ok: 3 }, attempts: 3 });
    expect((await queue.counts()).completed).toBe(1);
  });

  it('fails a job for good after its last attempt; finished() rejects with the last error', async () => {
    const queue = makeQueue();
    const failures: JobFailedEvent[] = [];
    queue.onDidFail((e) => failures.push(e));
    queue.process('bad', (job) => {
      throw new Error(`nope ${job.attempt}`);
    });
    const handle = await queue.add('bad', {}, { attempts: 2 });
    await expect(handle.finished()).rejects.toThrow('nope 2');
    await queue.idle();
    await expect(queue.add('bad', {}).then((h) => h.finished())).rejects.toThrow('nope 1');
    await queue.idle();
    expect(failures.map((f) => f.final)).toEqual([false, true, true]);
    expect(await queue.counts()).toMatchObject({ failed: 2, completed: 0, waiting: 0, active: 0 });
  });

  it('returns the existing job for a repeated idempotency key and runs it once', async () => {
    const queue = makeQueue();
    const first = await queue.add('index', { file: 'a.ts' }, { idempotencyKey: 'a.ts@1' });
    const second = await queue.add('index', { file: 'a.ts' }, { idempotencyKey: 'a.ts@1' });
    const other = await queue.add('index', { file: 'b.ts' }, { idempotencyKey: 'b.ts@1' });
    expect(first.deduplicated).toBe(false);
    expect(second).toMatchObject({ id: first.id, deduplicated: true });
    expect(other.id).not.toBe(first.id);
    let runs = 0;
    queue.process('index', () => ++runs);
    await Promise.all([first.finished(), other.finished()]);
    const again = await queue.add('index', { file: 'a.ts' }, { idempotencyKey: 'a.ts@1' });
    expect(again).toMatchObject({ id: first.id, deduplicated: true });
    await expect(again.finished()).resolves.toBe(1);
    expect(runs).toBe(2);
  });

  it('holds a delayed job until its time, then runs it', async () => {
    const queue = makeQueue();
    let startedAt = 0;
    queue.process('later', () => {
      startedAt = Date.now();
      return 'done';
    });
    const handle = await queue.add('later', {}, { delayMs: 300 });
    const info = await queue.getJob(handle.id);
    expect(info?.state).toBe('delayed');
    expect(info!.runAt).toBeGreaterThanOrEqual(info!.addedAt + 300);
    await expect(handle.finished()).resolves.toBe('done');
    expect(startedAt).toBeGreaterThanOrEqual(info!.addedAt + 300);
  });

  it('cancels a waiting job: it never runs, finished() rejects, onDidCancel and the bus hear of it', async () => {
    const bus = new InProcessEventBus();
    const events: AnyEvent[] = [];
    const sub = bus.subscribe('task.*', (event) => void events.push(event));
    const queue = makeQueue({ bus, name: 'review-queue' });
    const cancelled: JobCancelledEvent[] = [];
    queue.onDidCancel((e) => cancelled.push(e));
    const handle = await queue.add('scan', { n: 1 }, { traceId: 'trace-1' });
    const finished = handle.finished();
    expect(await queue.cancel(handle.id, 'user asked')).toBe(true);
    await expect(finished).rejects.toMatchObject({ name: 'CancelledError' });
    expect(await queue.cancel(handle.id)).toBe(false);
    expect(await queue.getJob(handle.id)).toBeUndefined();
    expect(cancelled.map((e) => [e.job.id, e.reason, e.job.state])).toEqual([[handle.id, 'user asked', 'cancelled']]);
    let ran = false;
    queue.process('scan', () => void (ran = true));
    await queue.idle();
    await bus.idle();
    expect(ran).toBe(false);
    expect(events.map((e) => [e.topic, e.source, e.traceId, e.payload])).toEqual([['task.cancelled', 'review-queue', 'trace-1', { taskId: handle.id, name: 'scan' }]]);
    expect((await queue.counts()).cancelled).toBe(1);
    sub.dispose();
    bus.dispose();
  });

  it('aborts a running job’s signal on cancel; the job ends cancelled, not retried', async () => {
    const queue = makeQueue();
    const started = gate();
    let runs = 0;
    queue.process('long', (_job, signal) => {
      runs++;
      started.open();
      return untilAborted(signal);
    });
    const handle = await queue.add('long', {}, { attempts: 3 });
    await started.promise;
    expect(await queue.cancel(handle.id, 'superseded')).toBe(true);
    await expect(handle.finished()).rejects.toMatchObject({ name: 'CancelledError' });
    expect(await queue.getJob(handle.id)).toBeUndefined(); // failed jobs are removed, releasing the key
    expect(runs).toBe(1);
    expect((await queue.counts()).cancelled).toBe(1);
  });

  it('publishes completions and failures on the bus with the job’s trace id', async () => {
    const bus = new InProcessEventBus();
    const events: AnyEvent[] = [];
    const sub = bus.subscribe('task.*', (event) => void events.push(event));
    const queue = makeQueue({ bus });
    queue.process('echo', (job) => {
      if (job.data === 'fail') throw new Error('bad data');
      return job.data;
    });
    const ok = await queue.add('echo', 'hi', { traceId: 'tr-ok' });
    const bad = await queue.add('echo', 'fail', { traceId: 'tr-bad' });
    await expect(ok.finished()).resolves.toBe('hi');
    await expect(bad.finished()).rejects.toThrow('bad data');
    await queue.idle();
    await bus.idle();
    const byTopic = Object.fromEntries(events.map((e) => [e.topic, e]));
    expect(byTopic['task.completed']).toMatchObject({ traceId: 'tr-ok', payload: { taskId: ok.id, name: 'echo', attempts: 1 } });
    expect(byTopic['task.failed']).toMatchObject({ traceId: 'tr-bad', payload: { taskId: bad.id, error: 'bad data', final: true } });
    sub.dispose();
    bus.dispose();
  });

  it('keeps jobs of a paused queue waiting, and drains waiting ones as cancelled', async () => {
    const queue = makeQueue();
    await queue.pause();
    let runs = 0;
    queue.process('p', () => ++runs);
    const a = await queue.add('p', 1);
    await queue.add('p', 2, { delayMs: 60_000 });
    expect(await queue.isPaused()).toBe(true);
    expect(await queue.counts()).toMatchObject({ waiting: 1, delayed: 1 });
    expect(await queue.drain()).toBe(2);
    await expect(a.finished()).rejects.toMatchObject({ name: 'CancelledError' });
    await queue.resume();
    expect(await queue.isPaused()).toBe(false);
    const b = await queue.add('p', 3);
    await expect(b.finished()).resolves.toBe(1);
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, cancelled: 2, completed: 1 });
  });

  it('rejects bad input with messages that name what to fix', async () => {
    expect(() => new BullMqTaskQueue({ redisUrl: 'http://localhost:6379' })).toThrow(/redisUrl must use redis: or rediss:/);
    expect(() => BullMqTaskQueue.fromEnv({}, {})).toThrow(/ORCHESTRA_REDIS_URL is not set/);
    const queue = makeQueue();
    await expect(queue.add('x', { f: () => 1 })).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(queue.add('x', 1, { attempts: 0 })).rejects.toThrow(/options\.attempts/);
    expect(await queue.getJob('not-an-id')).toBeUndefined();
    expect(await queue.cancel('not-an-id')).toBe(false);
  });

  it('close() ends running jobs as cancelled and leaves no connection, listener or job behind', async () => {
    const before = await clientCount();
    const queue = makeQueue();
    queue.onDidComplete(() => {});
    const started = gate();
    queue.process('stuck', (_job, signal) => {
      started.open();
      return untilAborted(signal);
    });
    const handle = await queue.add('stuck', {});
    const finished = handle.finished();
    await started.promise;
    expect(await clientCount()).toBeGreaterThan(before);
    await queue.close({ graceMs: 50 });
    await expect(finished).rejects.toMatchObject({ name: 'CancelledError' });
    expect(queue.listenerCount).toBe(0);
    expect(await clientCount()).toBe(before);
    await expect(queue.add('stuck', {})).rejects.toMatchObject({ name: 'CancelledError' });
  });
});

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Connected clients as Redis sees them (the admin connection included). */
async function clientCount(): Promise<number> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  return list.trim().split('\n').length;
}
