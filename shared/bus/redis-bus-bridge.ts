/**
 * Carries a local {@link EventBus} across processes over Redis pub/sub (`ORCHESTRA_REDIS_URL`), so
 * agents in several processes see each other's events.
 *
 * - Out: local events on the chosen topic patterns are encoded, batched (flushed on the next turn of
 *   the event loop, after `flushDelayMs`, or when a batch is full) and published on one channel.
 * - In: batches from other bridges on the channel are checked (redis-bus-wire.ts) and re-published
 *   on the local bus with their original id, trace id, causation id and timestamp, marked with
 *   `origin` (the sending bridge's node id). Marked events are never forwarded: no echo loops. A
 *   bridge ignores its own messages, and events on topics it does not carry.
 * - Delivery across processes is at most once, as Redis pub/sub itself: a process that is not
 *   subscribed at the moment misses the event, and a batch that Redis refuses is dropped and reported.
 *   Work that must not be lost goes through the task queue instead.
 * - Malformed or hostile messages (not JSON, wrong shapes, unknown topics, too large) are dropped,
 *   counted in {@link RedisBusBridge.stats} and reported to `onUnexpectedError`; they never throw.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { errorMessage, InvalidInputError, isCancellation, QueueOverflowError } from '../errors/errors.js';
import type { Disposable } from '../lifecycle/disposable.js';
import { bullmqConnection, redisUrlFromEnv } from '../queue/bullmq-connection.js';
import { closeRedis } from '../queue/close-redis.js';
import type { EventBus } from './event-bus.js';
import { batchOverhead, decodeBatch, encodeBatch, encodeEvent, type DecodedBatch, type WireEvent } from './redis-bus-wire.js';
import { compileTopicPattern, type TopicMatcher } from './topic-pattern.js';
import type { AnyEvent, TopicPattern } from './topics.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Schema of the bridge's tunables (everything but the bus, the URL and the error callback). */
export const redisBusBridgeSettingsSchema = z.strictObject({
  /** Topic patterns forwarded to other processes and accepted from them (`*`, `**` as on the bus). */
  topics: z.array(z.string()).min(1).describe('Topic patterns carried across processes, in both directions.'),
  /** The Redis channel; processes that should see each other's events must agree on it. */
  channel: z.string().min(1).max(256).default('orchestra:bus').describe('Redis pub/sub channel of the bus.'),
  /** This bridge's id in `origin`; unique per bridge. Default `host:pid:random`. */
  nodeId: z.string().min(1).max(256).optional().describe('Id of this bridge, unique in the cluster.'),
  /** Extra milliseconds a batch waits for more events; 0 flushes on the next turn of the event loop. */
  flushDelayMs: z.number().int().min(0).max(MAX_TIMER_MS).default(0).describe('Milliseconds a batch waits for more events.'),
  /** Most events in one Redis message. */
  maxBatchEvents: z.number().int().min(1).max(10_000).default(500).describe('Most events in one Redis message.'),
  /** Largest Redis message sent or accepted; a larger single event is dropped and reported. */
  maxMessageBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(1024 * 1024).describe('Largest message sent or accepted, in bytes.'),
  /** Batches sent to Redis and not yet acknowledged; beyond it new batches are dropped and reported. */
  maxPendingBatches: z.number().int().min(1).default(256).describe('Unacknowledged batches before new ones are dropped.'),
  /** Incoming events the local bus has not yet accepted (backpressure); beyond it they are dropped. */
  maxPendingIncoming: z.number().int().min(1).default(10_000).describe('Incoming events waiting for the local bus before new ones are dropped.'),
});

/** Options of a {@link RedisBusBridge}. */
export interface RedisBusBridgeOptions extends Omit<z.input<typeof redisBusBridgeSettingsSchema>, 'topics'> {
  /** Topic patterns carried across processes, in both directions (`agent.*`, `error.detected`, `*` for all). */
  topics: readonly TopicPattern[];
  /** The local bus to connect. */
  bus: EventBus;
  /** `redis://host:port/db`; see {@link RedisBusBridge.fromEnv} for `ORCHESTRA_REDIS_URL`. */
  redisUrl: string;
  /** Receives dropped messages (InvalidInputError, QueueOverflowError) and Redis errors. Default: a process warning. */
  onUnexpectedError?: (error: unknown) => void;
}

/** Counters of a bridge; tests and telemetry read them. */
export interface RedisBusBridgeStats {
  /** Local events sent to Redis. */
  forwarded: number;
  /** Redis messages sent (each a batch of events). */
  batches: number;
  /** Events from other processes re-published on the local bus. */
  relayed: number;
  /** Local events not sent: not JSON, larger than a message, too many batches pending, or Redis refused them. */
  droppedOutgoing: number;
  /** Incoming messages or events refused as malformed, too large or of an unknown topic (each one reported). */
  rejectedIncoming: number;
  /** Valid incoming events on topics this bridge does not carry (not reported: other bridges may carry more). */
  ignoredIncoming: number;
  /** Valid incoming events dropped because the local bus was too far behind. */
  droppedIncoming: number;
}

/** Connects a local {@link EventBus} to the buses of other processes over Redis pub/sub. */
export class RedisBusBridge implements Disposable {
  /** This bridge's node id: `origin` of the events it sends, as seen by the others. */
  readonly nodeId: string;
  /** The Redis channel. */
  readonly channel: string;
  private readonly bus: EventBus;
  private readonly settings: z.output<typeof redisBusBridgeSettingsSchema>;
  private readonly matchers: TopicMatcher[];
  private readonly routes = new Map<string, boolean>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly localSubscription: Disposable;
  private readonly subscribed: Promise<void>;
  private readonly reportError: (error: unknown) => void;
  private readonly overhead: number;
  private readonly counters: RedisBusBridgeStats = { forwarded: 0, batches: 0, relayed: 0, droppedOutgoing: 0, rejectedIncoming: 0, ignoredIncoming: 0, droppedIncoming: 0 };
  private batch: string[] = [];
  private batchBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;
  private pendingBatches = 0;
  private pendingIncoming = 0;
  private drainWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  /** @throws InvalidInputError naming the option to fix when the URL, a topic pattern or a setting is invalid. */
  constructor(options: RedisBusBridgeOptions) {
    const { bus, redisUrl, onUnexpectedError, ...rest } = options ?? ({} as RedisBusBridgeOptions);
    if (bus === undefined || typeof bus.subscribe !== 'function') {
      throw new InvalidInputError('RedisBusBridge needs the local bus: new RedisBusBridge({ bus, redisUrl, topics })', { key: 'bus' });
    }
    const parsed = redisBusBridgeSettingsSchema.safeParse(rest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = issue.path.join('.');
      throw new InvalidInputError(`RedisBusBridge option ${key || '(options)'}: ${issue.message}`, { key });
    }
    this.settings = parsed.data;
    this.matchers = this.settings.topics.map((pattern) => compileTopicPattern(pattern));
    const connection = bullmqConnection(redisUrl, 'redisUrl');
    this.bus = bus;
    this.channel = this.settings.channel;
    this.nodeId = this.settings.nodeId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.overhead = batchOverhead(this.nodeId);
    this.reportError =
      onUnexpectedError ?? ((error) => process.emitWarning(`Redis bus bridge "${this.nodeId}": ${errorMessage(error)}`, 'RedisBusBridgeWarning'));

    // One firehose subscription filtered here: an event matching several patterns is sent once.
    // Made first: a disposed bus throws here, before any connection exists.
    this.localSubscription = bus.subscribe('*', this.onLocalEvent, { name: 'redis-bus-bridge' });
    // A publish that cannot reach Redis fails after a few retries (the batch is dropped and reported)
    // rather than waiting forever; the pending-batch limit bounds what waits meanwhile.
    this.publisher = new Redis({ ...connection, maxRetriesPerRequest: 3, connectionName: 'orchestra-bus-bridge-pub' });
    this.subscriber = new Redis({ ...connection, maxRetriesPerRequest: 3, connectionName: 'orchestra-bus-bridge-sub' });
    this.publisher.on('error', this.reportError);
    this.subscriber.on('error', this.reportError);
    this.subscriber.on('messageBuffer', this.onMessage);
    this.subscribed = this.subscriber.subscribe(this.channel).then(() => undefined);
    this.subscribed.catch(() => undefined); // surfaced by ready()
  }

  /** A bridge on the Redis named by `ORCHESTRA_REDIS_URL`. @throws InvalidInputError when it is unset or invalid. */
  static fromEnv(options: Omit<RedisBusBridgeOptions, 'redisUrl'>, env: NodeJS.ProcessEnv = process.env): RedisBusBridge {
    return new RedisBusBridge({ ...options, redisUrl: redisUrlFromEnv(env) });
  }

  /** Resolves once the bridge receives other processes' events (its Redis subscription is active). */
  ready(): Promise<void> {
    return this.subscribed;
  }

  /** A copy of the counters. */
  stats(): RedisBusBridgeStats {
    return { ...this.counters };
  }

  /**
   * Stops forwarding, sends the batch in progress, waits for unacknowledged batches, and closes both
   * Redis connections. Leaves no connection, timer or listener behind. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.localSubscription.dispose();
    this.flush();
    this.closing = this.drained()
      .then(() => Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]))
      .then(() => {
        this.subscriber.off('messageBuffer', this.onMessage);
        this.publisher.off('error', this.reportError);
        this.subscriber.off('error', this.reportError);
      });
    return this.closing;
  }

  /** Same as {@link close}, without waiting. */
  dispose(): void {
    void this.close();
  }

  // ---- out: local events to Redis --------------------------------------------------------------

  private readonly onLocalEvent = (event: AnyEvent): void => {
    if (event.origin !== undefined || this.closing !== undefined || !this.carries(event.topic)) return;
    let encoded: string;
    try {
      encoded = encodeEvent(event);
    } catch (error) {
      this.counters.droppedOutgoing++;
      this.reportError(error);
      return;
    }
    const bytes = Buffer.byteLength(encoded);
    const max = this.settings.maxMessageBytes;
    if (bytes + this.overhead > max) {
      this.counters.droppedOutgoing++;
      this.reportError(
        new InvalidInputError(
          `Event ${event.id} on "${event.topic}" was not sent to other processes: it encodes to ${bytes} bytes, more than maxMessageBytes (${max}); ` +
            'publish a reference (a path, an id) instead of the data, or raise maxMessageBytes on every bridge',
          { key: 'maxMessageBytes' },
        ),
      );
      return;
    }
    if (this.batch.length > 0 && this.overhead + this.batchBytes + this.batch.length + bytes > max) this.flush();
    this.batch.push(encoded);
    this.batchBytes += bytes;
    if (this.batch.length >= this.settings.maxBatchEvents) this.flush();
    else this.scheduleFlush();
  };

  private carries(topic: string): boolean {
    let carried = this.routes.get(topic);
    if (carried === undefined) {
      carried = this.matchers.some((matcher) => matcher.matches(topic));
      this.routes.set(topic, carried);
    }
    return carried;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.flushImmediate !== undefined) return;
    if (this.settings.flushDelayMs === 0) this.flushImmediate = setImmediate(this.flush);
    else this.flushTimer = setTimeout(this.flush, this.settings.flushDelayMs);
  }

  private readonly flush = (): void => {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    if (this.flushImmediate !== undefined) clearImmediate(this.flushImmediate);
    this.flushTimer = undefined;
    this.flushImmediate = undefined;
    const events = this.batch;
    if (events.length === 0) return;
    this.batch = [];
    this.batchBytes = 0;
    if (this.pendingBatches >= this.settings.maxPendingBatches) {
      this.counters.droppedOutgoing += events.length;
      this.reportError(
        new QueueOverflowError(
          `${events.length} events were not sent to other processes: ${this.pendingBatches} batches still wait for Redis ` +
            `(maxPendingBatches); check that Redis is reachable and keeps up`,
        ),
      );
      return;
    }
    this.pendingBatches++;
    this.publisher.publish(this.channel, encodeBatch(this.nodeId, events)).then(
      () => {
        this.counters.forwarded += events.length;
        this.counters.batches++;
        this.batchDone();
      },
      (error: unknown) => {
        this.counters.droppedOutgoing += events.length;
        this.reportError(error);
        this.batchDone();
      },
    );
  };

  private batchDone(): void {
    this.pendingBatches--;
    if (this.pendingBatches === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private drained(): Promise<void> {
    if (this.pendingBatches === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  // ---- in: other processes' events to the local bus --------------------------------------------

  private readonly onMessage = (_channel: Buffer, message: Buffer): void => {
    if (this.closing !== undefined) return;
    let decoded: DecodedBatch;
    try {
      decoded = decodeBatch(message, this.settings.maxMessageBytes);
    } catch (error) {
      this.counters.rejectedIncoming++;
      this.reportError(this.refusal('a message', error));
      return;
    }
    if (decoded.node === this.nodeId) return; // our own batch, back from Redis
    for (const problem of decoded.refused) {
      this.counters.rejectedIncoming++;
      this.reportError(this.refusal(`an event from "${decoded.node}"`, problem));
    }
    for (const event of decoded.events) this.relay(decoded.node, event);
  };

  private relay(origin: string, event: WireEvent): void {
    if (!this.carries(event.topic)) {
      // Another process carries more topics than this one wants: not an error.
      this.counters.ignoredIncoming++;
      return;
    }
    if (this.pendingIncoming >= this.settings.maxPendingIncoming) {
      this.counters.droppedIncoming++;
      this.reportError(
        new QueueOverflowError(
          `Redis bus bridge on "${this.channel}" dropped event ${event.id} ("${event.topic}") from "${origin}": ` +
            `${this.pendingIncoming} incoming events still wait for the local bus (maxPendingIncoming); a local subscriber is too slow`,
        ),
      );
      return;
    }
    this.pendingIncoming++;
    const { id, topic, traceId, causationId, timestamp, source, payload } = event;
    this.counters.relayed++;
    this.bus.publish(topic, payload, { source, relay: { id, traceId, causationId, timestamp, origin } }).then(this.incomingDone, (error: unknown) => {
      this.incomingDone();
      // A bus disposed before the bridge is a shutdown-order detail, not a failure.
      if (!isCancellation(error)) this.reportError(error);
    });
  }

  private readonly incomingDone = (): void => {
    this.pendingIncoming--;
  };

  private refusal(what: string, reason: unknown): InvalidInputError {
    const why = typeof reason === 'string' ? reason : errorMessage(reason);
    return new InvalidInputError(
      `Redis bus bridge on "${this.channel}" dropped ${what}: ${why}. Only Orchestra bus bridges of the same version may publish on this channel`,
      { key: 'channel' },
      typeof reason === 'string' ? undefined : { cause: reason },
    );
  }
}
