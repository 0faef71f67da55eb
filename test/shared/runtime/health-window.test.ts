import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { percentile } from '../../../bench/harness.js';
import { HealthWindow } from '../../../shared/runtime/health-window.js';

describe('HealthWindow', () => {
  it('computes percentiles and the error rate over the most recent tasks only', () => {
    const window = new HealthWindow(4);
    expect([window.percentile(50), window.errorRate]).toEqual([0, 0]);
    window.record(10, false, 1, 100);
    window.record(20, true, 1, -50);
    window.record(30, true, 1, 0);
    window.record(40, true, 1, 0);
    expect(window.errorRate).toBe(0.25);
    window.record(50, true, 1, 7); // evicts the failed 10 ms task
    expect(window.errorRate).toBe(0);
    expect(window.percentile(50)).toBe(30);
    expect(window.percentile(99)).toBe(50);
    expect(window).toMatchObject({ processed: 5, failed: 1, cpuMs: 5, memoryBytes: 7 });
  });

  it('agrees with the nearest-rank percentile of the last N latencies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 100 }),
        (size, tasks, p) => {
          const window = new HealthWindow(size);
          for (const [ms, ok] of tasks) window.record(ms, ok, 0, 0);
          const recent = tasks.slice(-size);
          expect(window.percentile(p)).toBe(percentile(recent.map(([ms]) => ms), p));
          expect(window.errorRate).toBeCloseTo(recent.filter(([, ok]) => !ok).length / recent.length, 10);
          expect(window.processed).toBe(tasks.length);
        },
      ),
    );
  });
});
