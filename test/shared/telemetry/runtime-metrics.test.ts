import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InProcessEventBus } from '../../../shared/bus/in-process-bus.js';
import { createMetrics, type Metrics } from '../../../shared/telemetry/create-metrics.js';
import { instrumentBus } from '../../../shared/telemetry/instrument-bus.js';
import { recordRuntimeMetrics } from '../../../shared/telemetry/record-runtime-metrics.js';
import { DisposableStore } from '../../../shared/lifecycle/disposable.js';

let store: DisposableStore;
beforeEach(() => {
  store = new DisposableStore();
});
afterEach(() => {
  store.dispose();
});

/** Resolves once `condition` holds, yielding to timers between checks (no wall-clock assertion). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function value(metrics: Metrics, name: keyof Metrics, labels: Record<string, string>): Promise<number> {
  const metric = metrics[name] as { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> };
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match?.value ?? 0;
}

describe('instrumentBus and recordRuntimeMetrics on the in-process bus', () => {
  it('counts published and delivered events and task outcomes', async () => {
    const raw = new InProcessEventBus();
    const metrics = createMetrics();
    const bus = instrumentBus(raw, metrics);
    const baseline = raw.stats().subscriptions;
    const recording = recordRuntimeMetrics(bus, metrics);
    const seen: string[] = [];
    const sub = bus.subscribe('file.*', (e) => void seen.push(e.topic), { name: 'watcher' });

    await bus.publish('file.saved', { path: 'a.ts' });
    await bus.publish('file.changed', { path: 'a.ts', kind: 'change' });
    await bus.publish('agent.task.started', { agentId: 'sec', taskId: '1', type: 'review' });
    await bus.publish('agent.task.completed', { agentId: 'sec', taskId: '1', type: 'review', durationMs: 250 });
    await bus.publish('agent.task.failed', { agentId: 'sec', taskId: '2', type: 'review', durationMs: 10, error: 'boom' });
    await bus.publish('agent.task.timed_out', { agentId: 'sec', taskId: '3', type: 'review', deadlineMs: 5000 });
    await bus.publish('agent.task.cancelled', { agentId: 'sec', taskId: '4', type: 'review', durationMs: 1, reason: 'stop' });
    await bus.publish('agent.crashed', { agentId: 'style', kind: 'review', error: 'x', restarts: 1 });
    await bus.idle();

    expect(seen).toEqual(['file.saved', 'file.changed']);
    expect(await value(metrics, 'eventsPublished', { topic: 'file.saved' })).toBe(1);
    expect(await value(metrics, 'eventsDelivered', { subscription: 'watcher' })).toBe(2);
    expect(await value(metrics, 'tasksStarted', { agent: 'sec' })).toBe(1);
    expect(await value(metrics, 'tasksCompleted', { agent: 'sec' })).toBe(1);
    expect(await value(metrics, 'tasksFailed', { agent: 'sec', reason: 'error' })).toBe(1);
    expect(await value(metrics, 'tasksFailed', { agent: 'sec', reason: 'timeout' })).toBe(1);
    expect(await value(metrics, 'tasksCancelled', { agent: 'sec' })).toBe(1);
    expect(await value(metrics, 'agentErrors', { agent: 'sec', kind: 'task_failed' })).toBe(1);
    expect(await value(metrics, 'agentErrors', { agent: 'style', kind: 'crash' })).toBe(1);
    const text = await metrics.metricsText();
    expect(text).toContain('orchestra_task_duration_seconds_sum{agent="sec",outcome="completed"} 0.25');
    expect(text).toContain('orchestra_task_duration_seconds_count{agent="sec",outcome="timed_out"} 1');

    sub.dispose();
    recording.dispose();
    expect(raw.stats().subscriptions).toBe(baseline);
    raw.dispose();
    metrics.dispose();
  });

  it('counts handler failures and drops reported by the bus', async () => {
    const raw = new InProcessEventBus({ dropReportIntervalMs: 0 });
    store.add(raw);
    const metrics = createMetrics();
    store.add(metrics);
    const bus = instrumentBus(raw, metrics);
    store.add(recordRuntimeMetrics(bus, metrics));
    store.add(
      bus.subscribe(
        'file.saved',
        () => {
          throw new Error('handler bug');
        },
        { name: 'fragile' },
      ),
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.add(bus.subscribe('file.changed', () => gate, { name: 'slow', overflow: 'drop-newest', queueLimit: 1 }));

    await bus.publish('file.saved', { path: 'a.ts' });
    for (let i = 0; i < 5; i++) await bus.publish('file.changed', { path: `${i}.ts`, kind: 'add' });
    await until(async () => (await value(metrics, 'eventsDropped', { subscription: 'slow' })) > 0);
    release();
    await bus.idle();

    expect(await value(metrics, 'handlerErrors', { subscription: 'fragile', topic: 'file.saved' })).toBe(1);
    // One in flight, one queued, three dropped.
    expect(await value(metrics, 'eventsDropped', { subscription: 'slow' })).toBe(3);
  });

  it('reports the bus queue depth through a sampler', async () => {
    const raw = new InProcessEventBus();
    store.add(raw);
    const metrics = createMetrics();
    store.add(metrics);
    store.add(metrics.trackQueueDepth('bus', () => raw.stats().pending));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.add(raw.subscribe('file.saved', () => gate));
    await raw.publish('file.saved', { path: 'a' });
    await raw.publish('file.saved', { path: 'b' });
    expect(await metrics.metricsText()).toContain('orchestra_queue_depth{queue="bus"} 2');
    release();
    await raw.idle();
    expect(await metrics.metricsText()).toContain('orchestra_queue_depth{queue="bus"} 0');
  });
});
