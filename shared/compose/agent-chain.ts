/**
 * A typed chain of steps: each step's output is the next one's input.
 * `chain<I>({ dispatcher }).then(step.capability<I, A>('parse')).then(step.agent<A, B>('fixer'))`
 * is an `AgentChain<I, B>`; `run(input, { signal, deadlineMs })` resolves with the last output and
 * stops at the first failing step with a {@link StepFailedError} naming it.
 */
import { BugIndicatingError } from '../errors/errors.js';
import type { AgentDispatcher } from '../runtime/agent.js';
import { AgentPicker, type PickStrategy } from './agent-picker.js';
import { openRun, runStep, type RunOptions } from './run-step.js';
import { toStep, type Step, type StepContext } from './step.js';

/** Options fixed when a chain is built. */
export interface ChainOptions {
  /** Where dispatching steps go; a run may override it. */
  dispatcher?: AgentDispatcher;
  /** How dispatching steps choose among agents offering a capability (default round-robin). */
  strategy?: PickStrategy;
  /** Milliseconds a capability's agent list is reused across steps and runs (default 250; 0: discover every step). */
  discoveryTtlMs?: number;
  /** Name used in deadline messages. */
  name?: string;
}

/** One step as it ran. */
export interface StepRecord {
  name: string;
  durationMs: number;
}

/** What {@link AgentChain.runDetailed} resolves with. */
export interface ChainResult<O> {
  output: O;
  /** The steps in the order they ran, all of them (a chain either runs every step or throws). */
  steps: StepRecord[];
}

/** An immutable chain from `I` to `O`; {@link then} returns a new, longer chain. */
export class AgentChain<I, O> {
  /** Shared by runs on the build-time dispatcher: capability discovery is reused and rotation is fair across runs. */
  private readonly picker: AgentPicker | undefined;

  private constructor(
    private readonly steps: readonly Step<unknown, unknown>[],
    private readonly options: ChainOptions,
  ) {
    this.picker = options.dispatcher === undefined ? undefined : new AgentPicker(options.dispatcher, options.strategy, options.discoveryTtlMs);
  }

  /** An empty chain (its output is its input). Prefer the {@link chain} function. */
  static start<I>(options: ChainOptions = {}): AgentChain<I, I> {
    return new AgentChain<I, I>([], options);
  }

  /** Names of the steps, in order. */
  get stepNames(): string[] {
    return this.steps.map((s) => s.name);
  }

  /** Appends a step (or a local function) taking this chain's output. Step names must be unique. */
  then<N>(next: Step<O, N> | ((input: O, context: StepContext) => N | Promise<N>)): AgentChain<I, N> {
    const added = toStep(next, this.steps.length) as Step<unknown, unknown>;
    if (this.steps.some((s) => s.name === added.name)) {
      throw new BugIndicatingError(`The chain already has a step named "${added.name}": give steps unique names`);
    }
    return new AgentChain<I, N>([...this.steps, added], this.options);
  }

  /** Runs the chain and resolves with the last step's output. */
  async run(input: I, options: RunOptions = {}): Promise<O> {
    return (await this.runDetailed(input, options)).output;
  }

  /** Runs the chain and resolves with the output and each step's duration. */
  async runDetailed(input: I, options: RunOptions = {}): Promise<ChainResult<O>> {
    const state = openRun(input, options, { ...this.options, picker: this.picker, label: this.options.name ? `chain "${this.options.name}"` : 'chain' });
    try {
      const records: StepRecord[] = [];
      let value: unknown = input;
      for (let i = 0; i < this.steps.length; i++) {
        const s = this.steps[i]!;
        const started = performance.now();
        value = await runStep(s, i, value, state);
        records.push({ name: s.name, durationMs: performance.now() - started });
      }
      return { output: value as O, steps: records };
    } finally {
      state.scope.dispose();
    }
  }
}

/** Starts a typed chain whose input is `I`. */
export function chain<I>(options: ChainOptions = {}): AgentChain<I, I> {
  return AgentChain.start<I>(options);
}
