/**
 * `orchestra serve` runs the GitHub App's webhook endpoint (plus /healthz and /metrics);
 * `orchestra worker` runs review workers that take the app's jobs from Redis. Both read Probot's
 * standard variables (see github-app/app-settings.ts) and stop cleanly on SIGINT or SIGTERM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { appSettingsFromEnv, redactedSettings } from '../../github-app/app-settings.js';
import { startAppServer, startAppWorker, type AppRuntime } from '../../github-app/server.js';
import { ExitCode, UsageError, type Command, type CommandIO } from '../command.js';
import { orchestraVersion, workerModuleUrl } from '../paths.js';

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

const serveUsage = `Usage: orchestra serve [--no-worker] [--concurrency N]

Runs the GitHub App: POST webhooks at WEBHOOK_PATH (signed with WEBHOOK_SECRET), GET /healthz and
GET /metrics (Prometheus). Pull requests, pushes to the default branch, re-requested checks and
/orchestra commands in PR comments are queued and reviewed: in this process, or with
ORCHESTRA_REDIS_URL also by any number of \`orchestra worker\` processes.

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

async function runHost(kind: 'serve' | 'worker', args: string[], io: CommandIO & { signal?: AbortSignal }): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-worker': { type: 'boolean' }, concurrency: { type: 'string' } } });
  if (kind === 'worker' && values['no-worker']) throw new UsageError('--no-worker is an option of orchestra serve.');
  const settings = appSettingsFromEnv(environmentWithDotenv(io), { cwd: io.cwd });
  if (values['no-worker'] && !settings.redisUrl) throw new UsageError('--no-worker needs ORCHESTRA_REDIS_URL: without Redis, no other process would review.');
  const concurrency = concurrencyOf(values.concurrency);
  const common = { settings, version: orchestraVersion(), workerModule: workerModuleUrl(), ...(concurrency ? { concurrency } : {}) };
  let runtime: AppRuntime;
  if (kind === 'serve') {
    const server = await startAppServer({ ...common, worker: !values['no-worker'] });
    io.stderr.write(`orchestra serve: listening on ${server.url} (webhooks: POST ${server.url}${settings.webhookPath}, health: ${server.url}/healthz, metrics: ${server.url}/metrics)\n`);
    runtime = server;
  } else {
    runtime = await startAppWorker(common);
    io.stderr.write(`orchestra worker: taking jobs from ${redactedSettings(settings).redisUrl ?? 'Redis'}\n`);
  }
  const why = await untilStopped(io.signal);
  io.stderr.write(`orchestra ${kind}: ${why}, finishing running reviews…\n`);
  await runtime.close();
  return ExitCode.Ok;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the GitHub App: webhook endpoint, /healthz and /metrics',
  usage: serveUsage,
  run: (args, io) => runHost('serve', args, io),
};

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run GitHub App review workers that take jobs from Redis',
  usage: workerUsage,
  run: (args, io) => runHost('worker', args, io),
};
