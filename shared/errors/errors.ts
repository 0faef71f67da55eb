/**
 * One class per kind of error, each with a literal `name` and a type guard. Expected failures
 * (bad config, a denied permission, a timeout) are separate from bugs ({@link BugIndicatingError}).
 * Modelled on VS Code's `src/vs/base/common/errors.ts`.
 */

/** Base class: keeps the underlying error as `cause`. */
export abstract class OrchestraError extends Error {
  abstract override readonly name: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A programming error inside Orchestra: an invariant that should never break did. */
export class BugIndicatingError extends OrchestraError {
  override readonly name = 'BugIndicatingError' as const;
}

/** Work was cancelled (an AbortSignal fired, a newer run superseded it). Not a failure: never log it as one. */
export class CancelledError extends OrchestraError {
  override readonly name = 'CancelledError' as const;
  constructor(message = 'Cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A task ran past its deadline and was cancelled. */
export class DeadlineExceededError extends OrchestraError {
  override readonly name = 'DeadlineExceededError' as const;
  constructor(
    message: string,
    readonly deadlineMs: number,
  ) {
    super(message);
  }
}

/** An action needed a higher permission level, or an approval that was denied or timed out. */
export class PermissionDeniedError extends OrchestraError {
  override readonly name = 'PermissionDeniedError' as const;
}

/** A bounded queue is full and its policy is to reject. */
export class QueueOverflowError extends OrchestraError {
  override readonly name = 'QueueOverflowError' as const;
}

/** An agent's circuit is open after repeated failures: calls are refused until it half-opens. */
export class CircuitOpenError extends OrchestraError {
  override readonly name = 'CircuitOpenError' as const;
}

/**
 * Outside input (a config file, a webhook, a chat command, a pipeline file) is invalid.
 * `file` and `key` say where; the message says what is expected.
 */
export class InvalidInputError extends OrchestraError {
  override readonly name = 'InvalidInputError' as const;
  constructor(
    message: string,
    readonly where: { file?: string; key?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A store (e.g. the memory store's directory) is held by another live process, so this one may not
 * write it. `lockFile` is the lock to inspect; `holderPid` the process that holds it, when known.
 */
export class StoreLockedError extends OrchestraError {
  override readonly name = 'StoreLockedError' as const;
  constructor(
    message: string,
    readonly lockFile: string,
    readonly holderPid: number | undefined,
  ) {
    super(message);
  }
}

/**
 * A step of a composition (a chain, a cascade, a pipeline) failed, and the run stopped there.
 * `step` and `index` say which; `cause` is why (the agent's error, a DeadlineExceededError, …).
 */
export class StepFailedError extends OrchestraError {
  override readonly name = 'StepFailedError' as const;
  constructor(
    message: string,
    readonly step: string,
    readonly index: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Work hit a resource limit it was given (a worker thread's heap limit, say) and was stopped.
 * `limit` names the limit and its value, e.g. `maxOldGenerationSizeMb=64`, so the fix is obvious.
 */
export class ResourceLimitError extends OrchestraError {
  override readonly name = 'ResourceLimitError' as const;
  constructor(
    message: string,
    readonly limit: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Type guard for any error of a given class, across realms where `instanceof` may fail. */
export function isErrorNamed<N extends string>(error: unknown, name: N): error is Error & { name: N } {
  return error instanceof Error && error.name === name;
}

/** True for cancellation of any origin: our {@link CancelledError} or a DOM `AbortError`. */
export function isCancellation(error: unknown): boolean {
  return isErrorNamed(error, 'CancelledError') || isErrorNamed(error, 'AbortError');
}

/** Throws a {@link CancelledError} (carrying the signal's reason) if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Cancelled', { cause: signal.reason });
}

/** Renders any thrown value as a one-line message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
