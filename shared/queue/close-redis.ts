/**
 * Closing an ioredis connection so that nothing is left: `quit()` when it is connected (pending
 * replies arrive first), `disconnect()` otherwise (or when QUIT fails), and in both cases wait for
 * `end`, which ioredis emits once the socket is closed and no reconnection is planned.
 */
import type { Redis } from 'ioredis';

/** Ends a connection and resolves once its socket is closed. Idempotent. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  if (redis.status === 'ready') {
    try {
      await redis.quit();
    } catch {
      redis.disconnect();
    }
  } else {
    redis.disconnect();
  }
  await ended;
}
