/**
 * `orchestra serve` runs the GitHub App's webhook endpoint (plus /healthz and /metrics);
 * `orchestra worker` runs review workers that take the app's jobs from Redis. Both read Probot's
 * standard variables (see github-app/app-settings.ts) and stop cleanly on SIGINT or SIGTERM.
 */
import { watch } from 'chokidar';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { FILE_AGENTS } from '../../agents/review/swarm/analyze-batch.js';
import { isReviewable } from '../../agents/review/swarm/collect-files.js';
import { defaultCacheDir } from '../../agents/review/swarm/review-cache.js';
import { WorkspaceSession, type ReviewSettings } from '../../agents/session/workspace-session.js';
import { createMetrics } from '../../shared/telemetry/create-metrics.js';
import { recordRuntimeMetrics } from '../../shared/telemetry/record-runtime-metrics.js';
import { dashboardRoutes, type Routes } from '../dashboard-routes.js';
import { appSettingsFromEnv, redactedSettings } from '../../github-app/app-settings.js';
import { startAppServer, startAppWorker } from '../../github-app/server.js';
import { ExitCode, UsageError, type Command, type CommandIO } from '../command.js';
import { orchestraVersion, packageRoot, workerModuleUrl } from '../paths.js';

const IGNORED = /(^|[/\\])(node_modules|\.git|dist|build|coverage)([/\\]|$)/;

const variables = `Environment (Probot's variables):
  APP_ID                 the GitHub App's numeric id
  PRIVATE_KEY            the app's private key (PEM text, \\n escapes or base64), or
  PRIVATE_KEY_PATH       a file holding it
  WEBHOOK_SECRET         the webhook secret (required: unsigned deliveries are refused)
  GHE_HOST, GHE_PROTOCOL GitHub Enterprise Server host and protocol (default github.com)
  PORT, HOST             where to listen (default 3000 on 127.0.0.1; PORT=0 picks a free port)
  WEBHOOK_PATH           default /api/github/webhooks
  ORCHESTRA_REDIS_URL    redis://host:port/db: queue reviews on Redis for \`orchestra worker\` processes
                         (never REDIS_URL, which Probot uses for its rate limiter)
  LOG_LEVEL              trace, debug, info (default), warn, error, fatal
A .env file in the working directory is read too; variables already set win.`;

const serveUsage = `Usage: orchestra serve [PATH] [--port N] [--no-dashboard] [--no-worker] [--concurrency N]

Runs Orchestra on a folder (default: the current one): reviews it, re-reviews what changes, and
serves the live dashboard (GET /), a chat panel (GET /chat), GET /healthz, GET /metrics
(Prometheus) and GET /agents. Ctrl-C stops it.

With the GitHub App's variables set (APP_ID, a private key, WEBHOOK_SECRET), the same server is the
app's webhook endpoint (POST WEBHOOK_PATH): pull requests, pushes to the default branch,
re-requested checks and /orchestra commands in PR comments are queued and reviewed, in this process
or, with ORCHESTRA_REDIS_URL, also by any number of \`orchestra worker\` processes.

  --port N           port (default PORT, else 3000; 0 picks a free port)
  --no-dashboard     no workspace session: only the GitHub App
  --no-worker        with ORCHESTRA_REDIS_URL: only receive and queue; workers elsewhere review
  --concurrency N    reviews at once in this process (default 2)

${variables}`;

const workerUsage = `Usage: orchestra worker [--concurrency N]

Takes the GitHub App's review and command jobs from Redis (ORCHESTRA_REDIS_URL) and runs them. Start
any number, on any machine with the same settings; a worker killed mid-review leaves its job to
another (the review is posted once).

  --concurrency N    reviews at once in this process (default 2)

${variables}`;

/** The environment with a .env file of the working directory underneath it. */
export function environmentWithDotenv(io: CommandIO): NodeJS.ProcessEnv {
  const file = join(io.cwd, '.env');
  if (!existsSync(file)) return io.env;
  let parsed: NodeJS.Dict<string>;
  try {
    parsed = parseEnv(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`Could not read ${file}: ${(error as Error).message}. Fix or remove it.`);
  }
  return { ...parsed, ...io.env };
}

function concurrencyOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--concurrency must be a whole number from 1 to 64; got "${value}".`);
  return n;
}

/** Resolves on SIGINT/SIGTERM (or the test's abort). */
function untilStopped(signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const stop = (name: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', () => stop('abort'), { once: true });
  });
}

const APP_VARIABLES = ['APP_ID', 'WEBHOOK_SECRET', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH'] as const;

/** Reads PORT and HOST for a server without the GitHub App. */
function listenSettings(env: NodeJS.ProcessEnv, portOption: string | undefined): { port: number; host: string } {
  const rawPort = portOption ?? env.PORT;
  const port = rawPort === undefined || rawPort === '' ? 3000 : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`${portOption !== undefined ? '--port' : 'PORT'} must be a whole number from 0 to 65535 (0 picks a free port); got "${rawPort}".`);
  const host = env.HOST?.trim() || '127.0.0.1';
  return { port, host };
}

async function runHost(kind: 'serve' | 'worker', args: string[], io: CommandIO & { signal?: AbortSignal }): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: kind === 'serve', options: { 'no-worker': { type: 'boolean' }, 'no-dashboard': { type: 'boolean' }, concurrency: { type: 'string' }, port: { type: 'string' } } });
  if (kind === 'worker' && (values['no-worker'] || values['no-dashboard'] || values.port)) throw new UsageError('--no-worker, --no-dashboard and --port are options of orchestra serve.');
  if (positionals.length > 1) throw new UsageError(`Serve one folder at a time; got ${positionals.length}.`);
  const env = environmentWithDotenv(io);
  const concurrency = concurrencyOf(values.concurrency);
  const withApp = kind === 'worker' || APP_VARIABLES.some((name) => (env[name] ?? '') !== '');
  const settings = withApp ? appSettingsFromEnv(values.port !== undefined ? { ...env, PORT: values.port } : env, { cwd: io.cwd }) : undefined;
  if (values['no-worker'] && !settings?.redisUrl) throw new UsageError('--no-worker needs the GitHub App with ORCHESTRA_REDIS_URL: without Redis, no other process would review.');

  if (kind === 'worker') {
    const runtime = await startAppWorker({ settings: settings!, version: orchestraVersion(), workerModule: workerModuleUrl(), ...(concurrency ? { concurrency } : {}) });
    io.stderr.write(`orchestra worker: taking jobs from ${redactedSettings(settings!).redisUrl ?? 'Redis'}\n`);
    const why = await untilStopped(io.signal);
    io.stderr.write(`orchestra worker: ${why}, finishing running reviews…\n`);
    await runtime.close();
    return ExitCode.Ok;
  }

  // The workspace: a session on the folder, reviewed at start and on every change.
  const root = resolve(io.cwd, positionals[0] ?? '.');
  const workspace = values['no-dashboard'] ? undefined : await startWorkspace(root, io);
  const routes = workspace?.routes;
  let closeServer: () => Promise<void>;
  let url: string;
  if (settings) {
    const server = await startAppServer({ settings, version: orchestraVersion(), workerModule: workerModuleUrl(), worker: !values['no-worker'], ...(concurrency ? { concurrency } : {}), ...(routes ? { routes } : {}) });
    url = server.url;
    closeServer = () => server.close();
    io.stderr.write(`orchestra serve: GitHub App webhooks at POST ${url}${settings.webhookPath}\n`);
  } else {
    const { port, host } = listenSettings(env, values.port);
    const server = await startPlainServer(port, host, workspace);
    url = server.url;
    closeServer = server.close;
    io.stderr.write('orchestra serve: no GitHub App variables set (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET): serving the dashboard only.\n');
  }
  io.stderr.write(`orchestra serve: listening on ${url}${workspace ? ` (dashboard: ${url}/, chat: ${url}/chat, reviewing ${root})` : ''}, health: ${url}/healthz, metrics: ${url}/metrics\n`);
  const why = await untilStopped(io.signal);
  io.stderr.write(`orchestra serve: ${why}, stopping…\n`);
  await closeServer();
  await workspace?.close();
  return ExitCode.Ok;
}

interface Workspace {
  session: WorkspaceSession;
  routes: Routes;
  close(): Promise<void>;
}

/** Starts the workspace session on `root`: a first full review, then reviews of what changes. */
async function startWorkspace(root: string, io: CommandIO): Promise<Workspace> {
  if (!existsSync(root)) throw new UsageError(`${root} does not exist: give orchestra serve a folder to review.`);
  const session = await WorkspaceSession.create({ root, version: orchestraVersion(), ...(workerModuleUrl() ? { workerModule: workerModuleUrl()! } : {}), threads: 1, cacheDir: defaultCacheDir(root, io.env) });
  const settings = (): ReviewSettings => ({ agents: [...FILE_AGENTS], newCodeOnly: false });
  const log = (line: string) => io.stderr.write(`orchestra serve: ${line}\n`);
  if (session.configProblem) log(`config invalid, defaults apply: ${session.configProblem}`);
  const routes = dashboardRoutes({ session, webviewDir: join(packageRoot(), 'extension', 'dist', 'webview'), settings, log });
  void session.review(undefined, settings()).then(
    (r) => log(`reviewed ${r.filesReviewed} file(s): ${r.findings.filter((f) => f.shouldReport !== false && !f.suppressed).length} finding(s)`),
    (e: unknown) => log(`the first review failed: ${(e as Error).message}`),
  );
  const watcher = watch(root, { ignored: (path: string) => IGNORED.test(path), ignoreInitial: true });
  const onChange = (path: string) => {
    const rel = relative(root, path).split(sep).join('/');
    if (/^(orchestra\.config\.(json|ya?ml)|\.github\/orchestra\.yml)$/.test(rel)) {
      void session.reloadConfig().then(() => log(session.configProblem ? `config invalid, defaults apply: ${session.configProblem}` : 'config reloaded'));
      return;
    }
    if (isReviewable(rel) && !session.lowPower) session.scheduleReview([rel], settings(), 150).catch((e: unknown) => log(`review of ${rel} failed: ${(e as Error).message}`));
  };
  watcher.on('add', onChange).on('change', onChange);
  const git = await session.watchGit();
  return {
    session,
    routes,
    close: async () => {
      routes.close();
      git.dispose();
      await watcher.close();
      await session.close();
    },
  };
}

/** The server without the GitHub App: dashboard routes, /healthz, /metrics, /agents. */
async function startPlainServer(port: number, host: string, workspace: Workspace | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const metrics = createMetrics();
  const unrecord = workspace ? recordRuntimeMetrics(workspace.session.bus, metrics) : undefined;
  const started = Date.now();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method === 'GET' && path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: orchestraVersion(), uptimeS: Math.round((Date.now() - started) / 1000), githubApp: false, workspace: workspace?.session.root ?? null }));
        return;
      }
      if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.contentType }).end(await metrics.metricsText());
        return;
      }
      if (req.method === 'GET' && path === '/agents') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ agents: workspace?.session.agents() ?? [] }));
        return;
      }
      if (workspace && (await workspace.routes(req, res))) return;
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `Not found: ${req.method ?? ''} ${path ?? ''}` }));
    };
    answer().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: async () => {
      workspace?.routes.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      unrecord?.dispose();
      metrics.dispose();
    },
  };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Watch and review a folder, serve the dashboard; the GitHub App endpoint when configured',
  usage: serveUsage,
  run: (args, io) => runHost('serve', args, io),
};

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run GitHub App review workers that take jobs from Redis',
  usage: workerUsage,
  run: (args, io) => runHost('worker', args, io),
};
