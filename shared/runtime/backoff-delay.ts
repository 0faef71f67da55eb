/**
 * The restart delay after the `attempt`-th crash in a row (0-based): `baseMs * 2^attempt`, capped at
 * `maxMs`. No jitter: restarts are per agent inside one process, so there is no herd to spread out,
 * and a deterministic delay is easier to reason about (and to test).
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  if (!(attempt >= 0)) return baseMs;
  // 2 ** 31 already exceeds any timer delay; avoid Infinity from large attempts.
  const factor = 2 ** Math.min(attempt, 31);
  return Math.min(maxMs, baseMs * factor);
}
