/**
 * Options are parsed where they enter the queue: a zod schema per options object, and errors that
 * name the key and say what is expected.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors/errors.js';
import { MAX_PRIORITY, PRIORITY_LEVELS, type BackoffOptions, type PriorityLevel } from './task-queue.js';

const levels = Object.keys(PRIORITY_LEVELS) as [PriorityLevel, ...PriorityLevel[]];

/** Milliseconds: a finite number ≥ 0. */
const millis = z.number().finite().min(0);

const backoffSchema = z.strictObject({
  type: z.enum(['fixed', 'exponential']),
  delayMs: millis,
  jitter: z.number().min(0).max(1).optional(),
});

const jobOptionsSchema = z.strictObject({
  priority: z.union([z.int().min(0).max(MAX_PRIORITY), z.enum(levels)]).optional(),
  delayMs: millis.optional(),
  attempts: z.int().min(1).max(1_000).optional(),
  backoff: backoffSchema.optional(),
  idempotencyKey: z.string().min(1).max(512).optional(),
  traceId: z.string().min(1).optional(),
});

/** Job options with defaults applied and the priority as a number. */
export interface ParsedJobOptions {
  priority: number;
  delayMs: number;
  attempts: number;
  backoff: BackoffOptions | undefined;
  idempotencyKey: string | undefined;
  traceId: string | undefined;
}

const DEFAULTS: ParsedJobOptions = {
  priority: PRIORITY_LEVELS.normal,
  delayMs: 0,
  attempts: 1,
  backoff: undefined,
  idempotencyKey: undefined,
  traceId: undefined,
};

/** Renders zod issues as `options.attempts: Too small: expected number to be >=1; …`. */
function describeIssues(error: z.ZodError, root: string): { message: string; key: string } {
  const parts = error.issues.map((issue) => {
    const key = [root, ...issue.path.map(String)].join('.');
    return { key, text: `${key}: ${issue.message}` };
  });
  return { message: parts.map((p) => p.text).join('; '), key: parts[0]?.key ?? root };
}

/** Parses with a schema; on failure throws InvalidInputError prefixed with `what`. */
function parseWith<S extends z.ZodType>(schema: S, input: unknown, root: string, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const { message, key } = describeIssues(parsed.error, root);
  throw new InvalidInputError(`${what}: ${message}`, { key }, { cause: parsed.error });
}

/**
 * Validates the options of `add` and applies defaults.
 * @throws InvalidInputError naming the key, e.g. `Invalid options for job "scan": options.attempts: …`.
 */
export function parseJobOptions(name: string, options: unknown): ParsedJobOptions {
  if (options === undefined) return DEFAULTS;
  const parsed = parseWith(jobOptionsSchema, options, 'options', `Invalid options for job "${name}"`);
  const priority = typeof parsed.priority === 'string' ? PRIORITY_LEVELS[parsed.priority] : parsed.priority;
  return {
    priority: priority ?? DEFAULTS.priority,
    delayMs: parsed.delayMs ?? 0,
    attempts: parsed.attempts ?? 1,
    backoff: parsed.backoff,
    idempotencyKey: parsed.idempotencyKey,
    traceId: parsed.traceId,
  };
}

const jobNameSchema = z.string().min(1).max(256);

/** Validates a job name (non-empty, at most 256 characters). */
export function parseJobName(name: unknown): string {
  return parseWith(jobNameSchema, name, 'name', 'Invalid job name');
}

const processOptionsSchema = z.strictObject({ concurrency: z.int().min(1).max(100_000).optional() });

/** Validates the options of `process`; returns the concurrency (default 1). */
export function parseProcessOptions(name: string, options: unknown): number {
  if (options === undefined) return 1;
  return parseWith(processOptionsSchema, options, 'options', `Invalid processor options for "${name}"`).concurrency ?? 1;
}

const closeOptionsSchema = z.strictObject({ graceMs: millis.optional() });

/** Validates the options of `close`; returns the grace period (default 5,000 ms). */
export function parseCloseOptions(options: unknown): number {
  if (options === undefined) return 5_000;
  return parseWith(closeOptionsSchema, options, 'options', 'Invalid close options').graceMs ?? 5_000;
}

const queueOptionsSchema = z.object({
  name: z.string().min(1).optional(),
  idempotencyWindowMs: millis.optional(),
  retainFinished: z.int().min(0).optional(),
  retainFinishedMs: millis.optional(),
  keepAlive: z.boolean().optional(),
});

/** Validates the plain-data part of the queue's options (functions and the bus are typed, not parsed). */
export function parseQueueOptions(options: unknown): void {
  parseWith(queueOptionsSchema, options ?? {}, 'options', 'Invalid task queue options');
}
