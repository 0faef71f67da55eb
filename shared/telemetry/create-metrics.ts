/**
 * Prometheus metrics for one host (extension, GitHub App, CLI). Each call makes its own
 * prom-client `Registry` rather than using the global default one, so two hosts in one process, or
 * two tests, never collide. The instruments are typed by their label names; `metricsText()` is
 * the body of a `/metrics` endpoint.
 *
 * Label values come from agent ids, topics and subscription names. A swarm may have thousands of
 * agents, and every distinct label value is a time series, so {@link Metrics.label} caps the
 * distinct values per label name and folds the rest into `"other"`.
 */
import { Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';
import { InvalidInputError } from '../errors/errors.js';
import { toDisposable, type Disposable } from '../lifecycle/disposable.js';

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Prefix of every metric name. Default `"orchestra_"`. */
  prefix?: string;
  /** Labels added to every series, e.g. `{ host: 'github-app' }`. */
  defaultLabels?: Record<string, string>;
  /** Distinct values kept per label name before folding into `"other"`. Default 500. */
  maxLabelValues?: number;
  /** Buckets of the task duration histogram, in seconds. */
  durationBuckets?: number[];
}

/** Label names that {@link Metrics.label} caps. */
export type MetricLabel = 'agent' | 'topic' | 'subscription' | 'queue';

/** A counter series for hot paths: increments are summed in memory and added at scrape time. */
export interface BoundCounter {
  inc(value?: number): void;
}

/** The instruments of one host, plus the text exposition. Dispose to drop every series. */
export interface Metrics extends Disposable {
  readonly registry: Registry;
  /** Content type of {@link metricsText}'s output, for the HTTP response. */
  readonly contentType: string;
  /** Events published, by topic. */
  readonly eventsPublished: Counter<'topic'>;
  /** Events handed to a subscription's handler, by subscription name. */
  readonly eventsDelivered: Counter<'subscription'>;
  /** Events dropped by a full drop-oldest / drop-newest subscription. */
  readonly eventsDropped: Counter<'subscription'>;
  /** Handlers that threw or rejected, by subscription and topic. */
  readonly handlerErrors: Counter<'subscription' | 'topic'>;
  readonly tasksStarted: Counter<'agent'>;
  readonly tasksCompleted: Counter<'agent'>;
  /** Failed tasks; `reason` is `error` or `timeout`. */
  readonly tasksFailed: Counter<'agent' | 'reason'>;
  /** Cancelled tasks: not failures, counted apart. */
  readonly tasksCancelled: Counter<'agent'>;
  /** Task duration in seconds; `outcome` is `completed`, `failed`, `timed_out` or `cancelled`. */
  readonly taskDuration: Histogram<'agent' | 'outcome'>;
  /** Items waiting per queue, sampled at scrape time from {@link trackQueueDepth} samplers. */
  readonly queueDepth: Gauge<'queue'>;
  /** Errors attributed to an agent; `kind` is `task_failed`, `timeout`, `crash` or `circuit_open`. */
  readonly agentErrors: Counter<'agent' | 'kind'>;
  /** Returns `value`, or `"other"` once this label name already has the maximum of distinct values. */
  label(name: MetricLabel, value: string): string;
  /**
   * A hot-path handle on one series of a counter made here. prom-client hashes the labels on every
   * `inc`, even through `labels()`; this handle adds to a plain number and the sum is moved into
   * the counter when it is read (scrape, `get()`), so the text is always exact.
   */
  bind<L extends string>(counter: Counter<L>, labels: LabelValues<L>): BoundCounter;
  /** Reports a queue's depth at every scrape; dispose to stop (its series disappears). */
  trackQueueDepth(queue: string, sample: () => number): Disposable;
  /** The Prometheus text exposition of every instrument. */
  metricsText(): Promise<string>;
}

/** Seconds: from a 1 ms check to a 10 minute test run. */
const DEFAULT_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

/** Creates a registry and the instruments of one host. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? 'orchestra_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw new InvalidInputError(`Metric prefix "${prefix}" is invalid: use letters, digits, _ and :, not starting with a digit.`, { key: 'prefix' });
  }
  const maxLabelValues = options.maxLabelValues ?? 500;
  if (!Number.isInteger(maxLabelValues) || maxLabelValues < 1) {
    throw new InvalidInputError(`maxLabelValues must be a positive integer, got ${maxLabelValues}.`, { key: 'maxLabelValues' });
  }
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  const registers = [registry];
  /** Pending sums of bound series, per counter, flushed by the counter's `collect`. */
  const pending = new Map<Counter<string>, Map<string, { labels: LabelValues<string>; delta: number }>>();
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({
      name: prefix + name,
      help,
      labelNames,
      registers,
      collect() {
        const cells = pending.get(this as Counter<string>);
        if (!cells) return;
        for (const cell of cells.values()) {
          if (cell.delta === 0) continue;
          this.inc(cell.labels as LabelValues<L>, cell.delta);
          cell.delta = 0;
        }
      },
    });

  const samplers = new Map<string, () => number>();
  const queueDepth = new Gauge<'queue'>({
    name: `${prefix}queue_depth`,
    help: 'Items waiting in a queue (bus subscriptions, task queues), sampled at scrape time.',
    labelNames: ['queue'],
    registers,
    collect() {
      for (const [queue, sample] of samplers) {
        try {
          const value = sample();
          if (Number.isFinite(value)) this.set({ queue }, value);
        } catch {
          // A failing sampler must not break the whole scrape; its last value stays.
        }
      }
    },
  });

  const seen = new Map<MetricLabel, Set<string>>();
  let disposed = false;

  return {
    registry,
    contentType: registry.contentType,
    eventsPublished: counter('events_published_total', 'Events published on the bus, by topic.', ['topic']),
    eventsDelivered: counter('events_delivered_total', "Events handed to a subscription's handler.", ['subscription']),
    eventsDropped: counter('events_dropped_total', 'Events dropped by a full subscription queue (drop-oldest / drop-newest).', ['subscription']),
    handlerErrors: counter('handler_errors_total', 'Event handlers that threw or rejected.', ['subscription', 'topic']),
    tasksStarted: counter('tasks_started_total', 'Tasks an agent started.', ['agent']),
    tasksCompleted: counter('tasks_completed_total', 'Tasks an agent completed.', ['agent']),
    tasksFailed: counter('tasks_failed_total', 'Tasks that failed (reason: error or timeout).', ['agent', 'reason']),
    tasksCancelled: counter('tasks_cancelled_total', 'Tasks cancelled by their caller or a shutdown (not failures).', ['agent']),
    taskDuration: new Histogram<'agent' | 'outcome'>({
      name: `${prefix}task_duration_seconds`,
      help: 'Task duration in seconds, by agent and outcome.',
      labelNames: ['agent', 'outcome'],
      buckets: options.durationBuckets ?? DEFAULT_DURATION_BUCKETS,
      registers,
    }),
    queueDepth,
    agentErrors: counter('agent_errors_total', 'Errors attributed to an agent (failed or timed-out tasks, crashes, opened circuits).', ['agent', 'kind']),
    label(name, value) {
      let values = seen.get(name);
      if (!values) seen.set(name, (values = new Set()));
      if (values.has(value)) return value;
      if (values.size >= maxLabelValues) return 'other';
      values.add(value);
      return value;
    },
    bind(target, labels) {
      const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
      let cells = pending.get(target as Counter<string>);
      if (!cells) pending.set(target as Counter<string>, (cells = new Map()));
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { labels, delta: 0 }));
      const bound = cell;
      return {
        inc(value = 1) {
          bound.delta += value;
        },
      };
    },
    trackQueueDepth(queue, sample) {
      const name = this.label('queue', queue);
      if (disposed) return toDisposable(() => {});
      samplers.set(name, sample);
      return toDisposable(() => {
        if (samplers.get(name) !== sample) return;
        samplers.delete(name);
        queueDepth.remove({ queue: name });
      });
    },
    metricsText() {
      return registry.metrics();
    },
    dispose() {
      disposed = true;
      samplers.clear();
      seen.clear();
      pending.clear();
      registry.clear();
    },
  };
}
