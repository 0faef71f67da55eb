import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { agentStrategies, bestOfN, type Strategy } from '../../../shared/compose/best-of-n.js';
import { CancelledError, DeadlineExceededError } from '../../../shared/errors/errors.js';
import { abortListeners, forever, startHost, trackTimers, untilAborted, wait, type TestHost, type TimerTracker } from './helpers.js';

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

/** A strategy answering `value` after `ms` (cooperative), recording the signal it got. */
function after<T>(name: string, ms: number, value: T, signals: Map<string, AbortSignal>): Strategy<T> {
  return {
    name,
    run: async (signal) => {
      signals.set(name, signal);
      await wait(ms, signal);
      return value;
    },
  };
}

/** A strategy that resolves only when told to. */
function gated<T>(name: string, signals: Map<string, AbortSignal>) {
  let release!: (value: T) => void;
  const strategy: Strategy<T> = {
    name,
    run: (signal) => {
      signals.set(name, signal);
      return new Promise<T>((resolve) => (release = resolve));
    },
  };
  return { strategy, release: (v: T) => release(v) };
}

describe('bestOfN, first-acceptable', () => {
  it('takes the first acceptable result and fires the losers\' signals', async () => {
    const signals = new Map<string, AbortSignal>();
    const slow = gated<number>('slow', signals);
    const fast = gated<number>('fast', signals);
    const race = bestOfN([slow.strategy, fast.strategy, after('slower', 60_000, 10, signals)], { mode: 'first-acceptable', score: (v) => v, threshold: 5 });
    fast.release(7);
    const result = await race;
    expect(result.winner).toEqual({ strategy: 'fast', value: 7, score: 7 });
    expect(result.contenders.map((c) => [c.strategy, c.status])).toEqual([
      ['slow', 'cancelled'],
      ['fast', 'won'],
      ['slower', 'cancelled'],
    ]);
    expect(signals.get('slow')?.aborted).toBe(true);
    expect(signals.get('slower')?.aborted).toBe(true);
    expect((signals.get('slow')?.reason as Error).message).toBe('Lost to strategy "fast"');
    expect(signals.get('fast')?.aborted).toBe(false);
    expect(result.timedOut).toBe(false);
  });

  it('skips results that are not acceptable and keeps racing', async () => {
    const signals = new Map<string, AbortSignal>();
    const poor = gated<number>('poor', signals);
    const good = gated<number>('good', signals);
    const race = bestOfN([poor.strategy, good.strategy], { mode: 'first-acceptable', score: (v) => v, accept: (_v, s) => s > 0.8 });
    poor.release(0.2);
    await new Promise((r) => setImmediate(r));
    good.release(0.9);
    const result = await race;
    expect(result.winner?.strategy).toBe('good');
    expect(result.contenders[0]).toMatchObject({ status: 'rejected', score: 0.2, value: 0.2 });
  });

  it('has no winner when nothing is acceptable, and records failures', async () => {
    const result = await bestOfN(
      [
        { name: 'low', run: async () => 1 },
        { name: 'broken', run: async () => Promise.reject(new Error('crashed')) },
      ],
      { mode: 'first-acceptable', score: (v: number) => v, threshold: 10 },
    );
    expect(result.winner).toBeUndefined();
    expect(result.contenders.map((c) => c.status)).toEqual(['rejected', 'failed']);
    expect((result.contenders[1]!.error as Error).message).toBe('crashed');
  });
});

describe('bestOfN, best-score', () => {
  it('scores every result until all finish and takes the highest, ties to the earlier strategy', async () => {
    const signals = new Map<string, AbortSignal>();
    const result = await bestOfN([after('a', 1, 'ok', signals), after('b', 5, 'better', signals), after('c', 1, 'finest', signals)], {
      mode: 'best-score',
      score: (v) => v.length,
    });
    expect(result.winner).toEqual({ strategy: 'b', value: 'better', score: 6 });
    expect(result.contenders.map((c) => c.status)).toEqual(['lost', 'won', 'lost']);
  });

  it('ends at the deadline: the best finished result wins, stragglers time out and are cancelled', async () => {
    const signals = new Map<string, AbortSignal>();
    let hungSignal: AbortSignal | undefined;
    const result = await bestOfN(
      [
        after('quick', 1, 3, signals),
        after('tortoise', 60_000, 100, signals),
        {
          name: 'deaf',
          run: (signal) => {
            hungSignal = signal;
            return forever();
          },
        },
      ],
      { mode: 'best-score', score: (v: number) => v, deadlineMs: 200 },
    );
    expect(result.timedOut).toBe(true);
    expect(result.winner?.strategy).toBe('quick');
    expect(result.contenders.map((c) => c.status)).toEqual(['won', 'timed_out', 'timed_out']);
    expect(signals.get('tortoise')?.reason).toBeInstanceOf(DeadlineExceededError);
    expect(hungSignal?.aborted).toBe(true);
  });

  it('marks a strategy whose score throws as failed', async () => {
    const result = await bestOfN([{ name: 'x', run: async () => 'v' }], {
      mode: 'best-score',
      score: () => {
        throw new Error('bad scorer');
      },
    });
    expect(result.winner).toBeUndefined();
    expect(result.contenders[0]).toMatchObject({ status: 'failed' });
    expect((result.contenders[0]!.error as Error).message).toContain('bad scorer');
  });
});

describe('bestOfN, cancellation', () => {
  it('rejects with CancelledError when the caller cancels, firing every strategy signal', async () => {
    const caller = new AbortController();
    const seen: AbortSignal[] = [];
    const strategy = (name: string): Strategy<number> => ({
      name,
      run: async (signal) => {
        seen.push(signal);
        await untilAborted(signal);
        return 0;
      },
    });
    const race = bestOfN([strategy('a'), strategy('b')], { mode: 'best-score', score: (v) => v, signal: caller.signal });
    caller.abort();
    await expect(race).rejects.toBeInstanceOf(CancelledError);
    expect(seen.every((s) => s.aborted)).toBe(true);
    expect(abortListeners(caller.signal)).toBe(0);
  });

  it('resolves at once with no strategies', async () => {
    await expect(bestOfN([], { mode: 'best-score', score: () => 0 })).resolves.toEqual({ winner: undefined, contenders: [], timedOut: false });
  });
});

describe('agentStrategies', () => {
  it('races the agents offering a capability; the losing agent sees its task cancelled', async () => {
    let loserCancelled = false;
    env = await startHost([
      { id: 'fast', capabilities: ['summarise'], handle: async () => 'short summary' },
      {
        id: 'slow',
        capabilities: ['summarise'],
        handle: async (_t, ctx) => {
          await untilAborted(ctx.signal);
          loserCancelled = true;
          throw ctx.signal.reason;
        },
      },
    ]);
    const strategies = agentStrategies<string>(env.host, 'summarise', { type: 'summarise', input: 'long text' });
    const result = await bestOfN(strategies, { mode: 'first-acceptable', score: (s) => s.length, threshold: 1 });
    expect(result.winner?.strategy).toBe('fast');
    await new Promise((r) => setImmediate(r));
    expect(loserCancelled).toBe(true);
  });
});
