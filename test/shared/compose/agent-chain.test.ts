import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { chain } from '../../../shared/compose/agent-chain.js';
import { step } from '../../../shared/compose/step.js';
import { BugIndicatingError, CancelledError, DeadlineExceededError, InvalidInputError, StepFailedError } from '../../../shared/errors/errors.js';
import { abortListeners, forever, startHost, trackTimers, untilAborted, wait, type TestHost, type TimerTracker } from './helpers.js';

let env: TestHost | undefined;
let timers: TimerTracker;

beforeEach(() => {
  timers = trackTimers();
});
afterEach(async () => {
  await env?.close();
  env = undefined;
  // Every deadline timer of the chain (and of the host) is gone once the run and the host ended.
  expect(timers.live()).toBe(0);
  timers.restore();
});

describe('AgentChain', () => {
  it("feeds each step's output into the next: capability, agent id and local function", async () => {
    env = await startHost([
      { id: 'parser', capabilities: ['parse'], handle: async (task) => (task.input as string).split(',').map(Number) },
      { id: 'summer', capabilities: ['sum'], handle: async (task) => ({ total: (task.input as number[]).reduce((a, b) => a + b, 0), type: task.type }) },
    ]);
    const c = chain<string>({ dispatcher: env.host })
      .then(step.capability<string, number[]>('parse'))
      .then(step.agent<number[], { total: number; type: string }>('summer'))
      .then((r) => `total=${r.total} via ${r.type}`);
    await expect(c.run('1,2,3')).resolves.toBe('total=6 via summer');
    expect(c.stepNames).toEqual(['parse', 'summer', 'step-3']);
  });

  it('resolves with per-step records and passes the trace id to agents', async () => {
    const traces: (string | undefined)[] = [];
    env = await startHost([{ id: 'a', capabilities: ['x'], handle: async (task) => (traces.push(task.traceId), 1) }]);
    const result = await chain<number>({ dispatcher: env.host }).then(step.capability('x')).runDetailed(0, { traceId: 'trace-1' });
    expect(result.output).toBe(1);
    expect(result.steps.map((s) => s.name)).toEqual(['x']);
    expect(traces).toEqual(['trace-1']);
  });

  it('stops at the first failing step and names it; later steps never run', async () => {
    let laterRan = false;
    env = await startHost([{ id: 'bad', capabilities: ['lint'], handle: async () => Promise.reject(new Error('parser exploded')) }]);
    const c = chain<string>({ dispatcher: env.host })
      .then((s) => s.trim())
      .then(step.capability('lint', { name: 'lint-it' }))
      .then(() => {
        laterRan = true;
      });
    const error = await c.run(' x ').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect(error).toMatchObject({ step: 'lint-it', index: 1, message: 'Step "lint-it" (#2) failed: parser exploded' });
    expect((error as StepFailedError).cause).toMatchObject({ message: 'parser exploded' });
    expect(laterRan).toBe(false);
  });

  it("enforces a step's deadline on an agent that ignores its signal", async () => {
    env = await startHost([{ id: 'hung', capabilities: ['slow'], handle: () => forever() }]);
    const error = await chain<number>({ dispatcher: env.host }).then(step.capability('slow', { deadlineMs: 30 })).run(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as StepFailedError).step).toBe('slow');
    expect((error as StepFailedError).cause).toBeInstanceOf(DeadlineExceededError);
  });

  it("caps every step by the run's deadline, and the step's signal fires", async () => {
    let signalFired = false;
    env = await startHost([
      {
        id: 'coop',
        capabilities: ['slow'],
        handle: async (_t, ctx) => {
          await untilAborted(ctx.signal);
          signalFired = true;
          throw ctx.signal.reason;
        },
      },
    ]);
    const error = await chain<number>({ dispatcher: env.host }).then(step.capability('slow', { deadlineMs: 60_000 })).run(1, { deadlineMs: 30 }).catch((e: unknown) => e);
    expect((error as StepFailedError).cause).toBeInstanceOf(DeadlineExceededError);
    expect(signalFired).toBe(true);
  });

  it('rejects a local step at its deadline even if it never settles', async () => {
    const error = await chain<number>()
      .then(step.local('stuck', () => forever(), { deadlineMs: 20 }))
      .run(1)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StepFailedError', step: 'stuck' });
    expect((error as StepFailedError).cause).toBeInstanceOf(DeadlineExceededError);
  });

  it("rejects with CancelledError when the caller cancels, fires the agent's signal and leaves no listener", async () => {
    let agentSignal: AbortSignal | undefined;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    env = await startHost([
      {
        id: 'waiter',
        capabilities: ['wait'],
        handle: async (_t, ctx) => {
          agentSignal = ctx.signal;
          started();
          await wait(60_000, ctx.signal);
        },
      },
    ]);
    const caller = new AbortController();
    const run = chain<number>({ dispatcher: env.host }).then(step.capability('wait')).run(1, { signal: caller.signal });
    await running;
    caller.abort();
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toContain('wait');
    expect(agentSignal?.aborted).toBe(true);
    expect(abortListeners(caller.signal)).toBe(0);
  });

  it('does not start any step when the signal fired before the run', async () => {
    let ran = false;
    const caller = new AbortController();
    caller.abort();
    const run = chain<number>()
      .then(() => {
        ran = true;
      })
      .run(1, { signal: caller.signal });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
  });

  it("validates an agent's output with a schema and names the step when it does not fit", async () => {
    env = await startHost([{ id: 'a', capabilities: ['count'], handle: async () => ({ count: 'many' }) }]);
    const c = chain<null>({ dispatcher: env.host }).then(step.capability('count', { output: z.object({ count: z.number() }) }));
    const error = await c.run(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as StepFailedError).cause).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/Agent "a" returned output step "count" does not accept/);
  });

  it('fails clearly when no agent offers the capability, or no dispatcher was given', async () => {
    env = await startHost([]);
    const noAgent = await chain<number>({ dispatcher: env.host }).then(step.capability('translate')).run(1).catch((e: unknown) => e);
    expect((noAgent as StepFailedError).cause).toBeInstanceOf(InvalidInputError);
    expect((noAgent as Error).message).toContain('No agent offers the capability "translate"');

    const noDispatcher = await chain<number>().then(step.agent('x')).run(1).catch((e: unknown) => e);
    expect((noDispatcher as StepFailedError).cause).toBeInstanceOf(BugIndicatingError);
  });

  it('uses a dispatcher given at run time', async () => {
    env = await startHost([{ id: 'a', capabilities: ['double'], handle: async (t) => (t.input as number) * 2 }]);
    await expect(chain<number>().then(step.capability<number, number>('double')).run(4, { dispatcher: env.host })).resolves.toBe(8);
  });

  it('spreads a capability round-robin over its agents', async () => {
    const seen: string[] = [];
    const handle = async (_t: unknown, _c: unknown, id: string) => (seen.push(id), 0);
    env = await startHost([
      { id: 'a', capabilities: ['x'], handle },
      { id: 'b', capabilities: ['x'], handle },
    ]);
    let c = chain<number>({ dispatcher: env.host });
    for (let i = 0; i < 4; i++) c = c.then(step.capability('x', { name: `x${i}` }));
    await c.run(0);
    expect(seen.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('forgets cached discovery when an agent is gone, so later runs avoid it', async () => {
    env = await startHost([
      { id: 'a', capabilities: ['x'], handle: async () => 'a' },
      { id: 'b', capabilities: ['x'], handle: async () => 'b' },
    ]);
    const c = chain<number>({ dispatcher: env.host, discoveryTtlMs: 600_000 }).then(step.capability<number, string>('x'));
    await expect(c.run(0)).resolves.toBe('a');
    await env.host.stop('a');
    await expect(c.run(0)).resolves.toBe('b');
    // Discovery is cached: the third run still tries "a", which the host no longer knows.
    const error = await c.run(0).catch((e: unknown) => e);
    expect((error as StepFailedError).cause).toMatchObject({ name: 'InvalidInputError', where: { key: 'agentId' } });
    await expect(c.run(0)).resolves.toBe('b');
    await expect(c.run(0)).resolves.toBe('b');
  });

  it('refuses two steps with one name', () => {
    expect(() => chain<number>().then(step.local('a', (n: number) => n)).then(step.local('a', (n: number) => n))).toThrow(BugIndicatingError);
  });

  it('runs a parallel group and gives each child its output by name', async () => {
    env = await startHost([
      { id: 'lint', capabilities: ['lint'], handle: async (t) => `lint:${String(t.input)}` },
      { id: 'test', capabilities: ['test'], handle: async (t) => `test:${String(t.input)}` },
    ]);
    const out = await chain<string>({ dispatcher: env.host })
      .then(step.parallel('checks', [step.capability('lint'), step.capability('test')]))
      .run('patch');
    expect(out).toEqual({ lint: 'lint:patch', test: 'test:patch' });
  });

  it('cancels the siblings of a failing parallel child', async () => {
    let siblingCancelled = false;
    const c = chain<number>().then(
      step.parallel('both', [
        step.local('fails', async () => Promise.reject(new Error('nope'))),
        step.local('waits', async (_n: number, ctx) => {
          await untilAborted(ctx.signal);
          siblingCancelled = true;
        }),
      ]),
    );
    const error = await c.run(1).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StepFailedError', step: 'both' });
    expect((error as Error).message).toContain('Step "fails" (#1) failed: nope');
    expect(siblingCancelled).toBe(true);
  });
});
