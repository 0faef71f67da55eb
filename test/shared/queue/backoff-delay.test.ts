import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { backoffDelay } from '../../../shared/queue/backoff-delay.js';

describe('backoffDelay', () => {
  it('retries at once without a backoff', () => {
    expect(backoffDelay(undefined, 3)).toBe(0);
  });

  it('waits the same for fixed backoff', () => {
    expect([1, 2, 3].map((n) => backoffDelay({ type: 'fixed', delayMs: 250 }, n))).toEqual([250, 250, 250]);
  });

  it('doubles for exponential backoff, starting at the base delay', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ type: 'exponential', delayMs: 100 }, n))).toEqual([100, 200, 400, 800]);
  });

  it('draws jittered delays from [d*(1-j), d) as BullMQ does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'fixed' | 'exponential'>('fixed', 'exponential'),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (type, delayMs, jitter, attempt, r) => {
          const full = backoffDelay({ type, delayMs }, attempt);
          const jittered = backoffDelay({ type, delayMs, jitter }, attempt, () => r);
          expect(jittered).toBeGreaterThanOrEqual(Math.floor(full * (1 - jitter)));
          expect(jittered).toBeLessThanOrEqual(full);
        },
      ),
    );
  });

  it('uses the random source: the extremes of the range are reachable', () => {
    const backoff = { type: 'fixed' as const, delayMs: 1000, jitter: 0.5 };
    expect(backoffDelay(backoff, 1, () => 0)).toBe(500);
    expect(backoffDelay(backoff, 1, () => 0.999)).toBe(999);
  });
});
