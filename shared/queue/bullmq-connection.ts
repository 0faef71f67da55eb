/**
 * Turns the Redis URL the product is configured with (`ORCHESTRA_REDIS_URL`, never `REDIS_URL`, which
 * Probot reads for its own rate limiter) into ioredis options BullMQ accepts. Every connection gets
 * `maxRetriesPerRequest: null`: BullMQ's blocking commands need it (see shared/STACK.md).
 */
import type { RedisOptions } from 'bullmq';
import { InvalidInputError } from '../errors/errors.js';

/** The environment variable the Redis URL is read from. */
export const REDIS_URL_VARIABLE = 'ORCHESTRA_REDIS_URL';

/**
 * Parses `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS).
 * @param where names the setting in error messages.
 * @throws InvalidInputError saying what a valid URL looks like.
 */
export function bullmqConnection(url: string, where = REDIS_URL_VARIABLE): RedisOptions {
  const expected = `expected redis://[user:password@]host[:port][/db] or rediss://…`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new InvalidInputError(`${where} is not a URL ("${url}"): ${expected}`, { key: where }, { cause: error });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidInputError(`${where} must use redis: or rediss:, not "${parsed.protocol}": ${expected}`, { key: where });
  }
  if (!parsed.hostname) throw new InvalidInputError(`${where} has no host: ${expected}`, { key: where });
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new InvalidInputError(`${where} names database "${dbText}": the path must be a database number such as /0`, { key: where });
  }
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db,
    maxRetriesPerRequest: null,
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') options.tls = {};
  return options;
}

/**
 * Reads the Redis URL from {@link REDIS_URL_VARIABLE}.
 * @throws InvalidInputError when it is unset or empty, naming the variable to set.
 */
export function redisUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const url = env[REDIS_URL_VARIABLE]?.trim();
  if (!url) {
    throw new InvalidInputError(`${REDIS_URL_VARIABLE} is not set: set it to the Redis the task queue uses, e.g. redis://127.0.0.1:6379/0`, {
      key: REDIS_URL_VARIABLE,
    });
  }
  return url;
}
