/**
 * Counts what flows through an event bus without changing the bus: a decorator whose `publish`
 * counts events by topic and whose `subscribe` wraps each handler to count deliveries by
 * subscription. Hosts build `instrumentBus(new InProcessEventBus(), metrics)` and hand the result
 * to everyone. Handler failures and drops are reported by the bus itself as events and counted by
 * record-runtime-metrics.ts.
 */
import type { EventBus, EventFor, EventHandler, PublishMeta, SubscribeOptions } from '../bus/event-bus.js';
import type { Disposable } from '../lifecycle/disposable.js';
import type { OrchestraEvent, Topic, TopicMap, TopicPattern } from '../bus/topics.js';
import type { BoundCounter, Metrics } from './create-metrics.js';

/** Returns an {@link EventBus} that behaves like `bus` and counts published and delivered events. */
export function instrumentBus(bus: EventBus, metrics: Metrics): EventBus {
  // Bound series sum in memory and flush at scrape time: no label hashing per event.
  const byTopic = new Map<string, BoundCounter>();
  return {
    publish<T extends Topic>(topic: T, payload: TopicMap[T], meta?: PublishMeta): Promise<OrchestraEvent<T>> {
      let child = byTopic.get(topic);
      if (!child) byTopic.set(topic, (child = metrics.bind(metrics.eventsPublished, { topic: metrics.label('topic', topic) })));
      child.inc();
      return bus.publish(topic, payload, meta);
    },
    subscribe<P extends TopicPattern>(pattern: P, handler: EventHandler<EventFor<P>>, options?: SubscribeOptions): Disposable {
      const delivered = metrics.bind(metrics.eventsDelivered, { subscription: metrics.label('subscription', options?.name ?? pattern) });
      const counted: EventHandler<EventFor<P>> = (event) => {
        delivered.inc();
        return handler(event);
      };
      return bus.subscribe(pattern, counted, options);
    },
    recent: (limit) => bus.recent(limit),
    idle: () => bus.idle(),
    dispose: () => bus.dispose(),
  };
}
