import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CancelledError } from '../../../shared/errors/errors.js';
import { InProcessTaskQueue } from '../../../shared/queue/in-process-task-queue.js';
import { PRIORITY_LEVELS } from '../../../shared/queue/task-queue.js';
import { flush, trackTimers, untilAborted } from './helpers.js';

/** What one generated job does and how it is added. */
const jobArb = fc.record({
  priority: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...(Object.keys(PRIORITY_LEVELS) as (keyof typeof PRIORITY_LEVELS)[]))),
  delayMs: fc.integer({ min: 0, max: 3 }),
  attempts: fc.integer({ min: 1, max: 3 }),
  backoffMs: fc.integer({ min: 0, max: 2 }),
  /** Attempts that throw before one succeeds. */
  failTimes: fc.integer({ min: 0, max: 3 }),
  /** Waits for its signal: only a cancel or close ends it. */
  hangs: fc.boolean(),
  key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
  cancelEarly: fc.boolean(),
});

type Ending = 'completed' | 'failed' | 'cancelled';

describe('InProcessTaskQueue: every job ends exactly once', () => {
  it('ends each added job exactly once in completed, failed or cancelled, consistent with finished() and counts()', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jobArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('idle', 'close'),
        async (specs, concurrency, ending) => {
          const timers = trackTimers();
          const queue = new InProcessTaskQueue({ random: () => 0.5 });
          try {
            const ends = new Map<string, Ending[]>();
            const record = (id: string, end: Ending): void => void ends.set(id, [...(ends.get(id) ?? []), end]);
            queue.onDidComplete((e) => record(e.job.id, 'completed'));
            queue.onDidFail((e) => e.final && record(e.job.id, 'failed'));
            queue.onDidCancel((e) => record(e.job.id, 'cancelled'));
            queue.process(
              'job',
              async (job, signal) => {
                const spec = specs[job.data as number]!;
                if (spec.hangs) await untilAborted(signal);
                if (job.attempt <= spec.failTimes) throw new Error(`attempt ${job.attempt}`);
                return job.data;
              },
              { concurrency },
            );

            const handles = new Map<string, Awaited<ReturnType<typeof queue.add>>>();
            const hanging = new Set<string>();
            for (const [i, spec] of specs.entries()) {
              const handle = await queue.add('job', i, {
                priority: spec.priority,
                delayMs: spec.delayMs,
                attempts: spec.attempts,
                backoff: { type: 'exponential', delayMs: spec.backoffMs, jitter: 0.5 },
                idempotencyKey: spec.key,
              });
              handles.set(handle.id, handle);
              if (!handle.deduplicated && specs[i]!.hangs) hanging.add(handle.id);
              if (spec.cancelEarly) await queue.cancel(handle.id);
            }
            if (ending === 'close') {
              await queue.close({ graceMs: 0 });
            } else {
              await flush();
              for (const id of hanging) await queue.cancel(id);
              await queue.idle();
              await queue.close({ graceMs: 0 });
            }

            const counts = await queue.counts();
            expect(counts).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
            expect(counts.completed + counts.failed + counts.cancelled).toBe(handles.size);
            for (const [id, handle] of handles) {
              const endings = ends.get(id) ?? [];
              expect(endings).toHaveLength(1);
              const settled = await handle.finished().then(
                () => 'completed',
                (error: unknown) => (error instanceof CancelledError ? 'cancelled' : 'failed'),
              );
              expect(settled).toBe(endings[0]);
              expect((await queue.getJob(id))?.state).toBe(endings[0]);
            }
            expect([...ends.keys()].every((id) => handles.has(id))).toBe(true);
            expect(await timers.live()).toBe(0);
            expect(queue.listenerCount).toBe(0);
          } finally {
            await queue.close({ graceMs: 0 });
            timers.dispose();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
