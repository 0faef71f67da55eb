import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { mergeFindings, voteByTask } from '../../../shared/compose/consensus.js';
import { Swarm, type SwarmGathered } from '../../../shared/compose/swarm.js';
import { CancelledError, InvalidInputError } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import { fingerprint } from '../../../shared/findings/fingerprint.js';
import { abortListeners, forever, startHost, trackTimers, untilAborted, wait, type TestAgent, type TestHost, type TimerTracker } from './helpers.js';

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

const gathered = <T, R>(g: SwarmGathered<T, R>) => g;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Swarm', () => {
  it('decomposes, fans out round-robin under the concurrency limit and gathers in task order', async () => {
    let running = 0;
    let peak = 0;
    const perAgent = new Map<string, number>();
    const agent = (id: string): TestAgent => ({
      id,
      capabilities: ['square'],
      handle: async (task, ctx) => {
        running++;
        peak = Math.max(peak, running);
        perAgent.set(id, (perAgent.get(id) ?? 0) + 1);
        await wait(2, ctx.signal);
        running--;
        return (task.input as number) ** 2;
      },
    });
    env = await startHost([agent('a'), agent('b'), agent('c')]);
    const swarm = new Swarm({
      dispatcher: env.host,
      capability: 'square',
      concurrency: 2,
      decompose: (job: number[]) => job.map((input) => ({ input })),
      consensus: (g: SwarmGathered<number, number>) => g.completed.reduce((sum, c) => sum + c.output, 0),
    });
    const result = await swarm.run(range(9));
    expect(result.consensus).toBe(range(9).reduce((s, n) => s + n * n, 0));
    expect(result.completed.map((c) => c.taskId)).toEqual(range(9).map((i) => `t${i + 1}`));
    expect(result.completed.map((c) => c.output)).toEqual(range(9).map((n) => n * n));
    expect(result).toMatchObject({ tasks: 9, dispatches: 9, partial: false, failed: [], timedOut: [] });
    expect(peak).toBe(2);
    expect([...perAgent.values()]).toEqual([3, 3, 3]);
  });

  it('least-busy gives a slow agent fewer tasks', async () => {
    const perAgent = new Map<string, number>();
    const agent = (id: string, ms: number): TestAgent => ({
      id,
      capabilities: ['work'],
      handle: async (_task, ctx) => {
        perAgent.set(id, (perAgent.get(id) ?? 0) + 1);
        await wait(ms, ctx.signal);
        return id;
      },
    });
    env = await startHost([agent('slow', 80), agent('quick', 1)]);
    const swarm = new Swarm({
      dispatcher: env.host,
      capability: 'work',
      strategy: 'least-busy',
      concurrency: 2,
      decompose: () => range(12).map((i) => ({ input: i })),
      consensus: gathered,
    });
    const result = await swarm.run(null);
    expect(result.completed).toHaveLength(12);
    expect(perAgent.get('slow')).toBeLessThan(perAgent.get('quick')!);
  });

  it('gathers under a deadline: partial results, timed-out tasks named and cancelled, unstarted ones reported', async () => {
    let stuckCancelled!: (input: string) => void;
    const cancelled = new Promise<string>((resolve) => (stuckCancelled = resolve));
    env = await startHost([
      { id: 'ok', capabilities: ['scan'], handle: async (task) => `scanned ${String(task.input)}` },
      {
        id: 'stuck',
        capabilities: ['scan'],
        handle: async (task, ctx) => {
          await untilAborted(ctx.signal);
          stuckCancelled(String(task.input));
          throw ctx.signal.reason;
        },
      },
      { id: 'deaf', capabilities: ['scan'], handle: () => forever() },
    ]);
    const swarm = new Swarm({
      dispatcher: env.host,
      capability: 'scan',
      concurrency: 3,
      decompose: (files: string[]) => files.map((f) => ({ id: f, input: f })),
      consensus: (g: SwarmGathered<string, string>) => g.completed.map((c) => c.output),
    });
    const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts', 'f.ts'];
    const result = await swarm.run(files, { deadlineMs: 300 });
    // Round-robin in id order [deaf, ok, stuck]: a→deaf, b→ok, c→stuck; ok's worker then takes d→deaf,
    // which hangs too, so e and f never start before the deadline.
    expect(result.partial).toBe(true);
    expect(result.consensus).toEqual(['scanned b.ts']);
    expect(result.completed.map((c) => [c.taskId, c.agentId])).toEqual([['b.ts', 'ok']]);
    expect(result.timedOut.map((t) => [t.taskId, t.agentId, t.started])).toEqual([
      ['a.ts', 'deaf', true],
      ['c.ts', 'stuck', true],
      ['d.ts', 'deaf', true],
      ['e.ts', undefined, false],
      ['f.ts', undefined, false],
    ]);
    expect(result.failed).toEqual([]);
    // The late task's own signal fires too (the dispatcher enforces the deadline it was given).
    await expect(cancelled).resolves.toBe('c.ts');
  });

  it('reports tasks that never started when the deadline came first', async () => {
    env = await startHost([{ id: 'one', capabilities: ['scan'], handle: async (_t, ctx) => wait(60_000, ctx.signal) }]);
    const swarm = new Swarm({ dispatcher: env.host, capability: 'scan', concurrency: 1, decompose: () => range(3).map((i) => ({ input: i })), consensus: gathered });
    const result = await swarm.run(null, { deadlineMs: 20 });
    expect(result.timedOut.map((t) => [t.taskId, t.started, t.agentId])).toEqual([
      ['t1', true, 'one'],
      ['t2', false, undefined],
      ['t3', false, undefined],
    ]);
  });

  it('a per-task deadline cancels only that task', async () => {
    env = await startHost([
      { id: 'a', capabilities: ['x'], handle: async (task, ctx) => (task.input === 'slow' ? wait(60_000, ctx.signal) : 'done') },
    ]);
    const swarm = new Swarm({ dispatcher: env.host, capability: 'x', taskDeadlineMs: 200, decompose: () => [{ input: 'slow' }, { input: 'fast' }], consensus: gathered });
    const result = await swarm.run(null);
    expect(result.completed.map((c) => c.taskId)).toEqual(['t2']);
    expect(result.timedOut.map((t) => t.taskId)).toEqual(['t1']);
  });

  it('records failed tasks and outputs that do not fit the schema, and still reaches consensus', async () => {
    env = await startHost([
      {
        id: 'a',
        capabilities: ['count'],
        handle: async (task) => {
          if (task.input === 2) throw new Error('cannot count 2');
          return task.input === 3 ? 'three' : task.input;
        },
      },
    ]);
    const swarm = new Swarm({
      dispatcher: env.host,
      capability: 'count',
      decompose: () => [1, 2, 3, 4].map((input) => ({ input })),
      output: z.number(),
      consensus: (g: SwarmGathered<number, number>) => g.completed.map((c) => c.output),
    });
    const result = await swarm.run(null);
    expect(result.consensus).toEqual([1, 4]);
    expect(result.failed.map((f) => [f.taskId, f.agentId])).toEqual([
      ['t2', 'a'],
      ['t3', 'a'],
    ]);
    expect((result.failed[0]!.error as Error).message).toBe('cannot count 2');
    expect(result.partial).toBe(true);
  });

  it('merges the findings of a review swarm by fingerprint, noting which agents agreed', async () => {
    const report = (agent: string, file: string, severity: Finding['severity']): Finding => ({
      ruleId: 'security/eval',
      agent,
      severity,
      message: 'eval of input',
      file,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 10 } },
      fingerprint: fingerprint({ ruleId: 'security/eval', file, snippet: 'eval(input)' }),
    });
    env = await startHost([
      { id: 'strict', capabilities: ['review'], handle: async (task) => [report('strict', task.input as string, 'error')] },
      { id: 'lenient', capabilities: ['review'], handle: async (task) => [report('lenient', task.input as string, 'info')] },
    ]);
    const swarm = new Swarm({
      dispatcher: env.host,
      capability: 'review',
      replicas: 2,
      decompose: (files: string[]) => files.map((f) => ({ id: f, input: f })),
      consensus: (g: SwarmGathered<string, Finding[]>) => mergeFindings(g.completed.flatMap((c) => c.output)),
    });
    const result = await swarm.run(['a.ts', 'b.ts']);
    expect(result.dispatches).toBe(4);
    expect(result.consensus.map((f) => [f.file, f.severity, f.agreedBy])).toEqual([
      ['a.ts', 'error', ['lenient', 'strict']],
      ['b.ts', 'error', ['lenient', 'strict']],
    ]);
  });

  it('sends replicas to different agents and votes per task', async () => {
    const labels: Record<string, string> = { a: 'bug', b: 'bug', c: 'style' };
    const agents = Object.keys(labels).map((id) => ({ id, capabilities: ['classify'], handle: async () => labels[id]! }));
    env = await startHost(agents);
    const swarm = new Swarm({
      dispatcher: env.host,
      capability: 'classify',
      replicas: 5,
      decompose: () => [{ id: 'issue-1', input: 'x is undefined' }],
      consensus: (g: SwarmGathered<string, string>) => voteByTask(g.completed, (label) => label),
    });
    const result = await swarm.run(null);
    // Replicas are capped at the number of agents, each agent answering once.
    expect(result.completed.map((c) => c.agentId).sort()).toEqual(['a', 'b', 'c']);
    expect(result.consensus.get('issue-1')).toMatchObject({ winner: 'bug', majority: true, total: 3 });
  });

  it('rejects with CancelledError when the caller cancels, cancelling the agents, leaving no listener', async () => {
    const seen: AbortSignal[] = [];
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    env = await startHost([
      {
        id: 'a',
        capabilities: ['x'],
        handle: async (_t, ctx) => {
          seen.push(ctx.signal);
          started();
          await wait(60_000, ctx.signal);
        },
      },
    ]);
    const caller = new AbortController();
    const swarm = new Swarm({ dispatcher: env.host, capability: 'x', decompose: () => [{ input: 1 }], consensus: gathered });
    const run = swarm.run(null, { signal: caller.signal });
    await running;
    caller.abort();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen[0]?.aborted).toBe(true);
    expect(abortListeners(caller.signal)).toBe(0);
  });

  it('fails clearly without agents, on bad options and on duplicate task ids', async () => {
    env = await startHost([{ id: 'a', capabilities: ['x'], handle: async () => 1 }]);
    const none = new Swarm({ dispatcher: env.host, capability: 'nobody', decompose: () => [{ input: 1 }], consensus: gathered });
    await expect(none.run(null)).rejects.toThrow('No agent offers the capability "nobody"');
    expect(() => new Swarm({ dispatcher: env!.host, capability: 'x', concurrency: 0, decompose: () => [], consensus: gathered })).toThrow(InvalidInputError);
    const dup = new Swarm({ dispatcher: env.host, capability: 'x', decompose: () => [{ id: 'same', input: 1 }, { id: 'same', input: 2 }], consensus: gathered });
    await expect(dup.run(null)).rejects.toThrow('decompose() returned two tasks with the id "same"');
  });

  it('handles a job that decomposes into no tasks', async () => {
    env = await startHost([{ id: 'a', capabilities: ['x'], handle: async () => 1 }]);
    const swarm = new Swarm({ dispatcher: env.host, capability: 'x', decompose: () => [], consensus: (g: SwarmGathered<number, number>) => g.completed.length });
    await expect(swarm.run(null)).resolves.toMatchObject({ tasks: 0, dispatches: 0, consensus: 0, partial: false });
  });
});
