/**
 * Turns the runtime's own events (agent tasks, crashes, circuits, handler failures, drops) into
 * metrics. Subscriptions are synchronous and drop-oldest, so telemetry never slows or blocks the
 * agents it observes; a drop shows up in `events_dropped_total{subscription="telemetry:…"}`.
 */
import type { EventBus, SubscribeOptions } from '../bus/event-bus.js';
import { DisposableStore, type Disposable } from '../lifecycle/disposable.js';
import type { Metrics } from './create-metrics.js';

const options = (name: string): SubscribeOptions => ({ name: `telemetry:${name}`, overflow: 'drop-oldest', queueLimit: 10_000, concurrency: 1 });

/** Subscribes `metrics` to the runtime's events on `bus`. Dispose to unsubscribe. */
export function recordRuntimeMetrics(bus: EventBus, metrics: Metrics): Disposable {
  const store = new DisposableStore();
  const agent = (id: string) => metrics.label('agent', id);

  store.add(bus.subscribe('agent.task.started', (e) => metrics.tasksStarted.inc({ agent: agent(e.payload.agentId) }), options('tasks')));
  store.add(
    bus.subscribe(
      'agent.task.completed',
      (e) => {
        const a = agent(e.payload.agentId);
        metrics.tasksCompleted.inc({ agent: a });
        metrics.taskDuration.observe({ agent: a, outcome: 'completed' }, e.payload.durationMs / 1000);
      },
      options('tasks'),
    ),
  );
  store.add(
    bus.subscribe(
      'agent.task.failed',
      (e) => {
        const a = agent(e.payload.agentId);
        metrics.tasksFailed.inc({ agent: a, reason: 'error' });
        metrics.agentErrors.inc({ agent: a, kind: 'task_failed' });
        metrics.taskDuration.observe({ agent: a, outcome: 'failed' }, e.payload.durationMs / 1000);
      },
      options('tasks'),
    ),
  );
  store.add(
    bus.subscribe(
      'agent.task.timed_out',
      (e) => {
        const a = agent(e.payload.agentId);
        metrics.tasksFailed.inc({ agent: a, reason: 'timeout' });
        metrics.agentErrors.inc({ agent: a, kind: 'timeout' });
        metrics.taskDuration.observe({ agent: a, outcome: 'timed_out' }, e.payload.deadlineMs / 1000);
      },
      options('tasks'),
    ),
  );
  store.add(
    bus.subscribe(
      'agent.task.cancelled',
      (e) => {
        const a = agent(e.payload.agentId);
        metrics.tasksCancelled.inc({ agent: a });
        metrics.taskDuration.observe({ agent: a, outcome: 'cancelled' }, e.payload.durationMs / 1000);
      },
      options('tasks'),
    ),
  );
  store.add(bus.subscribe('agent.crashed', (e) => metrics.agentErrors.inc({ agent: agent(e.payload.agentId), kind: 'crash' }), options('agents')));
  store.add(
    bus.subscribe('agent.circuit_opened', (e) => metrics.agentErrors.inc({ agent: agent(e.payload.agentId), kind: 'circuit_open' }), options('agents')),
  );
  store.add(
    bus.subscribe(
      'bus.handler_failed',
      (e) =>
        metrics.handlerErrors.inc({
          subscription: metrics.label('subscription', e.payload.subscription),
          topic: metrics.label('topic', e.payload.topic),
        }),
      options('bus'),
    ),
  );
  store.add(
    bus.subscribe(
      'bus.dropped',
      (e) => metrics.eventsDropped.inc({ subscription: metrics.label('subscription', e.payload.subscription) }, e.payload.dropped),
      options('bus'),
    ),
  );
  return store;
}
