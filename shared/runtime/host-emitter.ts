/**
 * How the runtime publishes its `agent.*` events: fire-and-forget (the host never waits on a slow
 * subscriber), yet no rejection is left floating: failures go to the host's error sink.
 */
import type { EventBus, PublishMeta } from '../bus/event-bus.js';
import type { Topic, TopicMap } from '../bus/topics.js';
import { isCancellation } from '../errors/errors.js';

/** Publishes one event; `traceId` links task events to the event that caused the task. */
export type HostEmit = <T extends Topic>(topic: T, payload: TopicMap[T], traceId?: string) => void;

/** Builds the {@link HostEmit} of a host publishing as `source`. */
export function hostEmitter(bus: EventBus, source: string, onError: (error: unknown, where: string) => void): HostEmit {
  const meta: PublishMeta = { source };
  const failed = (error: unknown): void => {
    // A bus disposed before the host is a shutdown-order detail, not a failure.
    if (!isCancellation(error)) onError(error, 'publishing an agent event');
  };
  return (topic, payload, traceId) => {
    bus.publish(topic, payload, traceId === undefined ? meta : { source, traceId }).then(undefined, failed);
  };
}
