/**
 * The event bus contract. The implementation is `in-process-bus.ts`; `redis-bus-bridge.ts` connects
 * the buses of several processes over Redis. Hosts and agents depend on this interface only.
 */
import type { Disposable } from '../lifecycle/disposable.js';
import type { AnyEvent, OrchestraEvent, Topic, TopicMap, TopicPattern } from './topics.js';

/**
 * What a subscription does when its bounded queue is full:
 * - `block`: never drop; the publisher's `publish()` promise waits until there is room (backpressure).
 *   The default, and the only policy allowed for commands and findings.
 * - `drop-oldest`: discard the oldest queued event (ambient telemetry, dashboards).
 * - `drop-newest`: discard the event being published.
 */
export type OverflowPolicy = 'block' | 'drop-oldest' | 'drop-newest';

/** Options for one subscription. */
export interface SubscribeOptions {
  /** Name shown in telemetry and failure reports. Defaults to the pattern. */
  name?: string;
  /** Handler invocations allowed in flight at once. Default 1 (events handled in order). */
  concurrency?: number;
  /** Events that may wait in this subscription's queue. Default 1024. */
  queueLimit?: number;
  /** Policy when the queue is full. Default `block`. */
  overflow?: OverflowPolicy;
}

/** Metadata a publisher may give; the bus fills in the rest. */
export interface PublishMeta {
  /** The event that caused this one: its trace id is inherited and its id becomes the causation id. */
  causedBy?: Pick<OrchestraEvent, 'id' | 'traceId'>;
  /** Explicit trace id (when not derived from `causedBy`). */
  traceId?: string;
  /** Who publishes. Default `"unknown"`. */
  source?: string;
  /**
   * Only for bridges (see redis-bus-bridge.ts) re-publishing an event first published in another
   * process: the event keeps that identity, and `origin` marks it so no bridge forwards it again.
   * When set, `causedBy` and `traceId` are ignored. Local publishers never set it.
   */
  relay?: RelayedEvent;
}

/** The identity an event had where it was first published, carried across processes unchanged. */
export interface RelayedEvent {
  readonly id: string;
  readonly traceId: string;
  readonly causationId: string | undefined;
  readonly timestamp: number;
  /** The bridge node the event came from (becomes {@link OrchestraEvent.origin}). */
  readonly origin: string;
}

/** A handler for events matching a pattern. May be async; a throw or rejection is isolated. */
export type EventHandler<E> = (event: E) => void | Promise<void>;

/** Resolves the event type delivered for a pattern: exact topics are precise, wildcards give the union. */
export type EventFor<P extends TopicPattern> = P extends Topic ? OrchestraEvent<P> : AnyEvent;

/** The typed publish/subscribe bus at the centre of the agent core. */
export interface EventBus extends Disposable {
  /**
   * Publishes an event. The promise resolves with the event once every subscriber has accepted it
   * into its queue: with a `block` subscriber whose queue is full it waits (backpressure).
   */
  publish<T extends Topic>(topic: T, payload: TopicMap[T], meta?: PublishMeta): Promise<OrchestraEvent<T>>;
  /** Subscribes a handler to a topic or wildcard pattern. Dispose the result to unsubscribe. */
  subscribe<P extends TopicPattern>(pattern: P, handler: EventHandler<EventFor<P>>, options?: SubscribeOptions): Disposable;
  /** The most recent events, oldest first (the dashboards' "data stream"). */
  recent(limit?: number): readonly AnyEvent[];
  /** Resolves when every queue is empty and no handler is running. */
  idle(): Promise<void>;
}
