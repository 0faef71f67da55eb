/**
 * The GitHub App's HTTP server: the signed webhook endpoint (Probot's middleware on node:http),
 * `/healthz` and `/metrics` (Prometheus). Webhook handlers only enqueue; with no Redis the queue is
 * in-process and this process reviews, with ORCHESTRA_REDIS_URL jobs go to BullMQ and any number of
 * `orchestra worker` processes (and this one, unless told not to) take them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Probot, ProbotOctokit, createNodeMiddleware } from 'probot';
import { Counter, Gauge } from 'prom-client';
import { ReviewSwarm } from '../agents/review/swarm/review-swarm.js';
import type { EventBus } from '../shared/bus/event-bus.js';
import { InProcessEventBus } from '../shared/bus/in-process-bus.js';
import { RedisBusBridge } from '../shared/bus/redis-bus-bridge.js';
import { errorMessage } from '../shared/errors/errors.js';
import { ClusterRegistry, type ClusterAgent } from '../shared/runtime/cluster-registry.js';
import { BullMqTaskQueue } from '../shared/queue/bullmq-task-queue.js';
import { InProcessTaskQueue } from '../shared/queue/in-process-task-queue.js';
import type { TaskQueue } from '../shared/queue/task-queue.js';
import { createLogger } from '../shared/telemetry/create-logger.js';
import { createMetrics, type Metrics } from '../shared/telemetry/create-metrics.js';
import { orchestraApp, type AppJobs } from './app.js';
import type { AppSettings } from './app-settings.js';
import { registerAppWorkers } from './worker.js';

/** Options of {@link startAppServer} and {@link startAppWorker}. */
export interface AppRuntimeOptions {
  settings: AppSettings;
  /** Orchestra's version (cache keys, /healthz). */
  version: string;
  /** The compiled review worker module, for the review swarm's thread pool. */
  workerModule?: URL | undefined;
  /** Worker threads of the review swarm; default: cores − 1. */
  threads?: number;
  /** Process review jobs in this process (default true). With Redis, false makes it an ingress only. */
  worker?: boolean;
  /** Review jobs at once in this process. Default 2. */
  concurrency?: number;
  /** The Octokit class (tests turn throttling and retries off); default Probot's. */
  Octokit?: typeof ProbotOctokit;
  /** Where logs go; default standard output. */
  logDestination?: string | number | { write(line: string): void };
  /** More routes on the same server (the dashboard of `orchestra serve`): answered before the 404. */
  routes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** BullMQ lock and stalled-job check intervals (with Redis); default 30 s each. Tests shorten them. */
  queueOptions?: { lockDurationMs?: number; stalledIntervalMs?: number };
}

/** A running app process. */
export interface AppRuntime {
  readonly queue: TaskQueue<AppJobs>;
  readonly probot: Probot;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** This process's bus (bridged to the other processes' over Redis when ORCHESTRA_REDIS_URL is set). */
  readonly bus: EventBus;
  /** Live agents of every process (with Redis), or of this one. */
  agents(): Promise<ClusterAgent[] | { id: string; kind: string; status: string }[]>;
  close(): Promise<void>;
}

/** A running server: its URL and port besides the runtime. */
export interface AppServer extends AppRuntime {
  readonly url: string;
  readonly port: number;
}

function createQueue(settings: AppSettings, bus: EventBus, queueOptions: AppRuntimeOptions['queueOptions'] = {}): TaskQueue<AppJobs> {
  return settings.redisUrl ? new BullMqTaskQueue<AppJobs>({ ...queueOptions, redisUrl: settings.redisUrl, name: 'github-app', bus }) : new InProcessTaskQueue<AppJobs>({ name: 'github-app', bus });
}

/** Topics the app's processes share over Redis: agent lifecycle and tasks, job outcomes, findings. */
export const CLUSTER_TOPICS = ['agent.**', 'task.*', 'finding.reported', 'error.detected'] as const;

async function startRuntime(options: AppRuntimeOptions, name: string): Promise<AppRuntime & { swarm?: ReviewSwarm; stopWorkers?: () => void }> {
  const { settings } = options;
  const log = createLogger({ name, level: settings.logLevel, ...(options.logDestination !== undefined ? { destination: options.logDestination as never } : {}) });
  for (const warning of settings.warnings) log.warn(warning);
  const Octokit = options.Octokit ?? ProbotOctokit;
  const probot = new Probot({ appId: settings.appId, privateKey: settings.privateKey, secret: settings.webhookSecret, baseUrl: settings.baseUrl, log: log.child({ name: 'probot' }), Octokit });
  const bus = new InProcessEventBus();
  const queue = createQueue(settings, bus, options.queueOptions);
  const metrics = createMetrics();
  const jobs = new Counter({ name: 'orchestra_github_jobs_total', help: 'GitHub App jobs finished in this process, by job name and outcome.', labelNames: ['job', 'outcome'], registers: [metrics.registry] });
  new Gauge({
    name: 'orchestra_github_queue_jobs',
    help: 'GitHub App jobs in the queue, by state (shared across processes with Redis).',
    labelNames: ['state'],
    registers: [metrics.registry],
    async collect() {
      const counts = await queue.counts().catch(() => undefined);
      if (counts) for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  const subscriptions = [
    queue.onDidComplete((e) => jobs.inc({ job: e.job.name, outcome: 'completed' })),
    queue.onDidFail((e) => {
      if (e.final) jobs.inc({ job: e.job.name, outcome: 'failed' });
      log.error({ job: e.job.name, jobId: e.job.id, attempt: e.job.attemptsMade, final: e.final, err: e.error }, `GitHub App job failed: ${errorMessage(e.error)}`);
    }),
    queue.onDidCancel((e) => jobs.inc({ job: e.job.name, outcome: 'cancelled' })),
  ];
  let swarm: ReviewSwarm | undefined;
  let workers: { dispose(): void } | undefined;
  if (options.worker ?? true) {
    swarm = await ReviewSwarm.create({ version: options.version, cacheDir: false, bus, ...(options.workerModule ? { workerModule: options.workerModule } : {}), ...(options.threads !== undefined ? { workers: options.threads } : {}) });
    workers = registerAppWorkers({ queue, probot, swarm, ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
  }
  // With Redis, the processes share their bus events and list each other's live agents.
  const onClusterError = (error: unknown) => log.warn({ err: error }, `cluster: ${errorMessage(error)}`);
  const bridge = settings.redisUrl ? new RedisBusBridge({ bus, redisUrl: settings.redisUrl, topics: [...CLUSTER_TOPICS], onUnexpectedError: onClusterError }) : undefined;
  const registry = settings.redisUrl ? new ClusterRegistry({ host: { list: () => swarm?.agents() ?? [] }, redisUrl: settings.redisUrl, bus, onUnexpectedError: onClusterError }) : undefined;
  const agents = async () => registry ? registry.list() : (swarm?.agents() ?? []).map((a) => ({ id: a.id, kind: a.kind, status: a.health.status }));
  const close = async () => {
    workers?.dispose();
    await queue.close({ graceMs: 5_000 });
    for (const s of subscriptions) s.dispose();
    await registry?.close();
    await bridge?.close();
    await swarm?.close();
    bus.dispose();
    metrics.dispose();
    log.dispose();
  };
  return { queue, probot, metrics, log, bus, agents, close };
}

function respond(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Starts `orchestra serve`: the webhook endpoint, /healthz and /metrics.
 * Deliveries with a missing or wrong `X-Hub-Signature-256` are refused (400/401) before any handler runs.
 */
export async function startAppServer(options: AppRuntimeOptions): Promise<AppServer> {
  const runtime = await startRuntime(options, 'orchestra-serve');
  const { settings } = options;
  const webhooks = new Counter({ name: 'orchestra_github_webhooks_total', help: 'Webhook deliveries received, by event and HTTP status.', labelNames: ['event', 'status'], registers: [runtime.metrics.registry] });
  const middleware = await createNodeMiddleware(orchestraApp({ queue: runtime.queue }), { probot: runtime.probot, webhooksPath: settings.webhookPath });
  const started = Date.now();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const counts = await runtime.queue.counts().catch(() => undefined);
      respond(res, counts ? 200 : 503, 'application/json', JSON.stringify({ status: counts ? 'ok' : 'queue unavailable', version: options.version, uptimeS: Math.round((Date.now() - started) / 1000), queue: counts ?? null, redis: Boolean(settings.redisUrl) }));
      return;
    }
    if (req.method === 'GET' && path === '/agents') {
      respond(res, 200, 'application/json', JSON.stringify({ agents: await runtime.agents() }));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      respond(res, 200, runtime.metrics.contentType, await runtime.metrics.metricsText());
      return;
    }
    if (path === settings.webhookPath) {
      const event = String(req.headers['x-github-event'] ?? 'unknown').slice(0, 60).replace(/[^\w.-]/g, '_');
      res.once('finish', () => webhooks.inc({ event: runtime.metrics.label('topic', event), status: String(res.statusCode) }));
    }
    if (path !== settings.webhookPath && options.routes && (await options.routes(req, res))) return;
    const handled = await middleware(req, res);
    if (!handled && !res.headersSent) respond(res, 404, 'application/json', JSON.stringify({ error: `Not found: ${req.method ?? ''} ${path ?? ''}. Webhooks go to POST ${settings.webhookPath}.` }));
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      runtime.log.error({ err: error }, 'request failed');
      if (!res.headersSent) respond(res, 500, 'application/json', '{"error":"internal error"}');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}`;
  runtime.log.info({ url, webhookPath: settings.webhookPath, queue: settings.redisUrl ? 'bullmq' : 'in-process', worker: options.worker ?? true }, `orchestra serve listening on ${url}`);
  let closing: Promise<void> | undefined;
  return {
    ...runtime,
    url,
    port,
    close: () => (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.close();
    })()),
  };
}

/** Starts `orchestra worker`: review and command jobs from Redis, no HTTP. */
export async function startAppWorker(options: AppRuntimeOptions): Promise<AppRuntime> {
  if (!options.settings.redisUrl) throw new Error('orchestra worker takes jobs from Redis: set ORCHESTRA_REDIS_URL (e.g. redis://127.0.0.1:6379). Without Redis, orchestra serve reviews in its own process.');
  const runtime = await startRuntime({ ...options, worker: true }, 'orchestra-worker');
  runtime.log.info('orchestra worker taking review jobs from Redis');
  return runtime;
}
