import { afterEach, describe, expect, it } from '@jest/globals';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import type { EventBus } from '../../../shared/bus/event-bus.js';
import type { AnyEvent } from '../../../shared/bus/topics.js';
import { toDisposable } from '../../../shared/lifecycle/disposable.js';
import { InProcessTaskQueue } from '../../../shared/queue/in-process-task-queue.js';
import { gate, untilAborted } from './helpers.js';

const owned: { dispose(): void }[] = [];
afterEach(() => {
  for (const item of owned.splice(0).reverse()) item.dispose();
});

describe('InProcessTaskQueue with an event bus', () => {
  it('publishes task.completed, task.failed (per attempt) and task.cancelled with the job trace id', async () => {
    const bus = new InProcessEventBus();
    owned.push(bus);
    const events: AnyEvent[] = [];
    owned.push(bus.subscribe('task.*', (event) => void events.push(event)));
    const queue = new InProcessTaskQueue({ bus, name: 'review-queue' });
    owned.push(queue);
    const started = gate();
    queue.process('ok', () => 'fine');
    queue.process('bad', () => {
      throw new Error('broken');
    });
    queue.process('slow', (_job, signal) => {
      started.open();
      return untilAborted(signal);
    });

    const ok = await queue.add('ok', 1, { traceId: 'trace-ok' });
    await ok.finished();
    const bad = await queue.add('bad', 2, { attempts: 2 });
    await bad.finished().catch(() => undefined);
    const slow = await queue.add('slow', 3);
    await started.promise;
    await queue.cancel(slow.id);
    await queue.idle();
    await bus.idle();

    expect(events.map((e) => [e.topic, e.payload])).toEqual([
      ['task.completed', { taskId: ok.id, name: 'ok', attempts: 1, durationMs: expect.any(Number) }],
      ['task.failed', { taskId: bad.id, name: 'bad', attempts: 1, error: 'broken', final: false }],
      ['task.failed', { taskId: bad.id, name: 'bad', attempts: 2, error: 'broken', final: true }],
      ['task.cancelled', { taskId: slow.id, name: 'slow' }],
    ]);
    expect(events.every((e) => e.source === 'review-queue')).toBe(true);
    expect(events[0]!.traceId).toBe('trace-ok');
  });

  it('waits in idle() until the bus accepted its events (backpressure), and reports a failing bus without stalling', async () => {
    const accepted = gate();
    const reported: unknown[] = [];
    let calls = 0;
    const bus: EventBus = {
      publish: (topic) => {
        calls++;
        if (topic === 'task.failed') return Promise.reject(new Error('bus down'));
        return accepted.promise.then(() => ({}) as never);
      },
      subscribe: () => toDisposable(() => {}),
      recent: () => [],
      idle: () => Promise.resolve(),
      dispose: () => {},
    };
    const queue = new InProcessTaskQueue({ bus, onUnexpectedError: (error) => reported.push(error) });
    owned.push(queue);
    queue.process('ok', () => 1);
    queue.process('bad', () => {
      throw new Error('x');
    });
    await (await queue.add('bad', 0)).finished().catch(() => undefined);
    await (await queue.add('ok', 0)).finished();
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    accepted.open();
    await waiting;
    expect(calls).toBe(2);
    expect(reported).toEqual([new Error('bus down')]);
  });
});
