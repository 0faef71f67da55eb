/**
 * The in-process event bus: typed topics, exact and wildcard subscriptions, per-subscription
 * concurrency and bounded queues with an overflow policy, isolation of throwing handlers, and a
 * ring buffer of recent events.
 *
 * Hot path (see bench/bus.bench.ts): routing is cached per topic (no pattern scan per publish); a
 * subscription with free concurrency and an empty queue calls its handler at once, and only an
 * async handler's promise is tracked. Everything else waits in the subscription's deque.
 */
import { randomBytes } from 'node:crypto';
import { CancelledError, errorMessage, InvalidInputError } from '../errors/errors.js';
import { toDisposable, type Disposable } from '../lifecycle/disposable.js';
import type { EventBus, EventFor, EventHandler, OverflowPolicy, PublishMeta, SubscribeOptions } from './event-bus.js';
import { Deque, RingBuffer } from './ring-buffer.js';
import { compileTopicPattern, type TopicMatcher } from './topic-pattern.js';
import type { AnyEvent, OrchestraEvent, Topic, TopicMap, TopicPattern } from './topics.js';

/** Options for {@link InProcessEventBus}. */
export interface InProcessEventBusOptions {
  /** Recent events kept for dashboards. Default 1,000. */
  ringSize?: number;
  /** Default queue limit per subscription. Default 1,024. */
  defaultQueueLimit?: number;
  /** Minimum milliseconds between two `bus.dropped` reports of one subscription. Default 1,000. */
  dropReportIntervalMs?: number;
  /** Synchronous handler nesting beyond which deliveries are deferred to a microtask. Default 16. */
  maxSyncDepth?: number;
}

/** Counters the bus keeps; telemetry reads them. */
export interface BusStats {
  published: number;
  delivered: number;
  failed: number;
  dropped: number;
  /** Events waiting in queues plus handlers running. */
  pending: number;
  subscriptions: number;
}

const BLOCK: OverflowPolicy = 'block';

class Subscription {
  readonly queue = new Deque<AnyEvent>();
  inflight = 0;
  scheduled = false;
  disposed = false;
  droppedSinceReport = 0;
  lastDropReport = 0;
  dropTimer: NodeJS.Timeout | undefined;
  /** Publishers blocked on this subscription's full queue. */
  waiters: (() => void)[] = [];
  readonly onDone = (): void => this.bus.completed(this);

  constructor(
    readonly bus: InProcessEventBus,
    readonly matcher: TopicMatcher,
    readonly handler: EventHandler<AnyEvent>,
    readonly name: string,
    readonly concurrency: number,
    readonly queueLimit: number,
    readonly overflow: OverflowPolicy,
  ) {}
}

/** The default, embedded {@link EventBus}. */
export class InProcessEventBus implements EventBus {
  private readonly subscriptions: Subscription[] = [];
  private readonly routes = new Map<string, Subscription[]>();
  private readonly ring: RingBuffer<AnyEvent>;
  private readonly defaultQueueLimit: number;
  private readonly dropReportIntervalMs: number;
  private readonly maxSyncDepth: number;
  private readonly idPrefix = randomBytes(4).toString('hex');
  private nextId = 0;
  private depth = 0;
  private idleWaiters: (() => void)[] = [];
  private disposed = false;
  private readonly counters: Omit<BusStats, 'subscriptions'> = { published: 0, delivered: 0, failed: 0, dropped: 0, pending: 0 };

  constructor(options: InProcessEventBusOptions = {}) {
    this.ring = new RingBuffer(options.ringSize ?? 1000);
    this.defaultQueueLimit = options.defaultQueueLimit ?? 1024;
    this.dropReportIntervalMs = options.dropReportIntervalMs ?? 1000;
    this.maxSyncDepth = options.maxSyncDepth ?? 16;
  }

  publish<T extends Topic>(topic: T, payload: TopicMap[T], meta?: PublishMeta): Promise<OrchestraEvent<T>> {
    if (this.disposed) return Promise.reject(new CancelledError('The event bus is disposed'));
    const relay = meta?.relay;
    let event: OrchestraEvent<T>;
    if (relay === undefined) {
      const id = `${this.idPrefix}-${(this.nextId++).toString(36)}`;
      event = {
        id,
        topic,
        traceId: meta?.causedBy?.traceId ?? meta?.traceId ?? id,
        causationId: meta?.causedBy?.id,
        timestamp: Date.now(),
        source: meta?.source ?? 'unknown',
        payload,
      };
    } else {
      // Published in another process: keep its identity so traces and causation span processes.
      const { id, traceId, causationId, timestamp, origin } = relay;
      event = { id, topic, traceId, causationId, timestamp, source: meta?.source ?? 'unknown', payload, origin };
    }
    this.counters.published++;
    this.ring.push(event as unknown as AnyEvent);
    const subs = this.routes.get(topic) ?? this.route(topic);
    let blocked: Promise<void>[] | undefined;
    for (let i = 0; i < subs.length; i++) {
      const wait = this.deliver(subs[i]!, event as unknown as AnyEvent);
      if (wait !== undefined) (blocked ??= []).push(wait);
    }
    if (blocked === undefined) return Promise.resolve(event);
    return Promise.all(blocked).then(() => event);
  }

  subscribe<P extends TopicPattern>(pattern: P, handler: EventHandler<EventFor<P>>, options: SubscribeOptions = {}): Disposable {
    if (this.disposed) throw new CancelledError('The event bus is disposed');
    const concurrency = options.concurrency ?? 1;
    const queueLimit = options.queueLimit ?? this.defaultQueueLimit;
    if (!(concurrency >= 1)) throw new InvalidInputError(`Subscription concurrency must be at least 1, got ${concurrency}`, { key: 'concurrency' });
    if (!(queueLimit >= 1)) throw new InvalidInputError(`Subscription queueLimit must be at least 1, got ${queueLimit}`, { key: 'queueLimit' });
    const sub = new Subscription(
      this,
      compileTopicPattern(pattern),
      handler as EventHandler<AnyEvent>,
      options.name ?? pattern,
      concurrency,
      queueLimit,
      options.overflow ?? BLOCK,
    );
    this.subscriptions.push(sub);
    this.routes.clear();
    return toDisposable(() => this.unsubscribe(sub));
  }

  recent(limit?: number): readonly AnyEvent[] {
    return this.ring.toArray(limit);
  }

  idle(): Promise<void> {
    if (this.counters.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Current counters. */
  stats(): BusStats {
    return { ...this.counters, subscriptions: this.subscriptions.length };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const sub of [...this.subscriptions]) this.unsubscribe(sub);
    this.ring.clear();
    this.counters.pending = 0;
    this.releaseIdle();
  }

  // ---- internals -------------------------------------------------------------------------------

  private route(topic: string): Subscription[] {
    const subs = this.subscriptions.filter((s) => s.matcher.matches(topic));
    this.routes.set(topic, subs);
    return subs;
  }

  /** Hands an event to one subscription; returns a promise when the publisher must wait. */
  private deliver(sub: Subscription, event: AnyEvent): Promise<void> | undefined {
    if (sub.inflight < sub.concurrency && sub.queue.length === 0 && this.depth < this.maxSyncDepth) {
      this.counters.pending++;
      this.invoke(sub, event);
      return undefined;
    }
    if (sub.queue.length >= sub.queueLimit) {
      if (sub.overflow === 'drop-newest') {
        this.noteDrop(sub);
        return undefined;
      }
      if (sub.overflow === 'drop-oldest') {
        sub.queue.shift();
        this.counters.pending--;
        this.noteDrop(sub);
      }
    }
    sub.queue.push(event);
    this.counters.pending++;
    this.schedule(sub);
    if (sub.overflow === BLOCK && sub.queue.length > sub.queueLimit) {
      return new Promise<void>((resolve) => sub.waiters.push(resolve));
    }
    return undefined;
  }

  private invoke(sub: Subscription, event: AnyEvent): void {
    sub.inflight++;
    this.depth++;
    let result: void | Promise<void>;
    try {
      result = sub.handler(event);
    } catch (error) {
      this.depth--;
      this.fail(sub, event, error);
      return;
    }
    this.depth--;
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      (result as Promise<void>).then(sub.onDone, (error: unknown) => this.fail(sub, event, error));
    } else {
      this.completed(sub);
    }
  }

  /** Called when a handler finishes: frees its slot and pulls the next queued event. */
  completed(sub: Subscription): void {
    sub.inflight--;
    if (this.disposed) return;
    this.counters.delivered++;
    this.counters.pending--;
    if (sub.queue.length > 0 && !sub.disposed) this.pump(sub);
    if (this.counters.pending === 0 && this.idleWaiters.length > 0) this.releaseIdle();
  }

  private fail(sub: Subscription, event: AnyEvent, error: unknown): void {
    this.counters.failed++;
    const isReport = event.topic === 'bus.handler_failed';
    this.completed(sub);
    if (isReport || this.disposed || sub.disposed) return;
    // Isolated: the failure becomes an event, never an exception in the publisher.
    this.publish(
      'bus.handler_failed',
      { subscription: sub.name, topic: event.topic, eventId: event.id, error: errorMessage(error) },
      { causedBy: event, source: 'bus' },
    ).catch(() => undefined);
  }

  private schedule(sub: Subscription): void {
    if (sub.scheduled) return;
    sub.scheduled = true;
    queueMicrotask(() => {
      sub.scheduled = false;
      if (!sub.disposed) this.pump(sub);
    });
  }

  private pump(sub: Subscription): void {
    while (sub.inflight < sub.concurrency && sub.queue.length > 0) {
      if (this.depth >= this.maxSyncDepth) {
        this.schedule(sub);
        return;
      }
      const event = sub.queue.shift()!;
      this.releaseWaiters(sub);
      this.invoke(sub, event);
    }
  }

  private releaseWaiters(sub: Subscription): void {
    if (sub.waiters.length === 0 || sub.queue.length > sub.queueLimit) return;
    // Room again: release publishers in arrival order, one per free slot.
    let room = sub.queueLimit - sub.queue.length + 1;
    while (room-- > 0 && sub.waiters.length > 0) sub.waiters.shift()!();
  }

  private noteDrop(sub: Subscription): void {
    this.counters.dropped++;
    sub.droppedSinceReport++;
    if (sub.dropTimer !== undefined || sub.disposed) return;
    const wait = Math.max(0, sub.lastDropReport + this.dropReportIntervalMs - Date.now());
    sub.dropTimer = setTimeout(() => {
      sub.dropTimer = undefined;
      sub.lastDropReport = Date.now();
      const dropped = sub.droppedSinceReport;
      sub.droppedSinceReport = 0;
      if (dropped > 0 && !sub.disposed && !this.disposed) {
        this.publish('bus.dropped', { subscription: sub.name, dropped }, { source: 'bus' }).catch(() => undefined);
      }
    }, wait);
    sub.dropTimer.unref();
  }

  private unsubscribe(sub: Subscription): void {
    if (sub.disposed) return;
    sub.disposed = true;
    const index = this.subscriptions.indexOf(sub);
    if (index >= 0) this.subscriptions.splice(index, 1);
    this.routes.clear();
    if (sub.dropTimer !== undefined) clearTimeout(sub.dropTimer);
    sub.dropTimer = undefined;
    this.counters.pending -= sub.queue.length;
    sub.queue.clear();
    // A publisher blocked on a subscription that went away is released: nothing is left to wait for.
    for (const release of sub.waiters.splice(0)) release();
    if (this.counters.pending === 0) this.releaseIdle();
  }

  private releaseIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
