/**
 * A cascade: condition-gated steps, "if error then debug, then fix, then test". Each step runs only
 * when its condition on the previous result holds (the first step's condition sees the input); the
 * cascade stops at the first condition that fails and reports which steps ran and where it stopped.
 * A step that throws stops it with a {@link StepFailedError}, as in a chain.
 */
import { BugIndicatingError, StepFailedError, errorMessage } from '../errors/errors.js';
import type { AgentDispatcher } from '../runtime/agent.js';
import { AgentPicker, type PickStrategy } from './agent-picker.js';
import type { StepRecord } from './agent-chain.js';
import { openRun, runStep, stepError, type RunOptions, type RunState } from './run-step.js';
import { toStep, type Step, type StepContext } from './step.js';

/** What a condition sees besides the previous result. */
export interface ConditionContext {
  /** The input the cascade started with. */
  readonly runInput: unknown;
  /** Outputs of the steps that ran so far, by name. */
  readonly outputs: ReadonlyMap<string, unknown>;
}

/** Decides whether a step runs, from the previous step's result (or the cascade's input). */
export type Condition<P> = (previous: P, context: ConditionContext) => boolean | Promise<boolean>;

/** Options fixed when a cascade is built. */
export interface CascadeOptions {
  /** Where dispatching steps go; a run may override it. */
  dispatcher?: AgentDispatcher;
  /** How dispatching steps choose among agents offering a capability (default round-robin). */
  strategy?: PickStrategy;
  /** Milliseconds a capability's agent list is reused across steps and runs (default 250; 0: discover every step). */
  discoveryTtlMs?: number;
  /** Name used in deadline messages. */
  name?: string;
}

/** What a cascade run resolves with. `U` is the union of the input and every step's output type. */
export interface CascadeResult<U> {
  /** Output of the last step that ran, or the input when none ran. */
  output: U;
  /** Steps that ran, in order. */
  ran: StepRecord[];
  /** Steps that did not run because the cascade stopped first. */
  skipped: string[];
  /** The step whose condition failed, if the cascade stopped early. */
  stoppedAt: { step: string; index: number } | undefined;
  /** True when every step ran. */
  completed: boolean;
}

interface Entry {
  step: Step<unknown, unknown>;
  when: Condition<unknown> | undefined;
}

/** An immutable cascade from `I`, whose last step outputs `O`; `U` collects every possible output. */
export class Cascade<I, O, U> {
  /** Shared by runs on the build-time dispatcher, as in a chain. */
  private readonly picker: AgentPicker | undefined;

  private constructor(
    private readonly entries: readonly Entry[],
    private readonly options: CascadeOptions,
  ) {
    this.picker = options.dispatcher === undefined ? undefined : new AgentPicker(options.dispatcher, options.strategy, options.discoveryTtlMs);
  }

  /** An empty cascade. Prefer the {@link cascade} function. */
  static start<I>(options: CascadeOptions = {}): Cascade<I, I, I> {
    return new Cascade<I, I, I>([], options);
  }

  /** Names of the steps, in order. */
  get stepNames(): string[] {
    return this.entries.map((e) => e.step.name);
  }

  /** Appends a step that runs when `when(previous)` holds (always, without `when`). */
  step<N>(next: Step<O, N> | ((input: O, context: StepContext) => N | Promise<N>), when?: Condition<O>): Cascade<I, N, U | N> {
    const added = toStep(next, this.entries.length) as Step<unknown, unknown>;
    if (this.entries.some((e) => e.step.name === added.name)) {
      throw new BugIndicatingError(`The cascade already has a step named "${added.name}": give steps unique names`);
    }
    return new Cascade<I, N, U | N>([...this.entries, { step: added, when: when as Condition<unknown> | undefined }], this.options);
  }

  /** Runs the cascade until a condition fails or every step ran. */
  async run(input: I, options: RunOptions = {}): Promise<CascadeResult<U>> {
    const state = openRun(input, options, { ...this.options, picker: this.picker, label: this.options.name ? `cascade "${this.options.name}"` : 'cascade' });
    try {
      const ran: StepRecord[] = [];
      let value: unknown = input;
      for (let i = 0; i < this.entries.length; i++) {
        const { step, when } = this.entries[i]!;
        if (when !== undefined && !(await holds(when, value, state, step.name, i))) {
          return {
            output: value as U,
            ran,
            skipped: this.entries.slice(i).map((e) => e.step.name),
            stoppedAt: { step: step.name, index: i },
            completed: false,
          };
        }
        const started = performance.now();
        value = await runStep(step, i, value, state);
        ran.push({ name: step.name, durationMs: performance.now() - started });
      }
      return { output: value as U, ran, skipped: [], stoppedAt: undefined, completed: true };
    } finally {
      state.scope.dispose();
    }
  }
}

async function holds(when: Condition<unknown>, value: unknown, state: RunState, name: string, index: number): Promise<boolean> {
  let result: boolean;
  try {
    result = await state.scope.race(Promise.resolve(when(value, { runInput: state.runInput, outputs: state.outputs })));
  } catch (error) {
    if (state.scope.aborted) throw stepError(state, name, index, error);
    throw new StepFailedError(`The condition of step "${name}" (#${index + 1}) threw: ${errorMessage(error)}`, name, index, { cause: error });
  }
  if (typeof result !== 'boolean') {
    throw new BugIndicatingError(`The condition of step "${name}" returned ${typeof result}, not a boolean`);
  }
  return result;
}

/** Starts a cascade whose input is `I`. */
export function cascade<I>(options: CascadeOptions = {}): Cascade<I, I, I> {
  return Cascade.start<I>(options);
}
