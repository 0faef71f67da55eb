/**
 * A deadline scope: one AbortSignal that fires when the caller cancels, when a parent scope fires,
 * or when a deadline passes. Compositions (chains, swarms, cascades) nest them: a step's scope is a
 * child of its run's scope, so the run's deadline cancels the step and a step may have a shorter one.
 */
import { setMaxListeners } from 'node:events';
import { CancelledError, DeadlineExceededError } from '../errors/errors.js';
import type { Disposable } from '../lifecycle/disposable.js';

/** Options for a {@link DeadlineScope}. */
export interface DeadlineScopeOptions {
  /** The caller's (or parent scope's) signal: when it fires, this scope fires with the same kind of reason. */
  signal?: AbortSignal;
  /** Milliseconds from now until the scope fires with a {@link DeadlineExceededError}. Omit for no own deadline. */
  deadlineMs?: number;
  /** Absolute deadline (ms since epoch) inherited from a parent; the earlier of the two wins. */
  parentDeadline?: number;
  /** What runs inside, for messages: `step "fix"`, `swarm task "t3"`. */
  label?: string;
}

/** Reason a parent's abort is passed on as: deadlines and cancellations keep their kind, anything else becomes a cancellation. */
function inheritReason(reason: unknown): Error {
  if (reason instanceof DeadlineExceededError || reason instanceof CancelledError) return reason;
  return new CancelledError('Cancelled', { cause: reason });
}

/**
 * Owns an AbortController and at most one timer (unref'd, so it never keeps the process alive) and
 * one listener on the parent signal. Dispose it when the work inside ends: that clears both.
 */
export class DeadlineScope implements Disposable {
  /** Fires on cancellation or deadline; its `reason` is a {@link CancelledError} or {@link DeadlineExceededError}. */
  readonly signal: AbortSignal;
  /** Absolute time (ms since epoch) by which the work must finish; `Infinity` when there is none. */
  readonly deadline: number;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly parent: AbortSignal | undefined;
  private readonly onParentAbort = (): void => this.abort(inheritReason(this.parent?.reason));

  constructor(options: DeadlineScopeOptions = {}) {
    const { signal, deadlineMs, parentDeadline = Number.POSITIVE_INFINITY, label = 'work' } = options;
    this.signal = this.controller.signal;
    // Many dispatches may listen to one scope (a swarm's fan-out): that is by design, not a leak.
    setMaxListeners(0, this.signal);
    const now = Date.now();
    const own = deadlineMs === undefined ? Number.POSITIVE_INFINITY : now + Math.max(0, deadlineMs);
    this.deadline = Math.min(own, parentDeadline);
    this.parent = signal;
    if (signal?.aborted) {
      this.abort(inheritReason(signal.reason));
      return;
    }
    signal?.addEventListener('abort', this.onParentAbort, { once: true });
    if (Number.isFinite(this.deadline)) {
      const budget = Math.max(0, this.deadline - now);
      // The message names the budget the caller can change: the own deadline if it is the binding one.
      const shown = own <= parentDeadline && deadlineMs !== undefined ? deadlineMs : budget;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.abort(new DeadlineExceededError(`${label} ran past its ${shown} ms deadline`, shown));
      }, budget);
      this.timer.unref();
    }
  }

  /** True once the scope fired. */
  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** Milliseconds left before the deadline (`Infinity` when there is none, 0 when passed). */
  remainingMs(): number {
    return Number.isFinite(this.deadline) ? Math.max(0, this.deadline - Date.now()) : Number.POSITIVE_INFINITY;
  }

  /** Fires the scope now with `reason` (default: a {@link CancelledError}). Idempotent. */
  abort(reason: Error = new CancelledError()): void {
    if (this.controller.signal.aborted) return;
    this.release();
    this.controller.abort(reason);
  }

  /**
   * Settles with `promise`, or rejects with the scope's reason as soon as the scope fires, even if
   * the work ignores its signal. The work's own later rejection is observed so it is never unhandled.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) {
      promise.catch(() => undefined);
      return Promise.reject(signal.reason as Error);
    }
    // One abort listener serves every pending race: a swarm races 100 dispatches on one scope, and
    // an EventTarget listener per dispatch costs more than the dispatch bookkeeping itself.
    if (this.racers === undefined) {
      this.racers = new Set();
      signal.addEventListener('abort', this.onRaceAbort, { once: true });
    }
    const racers = this.racers;
    return new Promise<T>((resolve, reject) => {
      racers.add(reject);
      promise.then(
        (value) => {
          racers.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          racers.delete(reject);
          // If the scope fired, its reason (deadline or cancellation) is the truth, not the agent's AbortError.
          reject(signal.aborted ? (signal.reason as Error) : error);
        },
      );
    });
  }

  private racers: Set<(reason: Error) => void> | undefined;
  private readonly onRaceAbort = (): void => {
    const reason = this.signal.reason as Error;
    const racers = this.racers;
    this.racers = undefined;
    for (const reject of racers ?? []) reject(reason);
  };

  /** Clears the timer and the parent listener. Does not fire the signal: work that finished is not cancelled. */
  dispose(): void {
    this.release();
  }

  private release(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.parent?.removeEventListener('abort', this.onParentAbort);
    if (this.racers !== undefined && this.racers.size === 0 && !this.signal.aborted) {
      this.signal.removeEventListener('abort', this.onRaceAbort);
      this.racers = undefined;
    }
  }
}
