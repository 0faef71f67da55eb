import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cascade } from '../../../shared/compose/cascade.js';
import { step } from '../../../shared/compose/step.js';
import { BugIndicatingError, CancelledError, DeadlineExceededError, StepFailedError } from '../../../shared/errors/errors.js';
import { forever, startHost, trackTimers, type TestHost, type TimerTracker } from './helpers.js';

interface TestRun {
  failed: boolean;
  error?: string;
}
interface Diagnosis {
  rootCause: string | undefined;
}
interface Patch {
  diff: string | undefined;
}
interface Verdict {
  green: boolean;
}

let env: TestHost | undefined;
let timers: TimerTracker;
beforeEach(() => {
  timers = trackTimers();
});
afterEach(async () => {
  await env?.close();
  env = undefined;
  expect(timers.live()).toBe(0);
  timers.restore();
});

/** "If error then debug then fix then test", over real agents. */
async function repairCascade() {
  const calls: string[] = [];
  env = await startHost([
    {
      id: 'debugger',
      capabilities: ['debug'],
      handle: async (task) => {
        calls.push('debug');
        const run = task.input as TestRun;
        return { rootCause: run.error?.includes('undefined') ? 'missing null check' : undefined } satisfies Diagnosis;
      },
    },
    {
      id: 'fixer',
      capabilities: ['fix'],
      handle: async (task) => {
        calls.push('fix');
        return { diff: `+ guard for ${(task.input as Diagnosis).rootCause}` } satisfies Patch;
      },
    },
    {
      id: 'tester',
      capabilities: ['test'],
      handle: async () => {
        calls.push('test');
        return { green: true } satisfies Verdict;
      },
    },
  ]);
  const c = cascade<TestRun>({ dispatcher: env.host })
    .step(step.capability<TestRun, Diagnosis>('debug'), (run) => run.failed)
    .step(step.capability<Diagnosis, Patch>('fix'), (d) => d.rootCause !== undefined)
    .step(step.capability<Patch, Verdict>('test'), (p) => p.diff !== undefined);
  return { c, calls };
}

describe('Cascade', () => {
  it('runs every step while each condition on the previous result holds', async () => {
    const { c, calls } = await repairCascade();
    const result = await c.run({ failed: true, error: 'TypeError: x is undefined' });
    expect(result.completed).toBe(true);
    expect(result.ran.map((s) => s.name)).toEqual(['debug', 'fix', 'test']);
    expect(result.skipped).toEqual([]);
    expect(result.stoppedAt).toBeUndefined();
    expect(result.output).toEqual({ green: true });
    expect(calls).toEqual(['debug', 'fix', 'test']);
  });

  it('stops before the first step when the input fails its condition', async () => {
    const { c, calls } = await repairCascade();
    const input = { failed: false };
    const result = await c.run(input);
    expect(result).toMatchObject({ completed: false, ran: [], skipped: ['debug', 'fix', 'test'], stoppedAt: { step: 'debug', index: 0 } });
    expect(result.output).toBe(input);
    expect(calls).toEqual([]);
  });

  it('stops in the middle and reports the last output and where it stopped', async () => {
    const { c, calls } = await repairCascade();
    const result = await c.run({ failed: true, error: 'AssertionError: 1 !== 2' });
    expect(result.ran.map((s) => s.name)).toEqual(['debug']);
    expect(result.stoppedAt).toEqual({ step: 'fix', index: 1 });
    expect(result.skipped).toEqual(['fix', 'test']);
    expect(result.output).toEqual({ rootCause: undefined });
    expect(calls).toEqual(['debug']);
  });

  it('runs a step without a condition unconditionally, and conditions see earlier outputs', async () => {
    const seen: unknown[] = [];
    const result = await cascade<number>()
      .step(step.local('double', (n: number) => n * 2))
      .step(step.local('label', (n: number) => `n=${n}`))
      .step(step.local('never', () => 'x'), (_label, ctx) => {
        seen.push(ctx.runInput, ctx.outputs.get('double'));
        return false;
      })
      .run(21);
    expect(result.output).toBe('n=42');
    expect(seen).toEqual([21, 42]);
    expect(result.stoppedAt?.step).toBe('never');
  });

  it('fails with a StepFailedError naming the step whose condition threw', async () => {
    const error = await cascade<number>()
      .step(step.local('a', (n: number) => n), () => {
        throw new Error('bad condition');
      })
      .run(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect(error).toMatchObject({ step: 'a', index: 0 });
    expect((error as Error).message).toContain('The condition of step "a" (#1) threw: bad condition');
  });

  it('treats a condition that returns a non-boolean as a bug', async () => {
    const error = await cascade<number>()
      .step(step.local('a', (n: number) => n), (() => 'yes') as unknown as () => boolean)
      .run(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BugIndicatingError);
  });

  it('stops with a StepFailedError when a step fails or runs past its deadline', async () => {
    env = await startHost([{ id: 'hung', capabilities: ['fix'], handle: () => forever() }]);
    const error = await cascade<number>({ dispatcher: env.host })
      .step(step.local('debug', (n: number) => n))
      .step(step.capability('fix', { deadlineMs: 25 }), () => true)
      .step(step.local('test', () => 'never'))
      .run(1)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StepFailedError', step: 'fix', index: 1 });
    expect((error as StepFailedError).cause).toBeInstanceOf(DeadlineExceededError);
  });

  it('rejects with CancelledError when cancelled during an async condition', async () => {
    const caller = new AbortController();
    const run = cascade<number>()
      .step(step.local('a', (n: number) => n), () => forever())
      .run(1, { signal: caller.signal });
    caller.abort();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
