/**
 * Structured JSON logs (pino) that never contain a secret. Three layers, because each catches what
 * the others cannot:
 * 1. pino's `redact` paths censor well-known keys (`password`, `headers.authorization`, …) at the
 *    serialisation step, even inside objects the other layers did not rewrite;
 * 2. a `logMethod` hook runs governance's `redactString` over the message and its format
 *    arguments, and turns a logged Error into a redacted `err` field (pino would otherwise copy
 *    the raw error message into `msg`);
 * 3. `formatters.log` / `formatters.bindings` / the `err` serializer run governance's deep
 *    `redact` over every field and every child logger's bindings (keys named like secrets are
 *    replaced whole, tokens inside strings are replaced by `[REDACTED:kind]`).
 */
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { InvalidInputError } from '../errors/errors.js';
import { redact, redactString } from '../governance/redact.js';
import type { Disposable } from '../lifecycle/disposable.js';

/** Log levels, most to least verbose, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * pino `redact` paths: the keys that carry credentials in practice, where they usually sit. Kept
 * short on purpose: each wildcard path costs time on every line (measured in
 * bench/telemetry.bench.ts), and the governance layer already replaces secret-named keys at any depth.
 */
export const REDACT_PATHS: readonly string[] = [
  'password',
  'token',
  'apiKey',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.apiKey',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Component name, written as `name` on every line. */
  name: string;
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /**
   * Where lines go: a file path (appended, created with its folder), a file descriptor, or a
   * stream with `write(line)`. Default: standard output.
   */
  destination?: string | number | DestinationStream;
  /** Fields written on every line (redacted like any other field). */
  base?: Record<string, unknown>;
}

/** A pino logger that also releases the destination it opened. */
export type OrchestraLogger = Logger & Disposable;

/**
 * Creates a structured logger whose output is redacted (see the module comment).
 * @throws InvalidInputError for an unknown level or an empty name.
 */
export function createLogger(options: CreateLoggerOptions): OrchestraLogger {
  const level = options.level ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new InvalidInputError(`Unknown log level "${String(level)}": use one of ${LOG_LEVELS.join(', ')}.`, { key: 'level' });
  }
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new InvalidInputError('A logger needs a non-empty name (the component that logs).', { key: 'name' });
  }

  let opened: (DestinationStream & { end?: () => void; flushSync?: () => void }) | undefined;
  let destination: DestinationStream;
  if (typeof options.destination === 'string' || typeof options.destination === 'number') {
    // Synchronous writes: a crash right after a log call still leaves the line on disk.
    opened = pino.destination({ dest: options.destination, sync: true, mkdir: typeof options.destination === 'string' });
    destination = opened;
  } else {
    destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  }

  const loggerOptions: LoggerOptions = {
    name: options.name,
    level,
    base: { pid: process.pid, hostname: hostname(), ...(options.base ?? {}) },
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    serializers: { err: redactError, error: redactError },
    formatters: {
      bindings: (bindings) => redactFields(bindings),
      log: (object) => redactFields(object),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, redactArguments(args) as Parameters<typeof method>);
      },
    },
  };
  const logger = pino(loggerOptions, destination);
  return Object.assign(logger, {
    dispose() {
      if (!opened) return;
      const stream = opened;
      opened = undefined;
      stream.flushSync?.();
      stream.end?.();
    },
  });
}

/** The `err` serializer: pino's standard shape, then redacted. */
function redactError(value: unknown): unknown {
  if (value instanceof Error || isErrorLike(value)) return redact(pino.stdSerializers.err(value as Error));
  return redact(value);
}

function isErrorLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string' && 'stack' in value;
}

/** Redacts every field except error fields, which their serializer redacts (keeping pino's shape). */
function redactFields(object: Record<string, unknown>): Record<string, unknown> {
  const { err, error, ...rest } = object;
  const out = redact(rest) as Record<string, unknown>;
  if (err !== undefined) out['err'] = err;
  if (error !== undefined) out['error'] = error;
  return out;
}

/**
 * Redacts a log call's arguments: strings by `redactString`, format arguments deeply, and a
 * leading Error becomes `{ err }` with a redacted message (pino would copy `err.message` into
 * `msg` verbatim).
 */
function redactArguments(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  const tail = rest.map((arg) => (typeof arg === 'string' ? redactString(arg) : redact(arg)));
  if (first instanceof Error || isErrorLike(first)) {
    const message = typeof tail[0] === 'string' ? tail.shift() : redactString((first as Error).message);
    return [{ err: first }, message, ...tail];
  }
  if (typeof first === 'string') return [redactString(first), ...tail];
  return [first, ...tail];
}
