import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from '../../../shared/runtime/backoff-delay.js';

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelay(500, 100, 60_000)).toBe(60_000);
    expect(Number.isFinite(backoffDelay(5_000, 1, 2 ** 31 - 1))).toBe(true);
  });
});
