import { describe, expect, it } from '@jest/globals';
import { bullmqConnection, redisUrlFromEnv } from '../../../shared/queue/bullmq-connection.js';
import { bullmqJobId, jobNameOfId } from '../../../shared/queue/bullmq-job-id.js';
import { startRedisServer } from '../../helpers/redis-server.js';

describe('bullmqConnection', () => {
  it('maps a Redis URL to connection options BullMQ can block on', () => {
    expect(bullmqConnection('redis://u%40x:p%3Aw@cache.internal:6390/3')).toEqual({
      host: 'cache.internal', port: 6390, db: 3, username: 'u@x', password: 'p:w', maxRetriesPerRequest: null,
    });
    expect(bullmqConnection('rediss://[::1]')).toMatchObject({ host: '::1', port: 6379, db: 0, tls: {} });
  });

  it('names the setting and the expected shape for bad URLs', () => {
    expect(() => bullmqConnection('localhost:6379')).toThrow(/ORCHESTRA_REDIS_URL must use redis: or rediss:/);
    expect(() => bullmqConnection('not a url')).toThrow(/ORCHESTRA_REDIS_URL is not a URL/);
    expect(() => bullmqConnection('redis://h/db1', 'redisUrl')).toThrow(/redisUrl names database "db1"/);
  });

  it('reads ORCHESTRA_REDIS_URL, never REDIS_URL', () => {
    expect(redisUrlFromEnv({ ORCHESTRA_REDIS_URL: ' redis://h:1/0 ' })).toBe('redis://h:1/0');
    expect(() => redisUrlFromEnv({ REDIS_URL: 'redis://h:1/0' })).toThrow(/ORCHESTRA_REDIS_URL is not set/);
  });
});

describe('bullmq job ids', () => {
  it('carry their job name, contain no ":", and derive from the idempotency key', () => {
    for (const name of ['scan', 'review:file', 'ünïcode ~ name']) {
      const id = bullmqJobId(name, undefined);
      expect(id).not.toContain(':');
      expect(jobNameOfId(id)).toBe(name);
      expect(bullmqJobId(name, 'k1')).toBe(bullmqJobId(name, 'k1'));
      expect(bullmqJobId(name, 'k1')).not.toBe(bullmqJobId(name, 'k2'));
    }
    expect(jobNameOfId('plain-id')).toBeUndefined();
    expect(jobNameOfId('!!~x')).toBeUndefined();
  });
});

describe('startRedisServer', () => {
  it('throws a clear error, not a skip, when redis-server is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRedisServer()).rejects.toThrow(/redis-server is not installed.*scripts\/ensure-redis\.sh/);
    } finally {
      process.env.PATH = path;
    }
  });
});
