/**
 * A per-agent circuit breaker: closed → open after `threshold` consecutive failures → half-open once
 * `cooldownMs` passed (one trial call admitted) → closed if the trial succeeds, open again if it fails.
 * It keeps no timer: the half-open transition is evaluated lazily when a call asks to be admitted.
 */

/** The three states of a circuit. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** How a call was admitted: normally, or as the single trial call of a half-open circuit. */
export type Admission = 'normal' | 'trial';

/** The circuit breaker of one agent. Created lazily, on the agent's first failure. */
export class CircuitBreaker {
  private failures = 0;
  /** 0 while closed; otherwise the time (ms since epoch) at which the circuit half-opens. */
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  /** The state at time `now`. */
  state(now: number): CircuitState {
    if (this.openUntil === 0) return 'closed';
    return now >= this.openUntil ? 'half_open' : 'open';
  }

  /** True while the circuit is not closed (open or half-open). */
  get isOpen(): boolean {
    return this.openUntil !== 0;
  }

  /** Consecutive failures counted so far. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** When the circuit half-opens (ms since epoch), or 0 when it is closed. */
  get retryAt(): number {
    return this.openUntil;
  }

  /** Asks to run a call at `now`: how it is admitted, or `undefined` if the circuit refuses it. */
  acquire(now: number): Admission | undefined {
    if (this.openUntil === 0) return 'normal';
    if (now < this.openUntil || this.trialInFlight) return undefined;
    this.trialInFlight = true;
    return 'trial';
  }

  /** Records a success. Returns true if it closed the circuit (the trial call succeeded). */
  onSuccess(admission: Admission): boolean {
    if (admission === 'trial') {
      this.trialInFlight = false;
      this.openUntil = 0;
      this.failures = 0;
      return true;
    }
    // A call admitted before the circuit opened says nothing about the agent now: only the trial closes it.
    if (this.openUntil === 0) this.failures = 0;
    return false;
  }

  /** Records a failure at `now`. Returns true if it opened (or re-opened) the circuit. */
  onFailure(admission: Admission, now: number): boolean {
    this.failures++;
    if (admission === 'trial') {
      this.trialInFlight = false;
      this.openUntil = now + this.cooldownMs;
      return true;
    }
    if (this.openUntil === 0 && this.failures >= this.threshold) {
      this.openUntil = now + this.cooldownMs;
      return true;
    }
    return false;
  }

  /** A call ended without a verdict (cancelled): frees the trial slot so another call may try. */
  release(admission: Admission): void {
    if (admission === 'trial') this.trialInFlight = false;
  }
}
