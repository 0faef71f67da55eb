/**
 * Runs one step of a composition inside its own deadline scope and turns its failure into a
 * {@link StepFailedError} naming the step, or a {@link CancelledError} when the caller cancelled.
 * Chains, cascades and parallel groups all run their steps through here, so they fail alike.
 */
import { CancelledError, StepFailedError, errorMessage } from '../errors/errors.js';
import type { AgentDispatcher } from '../runtime/agent.js';
import { AgentPicker, type PickStrategy } from './agent-picker.js';
import { DeadlineScope } from './deadline-scope.js';
import type { Step, StepContext } from './step.js';

/** Options every composition's `run` takes. */
export interface RunOptions {
  /** Cancels the run: it rejects with a {@link CancelledError}. */
  signal?: AbortSignal;
  /** Milliseconds the whole run may take; each step gets what is left, or its own shorter deadline. */
  deadlineMs?: number;
  /** Overrides the dispatcher the composition was built with. */
  dispatcher?: AgentDispatcher;
  /** Trace id passed on to every dispatched task. */
  traceId?: string;
}

/** The state of one run, shared by its steps. */
export interface RunState {
  readonly dispatcher: AgentDispatcher | undefined;
  readonly picker: AgentPicker | undefined;
  /** The run's scope (or a parallel group's): steps' scopes are its children. */
  readonly scope: DeadlineScope;
  /** The caller's own signal: when it fired, a failure is a cancellation, not a step failure. */
  readonly callerSignal: AbortSignal | undefined;
  readonly runInput: unknown;
  readonly outputs: Map<string, unknown>;
  readonly traceId: string | undefined;
}

/** Opens a run: its scope must be disposed when the run ends (see {@link closeRun}). */
export function openRun(
  input: unknown,
  options: RunOptions,
  defaults: { dispatcher?: AgentDispatcher; strategy?: PickStrategy; label: string; picker?: AgentPicker },
): RunState {
  const dispatcher = options.dispatcher ?? defaults.dispatcher;
  // The composition's own picker (shared by its runs: discovery reuse, fair rotation) fits only its own dispatcher.
  const shared = dispatcher !== undefined && dispatcher === defaults.dispatcher ? defaults.picker : undefined;
  return {
    dispatcher,
    picker: dispatcher === undefined ? undefined : (shared ?? new AgentPicker(dispatcher, defaults.strategy)),
    scope: new DeadlineScope({ signal: options.signal, deadlineMs: options.deadlineMs, label: defaults.label }),
    callerSignal: options.signal,
    runInput: input,
    outputs: new Map(),
    traceId: options.traceId,
  };
}

/** Builds the context a step's `execute` (or a condition) sees. */
export function stepContext(state: RunState, scope: DeadlineScope): StepContext {
  return {
    dispatcher: state.dispatcher,
    picker: state.picker,
    signal: scope.signal,
    deadline: scope.deadline,
    runInput: state.runInput,
    outputs: state.outputs,
    traceId: state.traceId,
  };
}

/** Turns any failure of step `name` into the error the run rejects with. */
export function stepError(state: RunState, name: string, index: number, error: unknown): Error {
  if (state.callerSignal?.aborted) {
    return new CancelledError(`Cancelled during step "${name}"`, { cause: error });
  }
  if (error instanceof StepFailedError && error.step === name) return error;
  return new StepFailedError(`Step "${name}" (#${index + 1}) failed: ${errorMessage(error)}`, name, index, { cause: error });
}

/**
 * Runs `step` on `input` under a child scope of `state.scope` (the step's own deadline, if any, and
 * whatever the run has left). Records the output under the step's name. Rejects as {@link stepError}.
 */
export async function runStep<I, O>(step: Step<I, O>, index: number, input: I, state: RunState): Promise<O> {
  const scope = new DeadlineScope({
    signal: state.scope.signal,
    deadlineMs: step.deadlineMs,
    parentDeadline: state.scope.deadline,
    label: `step "${step.name}"`,
  });
  try {
    let work: Promise<O>;
    try {
      // A run cancelled before this step never starts it.
      work = scope.aborted ? Promise.reject(scope.signal.reason as Error) : Promise.resolve(step.execute(input, stepContext(state, scope)));
    } catch (error) {
      work = Promise.reject(error as Error);
    }
    const output = await scope.race(work);
    state.outputs.set(step.name, output);
    return output;
  } catch (error) {
    throw stepError(state, step.name, index, error);
  } finally {
    scope.dispose();
  }
}
