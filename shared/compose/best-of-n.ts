/**
 * Best-of-N: competing strategies (often the same task on several agents) race, a scoring function
 * judges their results, and the losers are cancelled: their AbortSignals fire. Two variants:
 * `first-acceptable` (the first result that passes `accept` wins at once) and `best-score` (every
 * result that arrives before the deadline is scored; the highest wins, stragglers are cancelled).
 */
import { CancelledError, DeadlineExceededError, errorMessage } from '../errors/errors.js';
import type { AgentDispatcher, AgentTask, DispatchOptions } from '../runtime/agent.js';
import { DeadlineScope } from './deadline-scope.js';

/** One competitor. `run` must honour its signal: it fires when the strategy loses or time is up. */
export interface Strategy<T> {
  name: string;
  run(signal: AbortSignal): Promise<T>;
}

/** How a competitor ended. */
export type ContenderStatus = 'won' | 'lost' | 'rejected' | 'failed' | 'cancelled' | 'timed_out';

/** One competitor's outcome. */
export interface Contender<T> {
  strategy: string;
  /**
   * `won`; `lost` (scored, but another scored higher); `rejected` (finished, not acceptable);
   * `failed` (threw, or its score did); `cancelled` (still running when another won: its signal fired);
   * `timed_out` (still running at the deadline: its signal fired).
   */
  status: ContenderStatus;
  value?: T;
  score?: number;
  error?: unknown;
  /** Milliseconds from start until it finished or was cancelled. */
  durationMs: number;
}

/** What {@link bestOfN} resolves with. */
export interface BestOfResult<T> {
  winner: { strategy: string; value: T; score: number } | undefined;
  /** Every competitor, in the order given. */
  contenders: Contender<T>[];
  /** True when the deadline ended the race. */
  timedOut: boolean;
}

/** Options of {@link bestOfN}. */
export interface BestOfOptions<T> {
  /** `first-acceptable`: first result passing `accept` wins. `best-score`: highest score by the deadline wins. */
  mode: 'first-acceptable' | 'best-score';
  /** Scores a result; higher is better. */
  score: (value: T, strategy: string) => number;
  /** first-acceptable: whether a scored result is good enough (default: `score >= threshold`). */
  accept?: (value: T, score: number) => boolean;
  /** Used by the default `accept` (default 0). */
  threshold?: number;
  /** Milliseconds the race may take; strategies still running then are cancelled. */
  deadlineMs?: number;
  /** Cancels the race: it rejects with a {@link CancelledError} and every strategy's signal fires. */
  signal?: AbortSignal;
}

/** Races `strategies` and picks a winner as `options.mode` says. Ties on score go to the earlier strategy. */
export function bestOfN<T>(strategies: readonly Strategy<T>[], options: BestOfOptions<T>): Promise<BestOfResult<T>> {
  const { mode, score, signal, deadlineMs } = options;
  const threshold = options.threshold ?? 0;
  const accept = options.accept ?? ((_value: T, s: number) => s >= threshold);
  const race = new DeadlineScope({ signal, deadlineMs, label: 'best-of-N race' });
  const started = performance.now();
  const contenders: Contender<T>[] = strategies.map((s) => ({ strategy: s.name, status: 'cancelled', durationMs: 0 }));
  const running = new Set<number>();
  const scopes = strategies.map(() => new DeadlineScope({ signal: race.signal, label: 'strategy' }));

  return new Promise<BestOfResult<T>>((resolve, reject) => {
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      race.signal.removeEventListener('abort', onRaceAbort);
      for (const scope of scopes) scope.dispose();
      race.dispose();
    };
    const finish = (winner: number | undefined, timedOut: boolean): void => {
      if (settled) return;
      const now = performance.now() - started;
      const loser = winner === undefined ? undefined : strategies[winner]!.name;
      for (const i of running) {
        contenders[i]!.status = timedOut ? 'timed_out' : 'cancelled';
        contenders[i]!.durationMs = now;
        const reason = timedOut
          ? (race.signal.reason as Error)
          : new CancelledError(loser === undefined ? 'The race ended' : `Lost to strategy "${loser}"`);
        scopes[i]!.abort(reason);
      }
      if (winner === undefined && mode === 'best-score') winner = bestScored(contenders);
      if (winner !== undefined) contenders[winner]!.status = 'won';
      cleanup();
      const w = winner === undefined ? undefined : contenders[winner]!;
      resolve({ winner: w && { strategy: w.strategy, value: w.value as T, score: w.score! }, contenders, timedOut });
    };
    function onRaceAbort(): void {
      if (settled) return;
      if (race.signal.reason instanceof DeadlineExceededError) {
        finish(undefined, true);
        return;
      }
      for (const scope of scopes) scope.abort(race.signal.reason as Error);
      cleanup();
      reject(race.signal.reason as Error);
    }
    if (race.aborted) {
      onRaceAbort();
      return;
    }
    race.signal.addEventListener('abort', onRaceAbort, { once: true });

    const settle = (i: number, ok: boolean, value: unknown): void => {
      if (settled) return;
      running.delete(i);
      const c = contenders[i]!;
      c.durationMs = performance.now() - started;
      if (!ok) {
        c.status = 'failed';
        c.error = value;
      } else {
        c.value = value as T;
        try {
          c.score = score(c.value, c.strategy);
          if (typeof c.score !== 'number' || Number.isNaN(c.score)) throw new TypeError(`score returned ${String(c.score)}`);
          if (mode === 'best-score') c.status = 'lost';
          else c.status = accept(c.value, c.score) ? 'won' : 'rejected';
        } catch (error) {
          c.status = 'failed';
          c.error = new Error(`Scoring strategy "${c.strategy}" failed: ${errorMessage(error)}`, { cause: error });
          delete c.score;
        }
        if (c.status === 'won') {
          finish(i, false);
          return;
        }
      }
      if (running.size === 0) finish(undefined, false);
    };
    strategies.forEach((s, i) => {
      running.add(i);
      let work: Promise<T>;
      try {
        work = Promise.resolve(s.run(scopes[i]!.signal));
      } catch (error) {
        work = Promise.reject(error as Error);
      }
      work.then(
        (value) => settle(i, true, value),
        (error: unknown) => settle(i, false, error),
      );
    });
    if (strategies.length === 0) finish(undefined, false);
  });
}

function bestScored<T>(contenders: readonly Contender<T>[]): number | undefined {
  let best: number | undefined;
  contenders.forEach((c, i) => {
    if (c.status !== 'lost' || c.score === undefined) return;
    if (best === undefined || c.score > contenders[best]!.score!) best = i;
  });
  return best;
}

/**
 * One strategy per agent offering `capability`, each dispatching the same task: best-of-N across
 * agents. The strategy's signal is passed to the dispatch, so a loser's task is cancelled.
 */
export function agentStrategies<O>(
  dispatcher: AgentDispatcher,
  capability: string,
  task: Omit<AgentTask, 'id'> & { id?: string },
  options: Omit<DispatchOptions, 'signal'> = {},
): Strategy<O>[] {
  return dispatcher.find(capability).map((agent) => ({
    name: agent.id,
    run: (signal: AbortSignal) => dispatcher.dispatch<O>(agent.id, task, { ...options, signal }),
  }));
}
