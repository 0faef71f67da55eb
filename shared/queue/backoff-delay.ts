/**
 * Retry delays, computed exactly as BullMQ's built-in strategies do so that a job behaves the same
 * on either implementation: `fixed` waits `delayMs`; `exponential` waits `delayMs * 2^(attempt-1)`.
 * With `jitter` j in (0, 1] the delay is drawn uniformly from [d·(1-j), d).
 */
import type { BackoffOptions } from './task-queue.js';

/**
 * Milliseconds to wait before the next attempt, after `attemptsMade` attempts failed (1 after the first).
 * No backoff means retry at once (0).
 */
export function backoffDelay(backoff: BackoffOptions | undefined, attemptsMade: number, random: () => number = Math.random): number {
  if (!backoff) return 0;
  const full = backoff.type === 'fixed' ? backoff.delayMs : Math.round(backoff.delayMs * 2 ** Math.max(0, attemptsMade - 1));
  const jitter = backoff.jitter ?? 0;
  if (jitter <= 0 || full <= 0) return full;
  return Math.floor(random() * full * jitter + full * (1 - jitter));
}
